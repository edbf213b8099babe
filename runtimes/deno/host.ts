/**
 * The Deno host: fixtures and the socket counter for columns run by Deno.
 *
 * Deno's permissions never let a program read `/proc/self` short of
 * `--allow-all`, so the count is read by `ls` in a child process, which
 * needs only `--allow-run=ls`.
 *
 * @module
 */
import { ipv6Fixture, type RuntimeHost } from "../_host.ts";

const decoder = new TextDecoder();

async function countSockets(): Promise<number> {
  const { stdout } = await new Deno.Command("ls", { args: ["-l", `/proc/${Deno.pid}/fd`], stderr: "null" }).output();
  return decoder.decode(stdout).split("\n").filter((line) => line.includes("-> socket:")).length;
}

export const host: RuntimeHost = {
  runtime: "deno",
  version: Deno.version.deno,
  fixtures: { ipv6: ipv6Fixture() },
  countSockets: Deno.build.os === "linux" ? countSockets : undefined,
};
