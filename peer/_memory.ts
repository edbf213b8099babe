/**
 * The column process's memory as the kernel counts it, for the performance
 * lane: VmRSS and VmHWM (the peak) from `/proc/<pid>/status`, and the peak
 * restarted from the current RSS by writing `5` to `/proc/<pid>/clear_refs`
 * (proc(5)). Read through libc, as the peer reads every `/proc` file (Deno
 * refuses `/proc/<pid>` to anything short of `--allow-all`). The column
 * process is the peer's parent, so it needs no privilege beyond being the
 * same user.
 *
 * @module
 */
import { check, readText, sysError } from "./_sys.ts";

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

let symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;
const lib = () => symbols ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;

const O_WRONLY_CLOEXEC = 0o1 | 0o2000000;

/** A `kB` line of a status file, in bytes. */
function statusBytes(op: string, status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw sysError(op, `read ${name}`, 0);
  return Number(match[1]) * 1024;
}

/**
 * The process's resident set now and its peak since it started or since
 * the last reset, in bytes; with `resetPeak`, the peak is then restarted
 * from the current RSS.
 *
 * @example
 * ```ts
 * import { processMemory } from "./_memory.ts";
 * const { rss, peak } = processMemory(Deno.ppid, { resetPeak: true });
 * console.log(rss <= peak);
 * ```
 */
export function processMemory(pid: number, options: { resetPeak?: boolean } = {}): { rss: number; peak: number } {
  const op = "column.memory";
  const status = readText(op, `/proc/${pid}/status`);
  const memory = { rss: statusBytes(op, status, "VmRSS"), peak: statusBytes(op, status, "VmHWM") };
  if (options.resetPeak) {
    const fd = check(op, "open", lib().open(new TextEncoder().encode(`/proc/${pid}/clear_refs\0`), O_WRONLY_CLOEXEC));
    try {
      check(op, "write", lib().write(fd, new TextEncoder().encode("5"), 1n));
    } finally {
      lib().close(fd);
    }
  }
  return memory;
}
