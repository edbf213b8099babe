/**
 * Starts a child process the same way on every runtime: `node:child_process`
 * on Node and Bun, `Deno.Command` on Deno. Deno's `node:child_process` reads
 * the whole environment (or names like NODE_V8_COVERAGE) even when given an
 * `env`, which its narrow `--allow-env` list refuses; `Deno.Command`
 * inherits the environment and adds to it with only `--allow-run` for the
 * program.
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

/** The part of Deno's API this file uses, declared here so Node's and Bun's type checks pass. */
interface DenoCommandApi {
  Command: new (program: string, options: {
    args: string[];
    env: Record<string, string>;
    stdin: "null";
    stdout: "piped";
    stderr: "piped";
  }) => {
    spawn(): {
      stdout: ReadableStream<Uint8Array>;
      stderr: ReadableStream<Uint8Array>;
      status: Promise<{ code: number; signal: string | null }>;
      kill(signal: string): void;
    };
  };
}

const deno = (globalThis as unknown as { Deno?: DenoCommandApi }).Deno;

/** Starts `program`; never throws (a failure to start is in `exited`). */
export function startChild(options: ChildOptions): Child {
  return deno ? startDeno(deno, options) : startNode(options);
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

function startDeno(api: DenoCommandApi, options: ChildOptions): Child {
  let child;
  try {
    child = new api.Command(options.program, {
      args: options.args,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    return { exited: Promise.resolve({ code: null, signal: null, error: (err as Error).message }), kill() {} };
  }
  const started = child;
  let pending = "";
  const lines = readText(started.stdout, (text) => {
    const parts = (pending + text).split("\n");
    pending = parts.pop()!;
    for (const line of parts) options.onLine(line);
  }).then(() => {
    if (pending) options.onLine(pending);
  });
  const errors = readText(started.stderr, options.onStderr);
  const exited = Promise.all([started.status, lines, errors]).then(([status]) => ({
    code: status.signal ? null : status.code,
    signal: status.signal,
  }));
  return {
    exited,
    kill() {
      try {
        started.kill("SIGKILL");
      } catch {
        // already exited
      }
    },
  };
}

/** Reads a byte stream to its end as text. */
async function readText(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    onText(decoder.decode(chunk.value, { stream: true }));
  }
  const rest = decoder.decode();
  if (rest) onText(rest);
}

/** Runs `program` to the end; its exit and the tail of its stderr. */
export async function runToEnd(program: string, args: string[]): Promise<ChildExit & { stderr: string }> {
  let stderr = "";
  const child = startChild({ program, args, env: {}, onLine() {}, onStderr: (t) => stderr = (stderr + t).slice(-2000) });
  return { ...(await child.exited), stderr };
}
