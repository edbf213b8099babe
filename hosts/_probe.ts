/**
 * Asks a binary which runtime and version it is. Deno and Node say so in
 * `--version` (`deno 2.0.0 (...)`, `v22.1.0`); Bun's `--version` is a bare
 * number any tool could print, so Bun is asked for `--revision`
 * (`1.1.0+5903a6141`), which adds its commit.
 *
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import type { RuntimeName } from "./runtime.ts";

/** What a probe learned: the runtime's version, or why the binary is not it. */
export type Probe = { ok: true; version: string } | { ok: false; why: string };

const VERSION = String.raw`(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)`;
const ASK: Record<RuntimeName, { flag: string; answer: RegExp }> = {
  deno: { flag: "--version", answer: new RegExp(`^deno ${VERSION}(?:\\s|$)`) },
  bun: { flag: "--revision", answer: new RegExp(`^${VERSION}\\+[0-9a-f]+$`) },
  node: { flag: "--version", answer: new RegExp(`^v${VERSION}$`) },
};

/** How long a binary may take to print its version (a cold start on a busy machine). */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Runs `binary` with the runtime's version flag and checks the answer.
 * Never throws: a binary that cannot run is a probe that says why.
 */
export function probeRuntime(runtime: RuntimeName, binary: string, env = process.env): Promise<Probe> {
  const { flag, answer } = ASK[runtime];
  // Windows runs npm's .cmd shims only through the shell.
  const shell = process.platform === "win32" && /\.(cmd|bat)$/i.test(binary);
  const file = shell ? `"${binary}"` : binary;
  const options = {
    env: { ...env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    timeout: PROBE_TIMEOUT_MS,
    windowsHide: true,
    shell,
  };
  return new Promise((resolve) => {
    try {
      execFile(file, [flag], options, (err, stdout) => {
        const out = String(stdout).trim();
        if (err) return resolve({ ok: false, why: failure(err, flag) });
        const match = answer.exec(out.split(/\r?\n/)[0] ?? "");
        if (match) return resolve({ ok: true, version: match[1] });
        resolve({ ok: false, why: `its ${flag} prints ${quote(out)}, not a ${runtime} version` });
      });
    } catch (err) {
      // Some spawn failures (ETXTBSY, EACCES on some platforms) throw here instead of reaching the callback.
      resolve({ ok: false, why: failure(err as ExecError, flag) });
    }
  });
}

type ExecError = Error & { code?: string | number | null; signal?: string | null; killed?: boolean };

function failure(err: ExecError, flag: string): string {
  if (err.killed) return `it did not answer ${flag} within ${PROBE_TIMEOUT_MS / 1000} s`;
  if (typeof err.code === "string") return `it cannot be run (${err.code})`;
  if (err.signal) return `it was killed by ${err.signal} when asked ${flag}`;
  return `it exits with code ${err.code} when asked ${flag}`;
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line ? JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line) : "nothing";
}

/**
 * Whether a binary reporting `reported` is release `asked`. Some Bun
 * releases were built with the canary flag on: the npm package 1.1.22 and
 * its `--version` say 1.1.22, its `--revision` says 1.1.22-canary.96. Such
 * a binary is that release; any other difference is another build.
 *
 * @example
 * ```ts
 * import { isRelease } from "./_probe.ts";
 * isRelease("bun", "1.1.22-canary.96", "1.1.22"); // true
 * isRelease("bun", "1.1.23", "1.1.22"); // false
 * ```
 */
export function isRelease(runtime: RuntimeName, reported: string, asked: string): boolean {
  return reported === asked || (runtime === "bun" && new RegExp(`^${asked.replaceAll(".", "\\.")}-canary\\.\\d+$`).test(reported));
}

