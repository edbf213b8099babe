/**
 * Starts `workerd serve` on a bundled worker and knows when it listens:
 * workerd reports each socket's port on its control descriptor
 * (`--control-fd`) once it is ready, so the HTTP socket binds port 0 and
 * nothing polls.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { HTTP_SOCKET, workerdConfig } from "./config.ts";

/**
 * The workerd binary installed with the project (the `workerd` package's
 * main export is its path) and the package's version.
 *
 * @example
 * ```ts
 * import { installedWorkerd } from "./serve.ts";
 * console.log(installedWorkerd().version); // e.g. 1.20261117.1
 * ```
 */
export function installedWorkerd(): { path: string; version: string } {
  const pkg = createRequire(import.meta.url)("workerd") as { default: string; version: string };
  return { path: pkg.default, version: pkg.version };
}

export interface ServeOptions {
  /** The workerd binary; the installed one by default. */
  workerd?: string;
  compatibilityDate?: string;
  /** Upper bound on startup, so a workerd that never reports a socket fails the start instead of hanging it. */
  startLimitMs?: number;
}

/** A running workerd. */
export interface WorkerdServer {
  /** `http://127.0.0.1:<port>`: the worker's HTTP socket. */
  url: string;
  pid: number;
  /** From spawn to the control descriptor's report that the HTTP socket listens. */
  startupMs: number;
  /** What workerd wrote to stderr and stdout so far. */
  output(): string;
  /** Stops workerd (SIGTERM), waits for it to exit and removes its files. */
  stop(): Promise<void>;
}

const MODULE = "worker.js";

/** Resolves with the HTTP socket's port once workerd reports it; rejects if workerd exits first or the limit passes. */
function listening(child: ChildProcess, output: () => string, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let lines = "";
    // A bound on a start that never comes, not a wait for one that does.
    const timer = setTimeout(() => fail(`workerd did not report its socket within ${limitMs} ms`), limitMs);
    const onExit = (code: number | null, signal: string | null) =>
      fail(`workerd exited (${signal ?? code}) before listening`);
    function fail(why: string) {
      clearTimeout(timer);
      child.off("exit", onExit);
      reject(new Error(`${why}\n${output()}`));
    }
    child.once("exit", onExit);
    child.once("error", (err) => fail(`workerd did not start: ${err.message}`));
    (child.stdio[3] as Readable).on("data", (chunk: Buffer) => {
      lines += chunk.toString();
      for (let nl = lines.indexOf("\n"); nl >= 0; nl = lines.indexOf("\n")) {
        const message = JSON.parse(lines.slice(0, nl)) as { event?: string; socket?: string; port?: number };
        lines = lines.slice(nl + 1);
        if (message.event === "listen" && message.socket === HTTP_SOCKET && typeof message.port === "number") {
          clearTimeout(timer);
          child.off("exit", onExit);
          resolve(message.port);
        }
      }
    });
  });
}

/**
 * Writes the bundle and its config to a fresh directory and serves it.
 *
 * @example
 * ```ts
 * import { bundleWorker } from "./bundle.ts";
 * import { startWorkerd } from "./serve.ts";
 * const server = await startWorkerd((await bundleWorker()).code);
 * console.log(await (await fetch(`${server.url}/cases`)).json());
 * await server.stop();
 * ```
 */
export async function startWorkerd(code: string, options: ServeOptions = {}): Promise<WorkerdServer> {
  const dir = mkdtempSync(join(tmpdir(), "sockcheck-workerd-"));
  writeFileSync(join(dir, MODULE), code);
  writeFileSync(
    join(dir, "config.capnp"),
    workerdConfig({ module: MODULE, compatibilityDate: options.compatibilityDate }),
  );
  const started = performance.now();
  const child = spawn(options.workerd ?? installedWorkerd().path, ["serve", "config.capnp", "--control-fd=3"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let text = "";
  const keep = (chunk: Buffer) => text = (text + chunk.toString()).slice(-16_384);
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // "close" also follows a spawn that failed ("error" without "exit").
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await listening(child, () => text, options.startLimitMs ?? 10_000);
    const startupMs = Math.round(performance.now() - started);
    return { url: `http://127.0.0.1:${port}`, pid: child.pid!, startupMs, output: () => text, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
