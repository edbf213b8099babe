/**
 * Starting child processes (column processes, the lab's probes): through
 * `node:child_process` on Node and Bun; a runtime that needs another way
 * names its own starter in its in-process host (`RuntimeHost.startChild`:
 * Deno's, see hosts/deno/_child.ts).
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { createInterface } from "node:readline";

/** How a child ended; `error` when it could not be started at all. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
  error?: string;
}

/** What to start, and where its output goes. */
export interface ChildOptions {
  program: string;
  args: string[];
  /** Added to the inherited environment. */
  env: Record<string, string>;
  /** Each line the child writes on stdout. */
  onLine(line: string): void;
  /** Each chunk the child writes on stderr. */
  onStderr(text: string): void;
}

/** A running child. */
export interface Child {
  /** Settles once the child has exited and its output has been read. */
  exited: Promise<ChildExit>;
  /** SIGKILL. */
  kill(): void;
}

/** Starts a child; never throws (a failure to start is in `exited`). */
export type ChildStarter = (options: ChildOptions) => Child;

/**
 * Starts a child through `node:child_process`; never throws.
 *
 * @example
 * ```ts
 * import { startChild } from "./child.ts";
 * const child = startChild({ program: "true", args: [], env: {}, onLine() {}, onStderr() {} });
 * console.log((await child.exited).code); // 0
 * ```
 */
export const startChild: ChildStarter = (options) => {
  const child = spawn(options.program, options.args, {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr.on("data", (chunk) => options.onStderr(String(chunk)));
  createInterface({ input: child.stdout }).on("line", options.onLine);
  const exited = new Promise<ChildExit>((resolve) => {
    child.on("error", (err) => resolve({ code: null, signal: null, error: err.message }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return { exited, kill: () => child.kill("SIGKILL") };
};

/** What {@linkcode runToEnd} gives: how the program ended, and the tail of its stderr. */
export type Finished = ChildExit & { stderr: string };

/**
 * Runs `program` to the end with `start`; its exit and the tail of its stderr.
 *
 * @example
 * ```ts
 * import { runToEnd, startChild } from "./child.ts";
 * const { code, stderr } = await runToEnd(startChild, { program: "ls", args: ["/nowhere"] });
 * console.log(code, stderr);
 * ```
 */
export async function runToEnd(start: ChildStarter, command: { program: string; args: string[] }): Promise<Finished> {
  let stderr = "";
  const child = start({ ...command, env: {}, onLine() {}, onStderr: (t) => stderr = (stderr + t).slice(-2000) });
  return { ...(await child.exited), stderr };
}
