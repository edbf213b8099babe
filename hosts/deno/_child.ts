/**
 * How Deno starts children: `Deno.Command`. Deno's `node:child_process` reads
 * the whole environment (or names like NODE_V8_COVERAGE) even when given an
 * `env`, which the narrow `--allow-env` list refuses; `Deno.Command`
 * inherits the environment and adds to it with only `--allow-run` for the
 * program.
 *
 * @module
 */
import type { Child, ChildOptions } from "../child.ts";

/** Starts a child through `Deno.Command`; never throws (a failure to start is in `exited`). */
export function startDenoChild(options: ChildOptions): Child {
  let child;
  try {
    child = new Deno.Command(options.program, {
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
