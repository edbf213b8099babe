/**
 * Runs the npm CLI with `--json` and turns its structured error code into a
 * {@linkcode HostError}. npm runs in the user's current folder, so the
 * user's own registry, scope, proxy and auth settings (global, user and
 * project .npmrc) apply as they do to any npm command there.
 *
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import { HostError } from "./errors.ts";

/** Where and with what environment npm runs. */
export interface NpmOptions {
  /** The folder npm runs in (its project config applies); default the current one. */
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** What was asked for, for the not-found message: `bun 1.1.0 (@oven/bun-linux-x64)`. */
  subject: string;
}

// Codes npm reports when the registry cannot be reached at all.
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENETDOWN",
  "EPIPE",
  "ESOCKETTIMEDOUT",
  "ERR_SOCKET_TIMEOUT",
  "ENOTCACHED",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_HAS_EXPIRED",
]);

/**
 * Runs `npm ...args --json` and returns its parsed output.
 * Throws `npm-missing`, `no-such-version`, `registry-unreachable` or `npm-failed`.
 */
export async function npmJson(args: string[], options: NpmOptions): Promise<unknown> {
  return parse(await npm([...args, "--json"], options));
}

/** Runs `npm ...args` and returns what it printed, for commands without JSON output. */
export function npm(args: string[], options: NpmOptions): Promise<string> {
  const windows = process.platform === "win32";
  const run = {
    cwd: options.cwd ?? process.cwd(),
    env: { ...(options.env ?? process.env) },
    maxBuffer: 64 * 1024 * 1024,
    windowsHide: true,
    // npm is a .cmd script on Windows, which only the shell runs.
    shell: windows,
  };
  return new Promise((resolve, reject) => {
    execFile(windows ? "npm.cmd" : "npm", windows ? args.map((a) => `"${a}"`) : args, run, (err, stdout) => {
      if (!err) return resolve(String(stdout));
      const spawnCode = (err as { code?: unknown }).code;
      if (spawnCode === "ENOENT") {
        return reject(
          new HostError("npm-missing", "npm is not on the PATH: sockcheck installs runtime releases with npm"),
        );
      }
      reject(failure(errorCode(parse(String(stdout))) ?? `exit ${spawnCode}`, args[0], options.subject));
    });
  });
}

function parse(stdout: string): unknown {
  try {
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    return undefined;
  }
}

/** npm's `--json` error report: `{"error": {"code": "E404", ...}}`. */
function errorCode(parsed: unknown): string | undefined {
  const error = (parsed as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === "string" ? error.code : undefined;
}

function failure(code: string, command: string | undefined, subject: string): HostError {
  if (code === "E404" || code === "ETARGET") {
    return new HostError("no-such-version", `${subject} is not published on the package registry npm uses`);
  }
  if (UNREACHABLE.has(code) || /^E5\d\d$/.test(code)) {
    return new HostError(
      "registry-unreachable",
      `npm could not reach the package registry (${code}) while fetching ${subject}: check the network and npm's registry and proxy settings`,
    );
  }
  return new HostError("npm-failed", `npm ${command} failed (${code}) while fetching ${subject}`);
}
