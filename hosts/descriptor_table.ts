/**
 * The `descriptorLimit` fixture: a host fills its own process's descriptor
 * table so that a case can see what an API does when the next descriptor
 * fails with EMFILE. No runtime has setrlimit, so the limit is lowered from
 * outside by util-linux `prlimit --pid` (prlimit(2) on this process), and
 * the free numbers below it are taken by files opened read-only on
 * `/dev/null`. Every call is synchronous, so no pipe or child of the
 * host's own is left to close later and open a hole in the table. Each
 * host says how it lists its descriptors and runs a command
 * ({@linkcode HostProcess}): Deno's node:child_process would need
 * environment access that its permissions do not grant.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync } from "node:fs";
import process from "node:process";
import type { DescriptorTable, FilledTable } from "../core/case.ts";
import type { FixtureStatus } from "../core/runner.ts";

/** What fills the table: a file every runtime can open with read permission alone. */
const FILLER = "/dev/null";
/** A bound on the files opened, far above any table a column process has. */
const MAX_FILLERS = 65536;
/**
 * Numbers the fill takes above the highest open descriptor, so that closing
 * the fillers frees enough of them for the prlimit that restores the limit
 * (a spawn needs pipes); a process whose table has few holes would
 * otherwise be left at the lowered limit, failing everything after.
 */
const HEADROOM = 32;

/** How a host lists its own descriptors and runs a command, each synchronously. */
export interface HostProcess {
  /** The numbers of this process's open descriptors. */
  openDescriptors(): number[];
  /** Runs `command` with `args` to its end; its standard output, or a throw if it failed. */
  run(command: string, args: string[]): string;
}

/** Node's and Bun's way: `/proc/self/fd` and node:child_process. */
export const NODE_PROCESS: HostProcess = {
  openDescriptors: () => readdirSync("/proc/self/fd").map(Number),
  run: (command, args) => execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
};

function prlimit(host: HostProcess, args: string[]): string {
  return host.run("prlimit", [`--pid=${process.pid}`, ...args]);
}

/** This process's soft RLIMIT_NOFILE, as prlimit prints it (a number or `unlimited`). */
function softLimit(host: HostProcess): string {
  return prlimit(host, ["--nofile", "--output=SOFT", "--noheadings"]).trim();
}

/** Opens fillers until the kernel says EMFILE; any other failure closes them and is thrown. */
function fillFree(): number[] {
  const fillers: number[] = [];
  for (;;) {
    try {
      fillers.push(openSync(FILLER, "r"));
    } catch (err) {
      if ((err as { code?: string }).code === "EMFILE") return fillers;
      fillers.forEach((fd) => closeSync(fd));
      throw err;
    }
    if (fillers.length > MAX_FILLERS) {
      fillers.forEach((fd) => closeSync(fd));
      throw new Error(`opened ${MAX_FILLERS} files without reaching the descriptor limit`);
    }
  }
}

function firstLine(err: unknown): string {
  return (err as Error).message.split("\n")[0];
}

/**
 * Closes every filler, then puts the soft limit back and reads it back;
 * what went wrong, one entry each (empty when the table is as before).
 */
function restoreTable(host: HostProcess, options: { fillers: number[]; soft: string }): string[] {
  const failures: string[] = [];
  // Descriptors first: prlimit itself needs pipes.
  for (const fd of options.fillers) {
    try {
      closeSync(fd);
    } catch (err) {
      failures.push(`closing filler ${fd}: ${firstLine(err)}`);
    }
  }
  try {
    prlimit(host, [`--nofile=${options.soft}:`]);
    const now = softLimit(host);
    if (now !== options.soft) failures.push(`the soft limit is ${now}, not ${options.soft}`);
  } catch (err) {
    failures.push(`prlimit: ${firstLine(err)}`);
  }
  return failures;
}

class Filled implements FilledTable {
  #host: HostProcess;
  #fillers: number[];
  #soft: string;
  #restored?: Promise<void>;

  constructor(host: HostProcess, options: { fillers: number[]; soft: string }) {
    this.#host = host;
    this.#fillers = options.fillers;
    this.#soft = options.soft;
  }

  free(): void {
    const fd = this.#fillers.pop();
    if (fd === undefined) throw new Error("no file of the host's is left to close");
    closeSync(fd);
  }

  restore(): Promise<void> {
    if (!this.#restored) {
      const failures = restoreTable(this.#host, { fillers: this.#fillers.splice(0), soft: this.#soft });
      this.#restored = failures.length === 0 ? Promise.resolve() : Promise.reject(new Error(`the descriptor table was not restored: ${failures.join("; ")}`));
    }
    return this.#restored;
  }
}

/**
 * A {@linkcode DescriptorTable} for this process.
 *
 * @example
 * ```ts
 * import { descriptorTable, NODE_PROCESS } from "./descriptor_table.ts";
 * const filled = await descriptorTable(NODE_PROCESS).fill();
 * filled.free();
 * await filled.restore();
 * ```
 */
export function descriptorTable(host: HostProcess): DescriptorTable {
  return {
    fill(): Promise<FilledTable> {
      try {
        const soft = softLimit(host);
        const limit = Math.max(...host.openDescriptors()) + 1 + HEADROOM;
        if (soft !== "unlimited" && limit > Number(soft)) throw new Error(`this process's descriptors reach ${limit - HEADROOM}, too near its limit of ${soft} to fill the table`);
        prlimit(host, [`--nofile=${limit}:`]);
        let fillers: number[];
        try {
          fillers = fillFree();
        } catch (err) {
          prlimit(host, [`--nofile=${soft}:`]);
          throw err;
        }
        return Promise.resolve(new Filled(host, { fillers, soft }));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}

/**
 * The `descriptorLimit` fixture: Linux (where `/proc` lists descriptors)
 * with util-linux `prlimit` installed and allowed to run.
 */
export function descriptorLimitFixture(host: HostProcess): FixtureStatus {
  if (process.platform !== "linux") {
    return { ok: false, reason: `the host fills its descriptor table only on Linux, not on ${process.platform}` };
  }
  try {
    softLimit(host);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `util-linux prlimit cannot lower this process's descriptor limit (${firstLine(err)}): install util-linux` };
  }
}
