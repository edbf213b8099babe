/**
 * Starts child processes (column processes, the lab's probes) the same way
 * on every runtime: `node:child_process` by default; a host whose runtime
 * needs another way installs its own starter (the Deno host does, see
 * runtimes/deno/_child.ts).
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

let starter: ChildStarter = startNode;

/** Makes `start` the way this process starts children (called by a runtime's host). */
export function useChildStarter(start: ChildStarter): void {
  starter = start;
}

/** Starts `program`; never throws (a failure to start is in `exited`). */
export function startChild(options: ChildOptions): Child {
  return starter(options);
}

function startNode(options: ChildOptions): Child {
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
}

/** Runs `program` to the end; its exit and the tail of its stderr. */
export async function runToEnd(program: string, args: string[]): Promise<ChildExit & { stderr: string }> {
  let stderr = "";
  const child = startChild({ program, args, env: {}, onLine() {}, onStderr: (t) => stderr = (stderr + t).slice(-2000) });
  return { ...(await child.exited), stderr };
}
