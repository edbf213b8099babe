/**
 * Download progress of runtime releases on stderr: one live line on a
 * terminal (every install under way, with its bytes), a line per install's
 * start and end otherwise. A release already in the cache says nothing.
 *
 * @module
 */
import process from "node:process";
import type { InstallProgress } from "../hosts/install.ts";

/** Where the lines go: stderr by default; tests pass their own. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * A progress reporter for `installVersion`'s `onProgress`.
 *
 * @example
 * ```ts
 * import { installProgress } from "./install_progress.ts";
 * import { findRuntime } from "../hosts/find_runtime.ts";
 * await findRuntime("bun", { explicit: "1.2.0", onProgress: installProgress() });
 * ```
 */
export function installProgress(sink: ProgressSink = process.stderr): (progress: InstallProgress) => void {
  const live = sink.isTTY === true;
  const active = new Map<string, string>();
  const draw = () => sink.write(`\r\x1b[K${[...active.values()].join("  ·  ")}`);
  return (p) => {
    const key = `${p.runtime} ${p.version}`;
    if (p.phase === "done") {
      if (!active.delete(key) || p.cached) return;
      if (live) draw();
      sink.write(`${live ? "\r\x1b[K" : ""}${key}: installed into sockcheck's cache${p.package ? ` from ${p.package}` : ""}\n`);
      if (live && active.size) draw();
      return;
    }
    // Nothing is said while the release is only looked up: one that does not exist is then the one line of its error.
    if (p.phase === "resolving") return;
    const started = !active.has(key);
    active.set(key, `${key}: ${describe(p)}`);
    if (live) draw();
    else if (started) sink.write(`${key}: not in sockcheck's cache, installing from the npm registry\n`);
  };
}

/** `downloading @oven/bun-linux-x64 12.4 MB`, `unpacking 40%`, `verifying`. */
function describe(p: InstallProgress): string {
  if (p.phase === "verifying") return "checking the binary reports this version";
  const size = p.bytes === undefined ? "" : p.total && p.phase === "unpacking"
    ? ` ${Math.floor((100 * p.bytes) / p.total)}%`
    : ` ${megabytes(p.bytes)}`;
  return `${p.phase}${p.package ? ` ${p.package}` : ""}${size}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
