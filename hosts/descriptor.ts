/**
 * A host descriptor: one runtime as sockcheck runs it, from outside it. How
 * its binary is found and version-probed, the command that starts a file on
 * it (with the arguments and permissions it runs with), the module that is
 * its host inside its own process, and its test-runner entry. Shared code
 * asks a descriptor; it never asks which runtime it is.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuntimeLookup } from "./find_runtime.ts";
import type { InstallProgress } from "./install.ts";
import type { HostName } from "./runtime.ts";

/** The package's root folder. */
export const PACKAGE_ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** A command line: program, arguments, and extra environment. */
export interface Command {
  program: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * What a column's adapter needs from its host beyond what every column
 * gets: `ffi`, native code (the libc adapter). A host grants it its own way
 * (Deno: the `kernel` permission set); hosts without permissions need not.
 */
export type HostNeed = "ffi";

/** One runtime, as the harness and the CLI start it. */
export interface HostDescriptor {
  readonly name: HostName;
  /**
   * Finds the binary and asks its version: the value given (`--deno PATH` or
   * `--deno VERSION`), else the project's `node_modules/.bin`, else the PATH.
   * A bad given value throws a one-line HostError. A version missing from
   * sockcheck's cache is installed first, reporting to `onProgress`.
   */
  find(explicit?: string, options?: { onProgress?: (progress: InstallProgress) => void }): Promise<RuntimeLookup>;
  /**
   * The binary next to the package, else the bare name for the PATH,
   * without running it: for a test process, which may not be allowed to run
   * it, only to start it inside the fault lab.
   */
  installed(): string;
  /**
   * The command that runs `entry` (a file of the package) with `args`,
   * granting what `needs` names; `loads` are the modules the process loads
   * by URL (its host, its column's adapter), for a host that builds them in.
   */
  command(binary: string, entry: string, options: { args: string[]; needs?: readonly HostNeed[]; loads?: readonly URL[] }): Command;
  /** The module exporting `host` (a RuntimeHost): this runtime inside its own process. Loaded only there. */
  readonly hostModule: URL;
  /** The files this runtime's own test runner loads to run its columns, from the package root. */
  readonly testEntry: readonly string[];
  /** Where `find` looks when no value is given, as the line for a missing runtime says it. */
  readonly lookedIn: string;
  /** Whether `--<name> VERSION` installs a release (else only `--<name> PATH` names a binary). */
  readonly takesVersions: boolean;
  /** Whether its columns run in the bench lane (bench/main.ts runs on it). */
  readonly benches: boolean;
}

/**
 * `name` in the nearest `node_modules/.bin` at or above the package, else
 * `name` itself (found on the PATH when started).
 *
 * @example
 * ```ts
 * import { installedBinary } from "./descriptor.ts";
 * console.log(installedBinary("deno")); // .../node_modules/.bin/deno, or "deno"
 * ```
 */
export function installedBinary(name: string): string {
  for (let dir = PACKAGE_ROOT;; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", ".bin", name);
    if (readable(candidate)) return candidate;
    if (dirname(dir) === dir) return name;
  }
}

/**
 * Whether `file` exists and may be looked at. Deno's permission set lets a
 * test process read the package alone: installed in a project's
 * node_modules, the folders above it are not its to read, and a check there
 * throws instead of saying no.
 */
function readable(file: string): boolean {
  try {
    return existsSync(file);
  } catch {
    return false;
  }
}
