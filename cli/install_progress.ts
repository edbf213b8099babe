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
  let shown = "";
  // Redrawn only when the line reads differently: unpacking reports every chunk.
  const draw = () => {
    const line = [...active.values()].join("  ·  ");
    if (line !== shown) sink.write(`\r\x1b[K${shown = line}`);
  };
  return (p) => {
    const key = `${p.runtime} ${p.version}`;
    if (p.phase === "done") {
      if (!active.delete(key) || p.cached) return;
      sink.write(`${live ? "\r\x1b[K" : ""}${key}: installed into sockcheck's cache${p.package ? ` from ${p.package}` : ""}\n`);
      shown = "";
      if (live) draw();
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
  const size = p.bytes === undefined ? "" : p.phase === "unpacking"
    ? (p.total ? ` ${Math.floor((100 * p.bytes) / p.total)}%` : "")
    : ` ${megabytes(p.bytes)}`;
  return `${p.phase}${p.package ? ` ${p.package}` : ""}${size}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
