/**
 * What `timeline` and `bisect` share: the releases of a column's runtime
 * they run on (given, or chosen from the published ones), each installed
 * into sockcheck's cache (or found there) before anything runs.
 *
 * @module
 */
import type { Column } from "../columns/registry.ts";
import { UsageError } from "../harness/args.ts";
import { HostError } from "../hosts/errors.ts";
import type { InstallProgress } from "../hosts/install.ts";
import { isRuntimeName, type RuntimeName } from "../hosts/runtime.ts";
import {
  between,
  isStableVersion,
  listVersions,
  newestPatchPerMinorSince,
  stableSorted,
} from "../hosts/versions.ts";

/**
 * Runs `body`, turning a HostError (registry out of reach, no such release,
 * broken cache) into bad usage.
 *
 * @example
 * ```ts
 * import { asUsage } from "./releases.ts";
 * import { listVersions } from "../hosts/versions.ts";
 * const versions = await asUsage(() => listVersions("deno")); // offline: a UsageError, exit 2
 * ```
 */
export async function asUsage<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof HostError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * A release number given on the command line, checked: `x.y.z` (a leading
 * `v` is dropped), else a UsageError naming the option.
 *
 * @example
 * ```ts
 * import { releaseNumber } from "./releases.ts";
 * releaseNumber("v1.2.0", "--good"); // "1.2.0"
 * ```
 */
export function releaseNumber(value: string, option: string): string {
  const v = value.trim().replace(/^v/, "");
  if (!isStableVersion(v)) throw new UsageError(`${option} ${value}: give a release number like 1.2.0`);
  return v;
}

/**
 * The releases a timeline runs on, oldest first: `versions` (comma
 * separated), or the newest patch of each minor line from `since` on,
 * published for this platform; `last` keeps the newest N of either.
 *
 * @example
 * ```ts
 * import { timelineReleases } from "./releases.ts";
 * await timelineReleases("bun", { since: "1.2", last: "4" }); // ["1.2.23", "1.3.14", "1.4.5"] or so
 * ```
 */
export async function timelineReleases(
  runtime: RuntimeName,
  options: { versions?: string; since?: string; last?: string },
): Promise<string[]> {
  const last = options.last === undefined ? undefined : Number(options.last);
  if (last !== undefined && !(Number.isInteger(last) && last > 0)) {
    throw new UsageError(`--last ${options.last}: give a number of releases, such as 8`);
  }
  if (options.versions !== undefined && options.since !== undefined) {
    throw new UsageError("give --versions or --since, not both");
  }
  let chosen: string[];
  if (options.versions !== undefined) {
    const given = options.versions.split(",").map((v) => v.trim()).filter(Boolean);
    chosen = stableSorted(given.map((v) => releaseNumber(v, "--versions")));
  } else if (options.since !== undefined || last !== undefined) {
    const since = options.since ?? "0.0";
    if (!/^v?\d+\.\d+(\.\d+)?$/.test(since)) throw new UsageError(`--since ${since}: give a release like 1.2 or 1.2.0`);
    const published = await asUsage(() => listVersions(runtime));
    chosen = newestPatchPerMinorSince(published, since.replace(/^v/, ""));
    if (!chosen.length) throw new UsageError(`no ${runtime} release published since ${since}`);
  } else {
    throw new UsageError("timeline needs --versions A,B,... or --since X (and/or --last N)");
  }
  if (!chosen.length) throw new UsageError("--versions names no release");
  return last === undefined ? chosen : chosen.slice(-last);
}

/**
 * The published stable releases from `a` to `b` (either may be the older),
 * oldest first; a UsageError when either is not published.
 *
 * @example
 * ```ts
 * import { publishedBetween } from "./releases.ts";
 * await publishedBetween("bun", "1.4.5", "1.1.0"); // ["1.1.0", "1.1.1", ..., "1.4.5"]
 * ```
 */
export async function publishedBetween(runtime: RuntimeName, a: string, b: string): Promise<string[]> {
  const published = await asUsage(() => listVersions(runtime));
  for (const v of [a, b]) {
    if (published.includes(v)) continue;
    const newest = published.at(-1);
    throw new UsageError(`${runtime} ${v} is not a published release${newest ? ` (newest: ${newest})` : ""}`);
  }
  return between(published, a, b);
}

/**
 * The binary of `column`'s runtime at `version`: from sockcheck's cache, or
 * installed there first (its download shown by `onProgress`). A release
 * that does not exist, a registry out of reach or a broken cache entry is
 * a UsageError.
 *
 * @example
 * ```ts
 * import { releaseBinary } from "./releases.ts";
 * import { findColumn } from "../columns/registry.ts";
 * const binary = await releaseBinary(findColumn("bun-node")!, "1.2.0");
 * ```
 */
export async function releaseBinary(
  column: Column,
  version: string,
  options: { onProgress?: (progress: InstallProgress) => void } = {},
): Promise<string> {
  const lookup = await asUsage(() => column.host.find(version, options));
  // An explicit release is installed, never looked for elsewhere: a miss here is a cache that may not install.
  if (!lookup.found) throw new UsageError(`${lookup.reason}; ${lookup.hint}`);
  return lookup.path;
}

/**
 * The runtime whose published releases a command walks for `column`; a
 * UsageError for a host whose releases sockcheck does not install (workerd).
 *
 * @example
 * ```ts
 * import { releasedRuntime } from "./releases.ts";
 * import { findColumn } from "../columns/registry.ts";
 * releasedRuntime(findColumn("bun-node")!); // "bun"
 * ```
 */
export function releasedRuntime(column: Column): RuntimeName {
  const { name, takesVersions } = column.host;
  if (takesVersions && isRuntimeName(name)) return name;
  throw new UsageError(`${column.id}: releases are walked for the runtimes sockcheck installs, not for ${name}`);
}
