/**
 * Bundles a worker entry (TypeScript, the whole catalog behind it) into the
 * one ES module workerd loads. Modules workerd has built in stay imports:
 * `cloudflare:*` and `node:*` (the suites' `node:assert/strict`, the
 * runner's `node:fs`, `node:os`, `node:path`, which workerd's Node
 * compatibility provides).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The worker that runs catalog cases on the WinterTC adapter. */
export const WORKER_ENTRY: string = fileURLToPath(new URL("./worker.ts", import.meta.url));

export interface Bundle {
  /** The ES module's source. */
  code: string;
  /** How long esbuild took, in milliseconds. */
  ms: number;
}

/**
 * Bundles `entry` (by default {@linkcode WORKER_ENTRY}).
 *
 * @example
 * ```ts
 * import { bundleWorker } from "./bundle.ts";
 * const { code, ms } = await bundleWorker();
 * console.log(`${code.length} bytes in ${ms} ms`);
 * ```
 */
export async function bundleWorker(entry: string = WORKER_ENTRY): Promise<Bundle> {
  const started = performance.now();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external: ["cloudflare:*", "node:*"],
    logLevel: "silent",
  });
  return { code: result.outputFiles[0].text, ms: Math.round(performance.now() - started) };
}
