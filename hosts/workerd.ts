/**
 * The workerd host. A workerd column's process is a Node process
 * (harness/workerd_main.ts) that speaks the harness's column-process protocol:
 * it bundles the catalog into one worker, starts `workerd serve` on it, runs
 * each case in the worker through a loopback HTTP request and reports the
 * results as every column process does. The binary found here is workerd's;
 * the column process runs on the Node that runs sockcheck.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import process from "node:process";
import { type Command, type HostDescriptor } from "./descriptor.ts";
import { HostError } from "./errors.ts";
import type { RuntimeLookup } from "./find_runtime.ts";
import { NODE } from "./node.ts";
import { installedWorkerd } from "./workerd/serve.ts";

/** The environment variable that hands the column process its workerd binary. */
export const WORKERD_BINARY_ENV = "SOCKCHECK_WORKERD";

/** The entry of the harness's column process, which the workerd column process stands in for. */
const COLUMN_ENTRY = "harness/main.ts";

/** A binary given with `--workerd PATH`, with its version as `workerd --version` gives it. */
function givenBinary(explicit: string): RuntimeLookup {
  const path = resolve(explicit);
  if (!existsSync(path)) throw new HostError("bad-path", `--workerd ${explicit}: no such file`);
  let answer: string;
  try {
    answer = execFileSync(path, ["--version"], { encoding: "utf8", timeout: 10_000 });
  } catch (err) {
    throw new HostError("bad-path", `--workerd ${explicit}: it does not run (${(err as Error).message.split("\n")[0]})`);
  }
  const version = /^workerd (\S+)/.exec(answer.trim())?.[1];
  if (!version) throw new HostError("bad-path", `--workerd ${explicit}: not workerd (it says "${answer.trim()}")`);
  return { found: true, runtime: "workerd", path, version, source: "explicit" };
}

/** The binary of the `workerd` package installed with sockcheck, with the package's version. */
function installedLookup(): RuntimeLookup {
  try {
    const { path, version } = installedWorkerd();
    return { found: true, runtime: "workerd", path, version, source: "project" };
  } catch {
    return { found: false, runtime: "workerd", reason: "the workerd package is not installed", hint: "npm i -D workerd" };
  }
}

/**
 * A process that says, in the protocols' own `error` line, that the workerd
 * host has no such process (the bench's, say), instead of starting one.
 */
function noSuchProcess(entry: string): Command {
  const line = JSON.stringify({ type: "error", message: `the workerd host runs the column process only, not ${entry}` });
  return { program: process.execPath, args: ["-e", `process.stdout.write(${JSON.stringify(line + "\n")})`], env: {} };
}

/**
 * workerd, as sockcheck starts it: `--workerd PATH` names another binary.
 *
 * @example
 * ```ts
 * import { WORKERD } from "./workerd.ts";
 * const { args, env } = WORKERD.command("/usr/bin/workerd", "harness/main.ts", { args: ["--column=workerd"] });
 * console.log(args.at(-2), env.SOCKCHECK_WORKERD); // .../harness/workerd_main.ts /usr/bin/workerd
 * ```
 */
export const WORKERD: HostDescriptor = {
  name: "workerd",
  find: (explicit) => Promise.resolve(explicit?.trim() ? givenBinary(explicit.trim()) : installedLookup()),
  installed: () => {
    const found = installedLookup();
    return found.found ? found.path : "workerd";
  },
  command(binary, entry, { args }): Command {
    if (entry !== COLUMN_ENTRY) return noSuchProcess(entry);
    // The Node running sockcheck runs the column process too.
    const node = NODE.command(process.execPath, "harness/workerd_main.ts", { args });
    return { ...node, env: { ...node.env, [WORKERD_BINARY_ENV]: binary } };
  },
  hostModule: new URL("./workerd/host.ts", import.meta.url),
  // `node --test`, listed in scripts/test.sh.
  testEntry: ["hosts/workerd/workerd.test.ts"],
  lookedIn: "the workerd package installed with sockcheck",
  takesVersions: false,
  // The worker runs cases only; the bench's workloads have no worker side yet.
  benches: false,
};
