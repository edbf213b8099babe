/**
 * Finds the binary of a runtime, in this order: the value the user gave
 * (`--bun PATH` or `--bun VERSION`), the runtime packages installed next to
 * sockcheck (`node_modules/.bin`, walking up from the current folder, then
 * from sockcheck's own folder), then the PATH. Every candidate is asked
 * for its version, so a binary that is not the runtime is never taken.
 *
 * @module
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { HostError } from "./errors.ts";
import { cachedRuntime, type InstallProgress, installVersion } from "./install.ts";
import { probeRuntime } from "./_probe.ts";
import type { HostName, RuntimeName } from "./runtime.ts";

/** Where a runtime binary was found. */
export type RuntimeSource = "explicit" | "project" | "path" | "cache";

/** A runtime found (its binary and exact version), or why not and how to get it. */
export type RuntimeLookup =
  | { found: true; runtime: HostName; path: string; version: string; source: RuntimeSource }
  | { found: false; runtime: HostName; reason: string; hint: string; passedOver?: string[] };

/** Options of {@linkcode findRuntime}. */
export interface FindRuntimeOptions {
  /** What the user gave: a path to a binary, or a release number (`1.2.0`) to use from the cache or install. */
  explicit?: string;
  /** How the user gave it, for messages; default `--<runtime>`. */
  flag?: string;
  /** Where the project search starts; default the current folder. */
  cwd?: string;
  /** sockcheck's own folder, the second start of the project search; default this package's root. */
  packageDir?: string;
  /** PATH, the cache folder override and npm's settings come from here; default this process's. */
  env?: Record<string, string | undefined>;
  /** The cache folder for versions; default the per-user one. */
  cacheDir?: string;
  /** Whether a version missing from the cache is installed; default true. */
  install?: boolean;
  onProgress?: (progress: InstallProgress) => void;
}

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/**
 * Finds `runtime`. A bad explicit value (a path that does not exist or is
 * not that runtime, a malformed version) throws a one-line
 * {@linkcode HostError}, as do install failures of an explicit version;
 * a runtime simply not there is `{ found: false, reason, hint }`.
 *
 * @example
 * ```ts
 * import { findRuntime } from "./find_runtime.ts";
 * const bun = await findRuntime("bun");
 * if (bun.found) console.log(`bun ${bun.version} (${bun.source}): ${bun.path}`);
 * else console.error(`${bun.reason}; ${bun.hint}`);
 * const old = await findRuntime("bun", { explicit: "1.1.0" }); // from the cache, installed if needed
 * ```
 */
export async function findRuntime(runtime: RuntimeName, options: FindRuntimeOptions = {}): Promise<RuntimeLookup> {
  const flag = options.flag ?? `--${runtime}`;
  const explicit = options.explicit?.trim();
  if (explicit) {
    if (/^v?\d+\.\d+\.\d+$/.test(explicit)) return await fromCache(runtime, explicit.replace(/^v/, ""), options);
    if (/^v?\d+(\.\d+)?$/.test(explicit)) {
      throw new HostError(
        "bad-value",
        `${flag} ${explicit}: give a full release number like 1.2.0, or a path to a ${runtime} binary`,
      );
    }
    return await fromPath(runtime, resolve(options.cwd ?? process.cwd(), explicit), `${flag} ${explicit}`, options.env);
  }
  const skipped: string[] = [];
  for (
    const [source, candidates] of [
      ["project", projectCandidates(runtime, options)],
      ["path", pathCandidates(runtime, options.env ?? process.env)],
    ] as const
  ) {
    for (const candidate of candidates) {
      const probe = await probeRuntime(runtime, candidate, options.env);
      if (probe.ok) return { found: true, runtime, path: candidate, version: probe.version, source };
      skipped.push(`${candidate} (${probe.why})`);
    }
  }
  const others = skipped.length ? `; passed over ${skipped.join(", ")}` : "";
  return {
    found: false,
    runtime,
    reason: `no ${runtime} in node_modules/.bin of this project or sockcheck, nor on the PATH${others}`,
    hint:
      `install it next to sockcheck with \`npm i -D ${runtime}\`, or pass ${flag} PATH (a ${runtime} binary) or ${flag} VERSION (installs that release)`,
    ...(skipped.length ? { passedOver: skipped } : {}),
  };
}

/** An explicit path: it must exist, be a file, and be the runtime. */
async function fromPath(
  runtime: RuntimeName,
  path: string,
  given: string,
  env?: FindRuntimeOptions["env"],
): Promise<RuntimeLookup> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new HostError("bad-path", `${given}: no such file`);
  if (!stat.isFile()) throw new HostError("bad-path", `${given}: is a folder, not a ${runtime} binary`);
  const probe = await probeRuntime(runtime, path, env);
  if (!probe.ok) throw new HostError("bad-path", `${given} is not a ${runtime} binary: ${probe.why}`);
  return { found: true, runtime, path, version: probe.version, source: "explicit" };
}

/** An explicit version: the cache's, installed there first unless told not to. */
async function fromCache(runtime: RuntimeName, version: string, options: FindRuntimeOptions): Promise<RuntimeLookup> {
  const install = { cacheDir: options.cacheDir, env: options.env, cwd: options.cwd, onProgress: options.onProgress };
  const entry = options.install === false
    ? await cachedRuntime(runtime, version, install)
    : await installVersion(runtime, version, install);
  if (entry) return { found: true, runtime, path: entry.path, version: entry.version, source: "cache" };
  return {
    found: false,
    runtime,
    reason: `${runtime} ${version} is not in sockcheck's cache`,
    hint: `allow sockcheck to install it from the npm registry, or pass ${options.flag ?? `--${runtime}`} PATH`,
  };
}

/** `node_modules/.bin/<runtime>` in the current folder and its parents, then in sockcheck's and its parents. */
function projectCandidates(runtime: RuntimeName, options: FindRuntimeOptions): string[] {
  const dirs = new Set([...ancestors(options.cwd ?? process.cwd()), ...ancestors(options.packageDir ?? PACKAGE_DIR)]);
  return [...dirs].flatMap((dir) => executables(join(dir, "node_modules", ".bin"), runtime));
}

function pathCandidates(runtime: RuntimeName, env: Record<string, string | undefined>): string[] {
  const dirs = (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean);
  return [...new Set(dirs)].flatMap((dir) => executables(dir, runtime));
}

function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = resolve(start);; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The runtime's executable files in `dir`: on Windows its `.exe`, or npm's `.cmd` shim. */
function executables(dir: string, runtime: RuntimeName): string[] {
  const names = process.platform === "win32" ? [`${runtime}.exe`, `${runtime}.cmd`] : [runtime];
  return names.map((name) => join(dir, name)).filter((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}
