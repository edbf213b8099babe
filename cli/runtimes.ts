/**
 * The runtime each column needs, found once per runtime by its host (the
 * value given with `--deno`/`--bun`/`--node`, a path or a release; then
 * `node_modules/.bin` of the project or of sockcheck; then the PATH), and
 * what the commands say when one is found nowhere: one line per runtime for
 * the terminal, and the reason a column's report gives for not running.
 *
 * @module
 */
import type { Column } from "../columns/registry.ts";
import { UsageError } from "../harness/args.ts";
import type { HostDescriptor } from "../hosts/descriptor.ts";
import { HostError } from "../hosts/errors.ts";
import type { InstallProgress } from "../hosts/install.ts";

/** A runtime found nowhere. */
export interface MissingRuntime {
  host: HostDescriptor;
  /** Binaries found but not taken, each with why (`.../bun (it exits with code 1 ...)`). */
  passedOver?: string[];
}

/** A host's binary and its version, or why there is none. */
export type HostBinary = { binary: string; version: string } | { missing: MissingRuntime };

/**
 * The binary of each host the columns run on, found where `given` names it
 * or where the host looks by itself. A bad given value (a path that is not
 * the runtime, a release that does not exist, a registry out of reach, a
 * broken cache entry) is a UsageError; a runtime not found is `missing`.
 *
 * @example
 * ```ts
 * import { binariesFor } from "./runtimes.ts";
 * import { COLUMNS } from "../columns/registry.ts";
 * const found = await binariesFor(COLUMNS, { bun: "1.2.0" });
 * ```
 */
export async function binariesFor(
  columns: readonly Column[],
  given: Record<string, string | undefined>,
  options: { onProgress?: (progress: InstallProgress) => void } = {},
): Promise<Map<HostDescriptor, HostBinary>> {
  const hosts = [...new Set(columns.map((c) => c.host))];
  const found = await Promise.all(hosts.map(async (host): Promise<HostBinary> => {
    try {
      const lookup = await host.find(given[host.name], options);
      if (lookup.found) return { binary: lookup.path, version: lookup.version };
      return { missing: { host, ...(lookup.passedOver ? { passedOver: lookup.passedOver } : {}) } };
    } catch (err) {
      if (err instanceof HostError) throw new UsageError(err.message);
      throw err;
    }
  }));
  return new Map(hosts.map((host, i) => [host, found[i]]));
}

/**
 * The one line the terminal shows for a runtime found nowhere: where it
 * was looked for, the columns that do not run, and how to get it.
 *
 * @example
 * ```ts
 * import { missingLine } from "./runtimes.ts";
 * import { COLUMNS } from "../columns/registry.ts";
 * import { BUN } from "../hosts/bun.ts";
 * missingLine({ host: BUN }, COLUMNS);
 * // "bun not found in node_modules/.bin or on the PATH: columns bun, bun-node not run. Get it with ..."
 * ```
 */
export function missingLine(missing: MissingRuntime, columns: readonly Column[]): string {
  const { name } = missing.host;
  const ids = columns.filter((c) => c.host === missing.host).map((c) => c.id);
  const reference = columns.find((c) => c.host === missing.host && c.adapter.reference);
  const passed = missing.passedOver ? ` (passed over ${missing.passedOver.join(", ")})` : "";
  return `${name} not found in ${missing.host.lookedIn}${passed}: ` +
    `${ids.length === 1 ? "column" : "columns"} ${ids.join(", ")} not run` +
    (reference ? ` (the ${reference.id} reference column runs on ${name} too)` : "") +
    `. Get it with \`npm i -D ${name}\`, or pass --${name} PATH${missing.host.takesVersions ? ` or --${name} VERSION` : ""}.`;
}

/**
 * Why a column did not run, as its report says it: short, with how to get
 * the runtime.
 *
 * @example
 * ```ts
 * import { notRunReason } from "./runtimes.ts";
 * import { findColumn } from "../columns/registry.ts";
 * import { BUN } from "../hosts/bun.ts";
 * notRunReason(findColumn("bun")!, { host: BUN });
 * // "bun not found (npm i -D bun, --bun PATH or --bun VERSION)"
 * ```
 */
export function notRunReason(column: Column, missing: MissingRuntime): string {
  const { name } = missing.host;
  const needs = column.adapter.reference ? `: the ${column.id} reference column runs on ${name}` : "";
  const ways = missing.host.takesVersions ? `--${name} PATH or --${name} VERSION` : `or --${name} PATH`;
  return `${name} not found${needs} (npm i -D ${name}, ${ways})`;
}

/**
 * The missing runtimes among `binaries`, each once.
 *
 * @example
 * ```ts
 * import { binariesFor, missingRuntimes } from "./runtimes.ts";
 * import { COLUMNS } from "../columns/registry.ts";
 * const missing = missingRuntimes(await binariesFor(COLUMNS, {}));
 * console.log(missing.map((m) => m.host.name)); // ["bun"] where Bun is not installed
 * ```
 */
export function missingRuntimes(binaries: Map<HostDescriptor, HostBinary>): MissingRuntime[] {
  return [...binaries.values()].flatMap((b) => ("missing" in b ? [b.missing] : []));
}
