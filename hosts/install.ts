/**
 * Installs a runtime release from the npm registry into sockcheck's cache,
 * and finds it there next time without asking npm.
 *
 * Layout: `<cache>/runtimes/<runtime>/<version>-<os>-<cpu>/` holds the
 * binary and `entry.json`. An install builds the entry in a staging folder
 * beside it (`.staging-<version>-<pid>-*`), verifies that the binary
 * reports exactly the version asked for, and only then renames the folder
 * into place, so an interrupted install never leaves an entry behind; its
 * staging folder is removed by the next install once its process is gone.
 * An entry found broken later (binary missing or reporting another version)
 * is reported with the folder to remove, never silently replaced.
 *
 * @module
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { cacheDir } from "./cache_dir.ts";
import { HostError } from "./errors.ts";
import { type PlatformPackage, platformPackages } from "./_platform.ts";
import { isRelease, probeRuntime } from "./_probe.ts";
import { binaryName, npmCacheDir, stagedEntry, stagePackage } from "./_stage.ts";
import type { RuntimeName } from "./runtime.ts";
import { isStableVersion, listVersions } from "./versions.ts";

/** Where an install is: `bytes`/`total` while downloading and unpacking, where known. */
export interface InstallProgress {
  runtime: RuntimeName;
  version: string;
  phase: "resolving" | "downloading" | "unpacking" | "verifying" | "done";
  /** The npm package being fetched. */
  package?: string;
  bytes?: number;
  total?: number;
  /** On `done`: whether the cache already had it. */
  cached?: boolean;
}

/** Options of {@linkcode installVersion} and {@linkcode cachedRuntime}. */
export interface InstallOptions {
  /** The cache folder; default {@linkcode cacheDir}. */
  cacheDir?: string;
  onProgress?: (progress: InstallProgress) => void;
  /** The folder npm runs in (its project .npmrc applies); default the current one. */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** A runtime release in the cache. */
export interface InstalledRuntime {
  runtime: RuntimeName;
  version: string;
  /** The binary to run. */
  path: string;
  /** The npm package it came from. */
  package: string;
  /** Whether it was already in the cache. */
  cached: boolean;
}

/**
 * The folder of a cache entry (it may not exist).
 *
 * @example
 * ```ts
 * import { entryDir } from "./install.ts";
 * entryDir("bun", "1.1.0", "/home/ada/.cache/sockcheck"); // ".../runtimes/bun/1.1.0-linux-x64" on Linux x64
 * ```
 */
export function entryDir(runtime: RuntimeName, version: string, root: string): string {
  return join(root, "runtimes", runtime, `${version}-${process.platform}-${process.arch}`);
}

/**
 * The cached release, checked: undefined when it is not in the cache;
 * throws `corrupt-cache` when its entry is there but broken.
 *
 * @example
 * ```ts
 * import { cachedRuntime } from "./install.ts";
 * const bun = await cachedRuntime("bun", "1.1.0");
 * if (bun) console.log(bun.path);
 * ```
 */
export async function cachedRuntime(
  runtime: RuntimeName,
  version: string,
  options: InstallOptions = {},
): Promise<InstalledRuntime | undefined> {
  const env = options.env ?? process.env;
  const dir = entryDir(runtime, version, options.cacheDir ?? cacheDir({ env }));
  if (!existsSync(dir)) return undefined;
  const corrupt = (why: string) =>
    new HostError(
      "corrupt-cache",
      `the cached ${runtime} ${version} is broken (${why}): remove ${dir} to reinstall it`,
    );
  let pkg: unknown;
  try {
    pkg = (JSON.parse(readFileSync(join(dir, "entry.json"), "utf8")) as { package?: unknown }).package;
  } catch {
    throw corrupt("its entry.json is missing or unreadable");
  }
  const binary = join(dir, binaryName(runtime));
  if (!existsSync(binary)) throw corrupt("its binary is missing");
  const probe = await probeRuntime(runtime, binary, env);
  if (!probe.ok) throw corrupt(probe.why);
  if (!isRelease(runtime, probe.version, version)) throw corrupt(`its binary reports ${probe.version}`);
  return { runtime, version, path: binary, package: typeof pkg === "string" ? pkg : "", cached: true };
}

/**
 * Installs `runtime` `version` (`x.y.z`) from the npm registry into the
 * cache, or returns the cached one (checked, without asking npm). Throws a
 * {@linkcode HostError}: `bad-value`, `no-such-version`,
 * `registry-unreachable`, `npm-missing`, `npm-failed`,
 * `unsupported-platform`, `corrupt-cache`, `verify-failed` or
 * `cache-unwritable`.
 *
 * @example
 * ```ts
 * import { installVersion } from "./install.ts";
 * const bun = await installVersion("bun", "1.1.0", {
 *   onProgress: (p) => console.error(p.phase, p.bytes ?? ""),
 * });
 * console.log(bun.path); // .../runtimes/bun/1.1.0-linux-x64/bun
 * ```
 */
export async function installVersion(
  runtime: RuntimeName,
  version: string,
  options: InstallOptions = {},
): Promise<InstalledRuntime> {
  const v = version.replace(/^v/, "");
  if (!isStableVersion(v)) {
    throw new HostError("bad-value", `"${version}" is not a ${runtime} release number like 1.2.0`);
  }
  const env = options.env ?? process.env;
  const root = options.cacheDir ?? cacheDir({ env });
  const opts = { ...options, cacheDir: root, env };
  const report = (p: Omit<InstallProgress, "runtime" | "version">) =>
    options.onProgress?.({ runtime, version: v, ...p });
  const cached = await cachedRuntime(runtime, v, opts);
  if (cached) {
    report({ phase: "done", cached: true });
    return cached;
  }
  report({ phase: "resolving" });
  const packages = platformPackages(runtime);
  const [npmCache] = await Promise.all([npmCacheDir({ cwd: options.cwd, env }), ensurePublished(runtime, v, opts)]);
  try {
    const installed = await installStaged(runtime, v, { ...opts, npmCache, packages, report });
    report({ phase: "done", cached: installed.cached, package: installed.package });
    return installed;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (err instanceof HostError || typeof code !== "string") throw err;
    throw new HostError("cache-unwritable", `cannot write ${runtime} ${v} into the cache folder ${root} (${code})`);
  }
}

interface StagedOptions extends InstallOptions {
  cacheDir: string;
  env: Record<string, string | undefined>;
  npmCache: string | undefined;
  packages: PlatformPackage[];
  report: (p: Omit<InstallProgress, "runtime" | "version">) => void;
}

/** Stages the first package whose binary runs here, then renames it into place. */
async function installStaged(runtime: RuntimeName, v: string, opts: StagedOptions): Promise<InstalledRuntime> {
  const final = entryDir(runtime, v, opts.cacheDir);
  const parent = dirname(final);
  mkdirSync(parent, { recursive: true });
  removeAbandoned(parent);
  const staging = mkdtempSync(join(parent, `.staging-${v}-${process.pid}-`));
  try {
    const ctx = {
      runtime,
      version: v,
      staging,
      npmCache: opts.npmCache,
      cwd: opts.cwd,
      env: opts.env,
      report: opts.report,
    };
    const reasons: string[] = [];
    for (const pkg of opts.packages) {
      const staged = await stagePackage(pkg, ctx);
      if (!staged.ok) {
        reasons.push(staged.why);
        continue;
      }
      if (commit(staging, final)) {
        return { runtime, version: v, path: join(final, binaryName(runtime)), package: pkg.name, cached: false };
      }
      // Another sockcheck finished the same install first: use its entry, checked.
      const theirs = await cachedRuntime(runtime, v, opts);
      if (theirs) return theirs;
    }
    throw new HostError("verify-failed", reasons.join("; ") || `${runtime} ${v} could not be installed`);
  } finally {
    rmSync(staging, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Renames the staged entry to `final`; false when `final` already exists. */
function commit(staging: string, final: string): boolean {
  try {
    renameSync(stagedEntry(staging), final);
    return true;
  } catch (err) {
    if (existsSync(final)) return false;
    throw err;
  }
}

/**
 * Throws `no-such-version` unless `v` is in the version list. A saved list
 * older than this call is refreshed once, for a release published since.
 */
async function ensurePublished(runtime: RuntimeName, v: string, opts: InstallOptions): Promise<void> {
  const started = Date.now();
  let versions = await listVersions(runtime, opts);
  if (!versions.includes(v)) versions = await listVersions(runtime, { ...opts, maxAgeMs: Date.now() - started + 1 });
  if (versions.includes(v)) return;
  const line = v.split(".").slice(0, 2).join(".");
  const sameLine = versions.filter((x) => x.startsWith(`${line}.`)).at(-1);
  const newest = versions.at(-1);
  const hints = [sameLine && `newest ${line}.x: ${sameLine}`, newest && `newest: ${newest}`].filter(Boolean);
  const where = `${process.platform} ${process.arch}`;
  throw new HostError(
    "no-such-version",
    `${runtime} ${v} is not published for ${where}${hints.length ? ` (${hints.join("; ")})` : ""}`,
  );
}

/** Removes staging folders whose install process is gone (killed mid-install). */
function removeAbandoned(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = Number(name.split("-")[2]);
    if (!name.startsWith(".staging-") || !pid || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true, maxRetries: 3 });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as { code?: string }).code === "EPERM";
  }
}
