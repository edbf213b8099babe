/**
 * Bundles a worker entry (TypeScript, the whole catalog behind it) into the
 * one ES module workerd loads. Modules workerd has built in stay imports:
 * `cloudflare:*` and `node:*` (the suites' `node:assert/strict`, the
 * runner's `node:fs`, `node:os`, `node:path`, which workerd's Node
 * compatibility provides).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { keptBuild } from "../../core/bundle.mjs";

/** The worker that runs catalog cases on the WinterTC adapter. */
export const WORKER_ENTRY: string = fileURLToPath(new URL("./worker.ts", import.meta.url));

/** The package's root, where esbuild names its inputs from. */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Bundle {
  /** The ES module's source. */
  code: string;
  /** How long getting it took (esbuild's build, or reading the one kept), in milliseconds. */
  ms: number;
}

/**
 * Bundles `entry` (by default {@linkcode WORKER_ENTRY}), or reads the bundle
 * kept from an earlier build where none of its sources changed since
 * (core/bundle.mjs): every workerd column process needs it, and esbuild
 * over the whole catalog costs a third of a second of CPU each time.
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
  const name = `worker-${createHash("sha256").update(entry).digest("hex").slice(0, 16)}.mjs`;
  const code = await keptBuild(name, async () => {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      external: ["cloudflare:*", "node:*"],
      logLevel: "silent",
    });
    return { text: result.outputFiles[0].text, sources: Object.keys(result.metafile.inputs).map((input) => resolve(ROOT, input)) };
  });
  return { code, ms: Math.round(performance.now() - started) };
}
