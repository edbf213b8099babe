/**
 * Where sockcheck keeps what it downloads: the per-user cache folder of the
 * platform, or `SOCKCHECK_CACHE_DIR` when set.
 *
 * @module
 */
import { homedir } from "node:os";
import { posix, win32 } from "node:path";
import process from "node:process";

/** Inputs of {@linkcode cacheDir}; each defaults to this process's own. */
export interface CacheDirOptions {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The cache folder: `SOCKCHECK_CACHE_DIR` if set; otherwise
 * `$XDG_CACHE_HOME/sockcheck` or `~/.cache/sockcheck` on Linux (and other
 * Unixes), `~/Library/Caches/sockcheck` on macOS and
 * `%LOCALAPPDATA%\sockcheck` on Windows. The folder may not exist yet.
 *
 * @example
 * ```ts
 * import { cacheDir } from "./cache_dir.ts";
 * cacheDir({ env: {}, platform: "linux", home: "/home/ada" }); // "/home/ada/.cache/sockcheck"
 * cacheDir({ env: { SOCKCHECK_CACHE_DIR: "/tmp/c" } }); // "/tmp/c"
 * ```
 */
export function cacheDir(options: CacheDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const path = platform === "win32" ? win32 : posix;
  if (env.SOCKCHECK_CACHE_DIR) return path.resolve(env.SOCKCHECK_CACHE_DIR);
  const home = options.home ?? homedir();
  if (platform === "win32") return path.join(env.LOCALAPPDATA || path.join(home, "AppData", "Local"), "sockcheck");
  if (platform === "darwin") return path.join(home, "Library", "Caches", "sockcheck");
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and to be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, ".cache"), "sockcheck");
}
