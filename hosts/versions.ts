/**
 * The published stable releases of a runtime, and the selections `timeline`
 * and `bisect` make from them. Versions come from the runtime's binary
 * package for this platform (the one sockcheck installs): the umbrella
 * packages list releases that never had a binary for every platform, and
 * the `deno` package's early versions are another project's.
 *
 * @module
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { cacheDir } from "./cache_dir.ts";
import { npmJson } from "./_npm.ts";
import { platformPackages } from "./_platform.ts";
import type { RuntimeName } from "./runtime.ts";

const STABLE = /^(\d+)\.(\d+)\.(\d+)$/;

/** Whether `version` is a stable release number: `x.y.z`, nothing after. */
export function isStableVersion(version: string): boolean {
  return STABLE.test(version);
}

/**
 * Orders release numbers (`x.y.z`, or a prefix such as `x.y`) numerically.
 *
 * @example
 * ```ts
 * import { compareVersions } from "./versions.ts";
 * ["1.10.0", "1.9.2"].sort(compareVersions); // ["1.9.2", "1.10.0"]
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

function parts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, "").split(".").map((p) => parseInt(p, 10) || 0);
  return [major, minor, patch];
}

/**
 * The stable `x.y.z` versions of a list, without duplicates, oldest first.
 *
 * @example
 * ```ts
 * import { stableSorted } from "./versions.ts";
 * stableSorted(["1.1.0", "1.0.10", "1.1.0-canary.1", "1.0.2"]); // ["1.0.2", "1.0.10", "1.1.0"]
 * ```
 */
export function stableSorted(versions: readonly string[]): string[] {
  return [...new Set(versions.filter(isStableVersion))].sort(compareVersions);
}

/**
 * For each minor line from `since` on, its newest patch: the releases a
 * `timeline --since` shows. `since` may be `x.y` or `x.y.z`; a minor line
 * whose newest patch is older than `since` is left out.
 *
 * @example
 * ```ts
 * import { newestPatchPerMinorSince } from "./versions.ts";
 * newestPatchPerMinorSince(["1.0.0", "1.0.3", "1.1.0", "1.1.2", "1.2.0"], "1.1");
 * // ["1.1.2", "1.2.0"]
 * ```
 */
export function newestPatchPerMinorSince(versions: readonly string[], since: string): string[] {
  const newest = new Map<string, string>();
  for (const v of stableSorted(versions)) {
    if (compareVersions(v, since) >= 0) newest.set(v.split(".").slice(0, 2).join("."), v);
  }
  return [...newest.values()];
}

/**
 * The stable versions from `a` to `b`, both included, oldest first: the
 * range `bisect` searches. Either bound may be the older one.
 *
 * @example
 * ```ts
 * import { between } from "./versions.ts";
 * between(["1.0.0", "1.0.1", "1.0.2", "1.1.0"], "1.1.0", "1.0.1"); // ["1.0.1", "1.0.2", "1.1.0"]
 * ```
 */
export function between(versions: readonly string[], a: string, b: string): string[] {
  const [low, high] = compareVersions(a, b) <= 0 ? [a, b] : [b, a];
  return stableSorted(versions).filter((v) => compareVersions(v, low) >= 0 && compareVersions(v, high) <= 0);
}

/** Options of {@linkcode listVersions}. */
export interface ListVersionsOptions {
  /** The cache folder; default {@linkcode cacheDir}. */
  cacheDir?: string;
  /** How old a saved list may be; default ten minutes. 0 always asks npm. */
  maxAgeMs?: number;
  /** The folder npm runs in (its project .npmrc applies); default the current one. */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** A saved version list. */
interface SavedList {
  package: string;
  savedAt: number;
  versions: string[];
}

const TEN_MINUTES = 10 * 60 * 1000;

/**
 * The stable published versions of `runtime` for this platform, oldest
 * first, from `npm view <package> versions`. The list is kept in the cache
 * folder for `maxAgeMs`, so a bisect asks npm once.
 *
 * @example
 * ```ts
 * import { listVersions, newestPatchPerMinorSince } from "./versions.ts";
 * const versions = await listVersions("bun");
 * console.log(newestPatchPerMinorSince(versions, "1.1"));
 * ```
 */
export async function listVersions(runtime: RuntimeName, options: ListVersionsOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const pkg = platformPackages(runtime)[0].name;
  const file = join(
    options.cacheDir ?? cacheDir({ env }),
    "versions",
    `${pkg.replace(/^@/, "").replace("/", "-")}.json`,
  );
  const saved = readSaved(file, pkg);
  if (saved && Date.now() - saved.savedAt < (options.maxAgeMs ?? TEN_MINUTES)) return saved.versions;
  const listed = await npmJson(["view", pkg, "versions"], { cwd: options.cwd, env, subject: `${runtime} (${pkg})` });
  // npm prints a lone version as a string rather than a one-element array.
  const versions = stableSorted(Array.isArray(listed) ? listed.map(String) : [String(listed)]);
  writeAtomic(file, JSON.stringify({ package: pkg, savedAt: Date.now(), versions } satisfies SavedList));
  return versions;
}

function readSaved(file: string, pkg: string): SavedList | undefined {
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as SavedList;
    const valid = saved.package === pkg && typeof saved.savedAt === "number" && Array.isArray(saved.versions);
    return valid ? saved : undefined;
  } catch {
    // No list yet, or a damaged one: ask npm again.
    return undefined;
  }
}

/**
 * Writes next to `file` and renames, so a reader sees the old list or the
 * new, never half. A cache that cannot be written only costs another npm call.
 */
function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}
