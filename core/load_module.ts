/**
 * Loading a module by URL, wherever this process's code came from. Under
 * Node the sources may run from one bundle (core/bundle.mjs), which has the
 * modules a process loads by URL built in (its host, its column's adapter)
 * in a table kept on a global; any other TypeScript module (a user's cases
 * file) is loaded through tsx, registered on first need, as an unbundled
 * Node process loads every source; a module it forks runs from its own
 * bundle. Deno and Bun load TypeScript themselves and never see the table.
 *
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { bundleOf } from "./bundle.mjs";

/** The bundle's modules-by-URL table: href → a loader of the built-in module. */
type Registry = Map<string, () => Promise<unknown>>;

/** tsx, whose import registers its loaders as `node --import tsx` does; named at run time so that no bundler or type checker follows it. */
const TSX = "tsx";

let tsx: Promise<void> | undefined;

function registry(): Registry | undefined {
  return (globalThis as Record<symbol, Registry | undefined>)[Symbol.for("sockcheck.bundled")];
}

/** Whether this process runs from a bundle. */
export function runsBundled(): boolean {
  return registry() !== undefined;
}

/**
 * Imports the module at `url`: the bundle's own copy where it has one, else
 * as the runtime loads it (with tsx first under a bundle).
 *
 * @example
 * ```ts
 * import { importModule } from "./load_module.ts";
 * const { CASE_IDS } = await importModule(new URL("../mod.ts", import.meta.url)) as typeof import("../mod.ts");
 * console.log(CASE_IDS.length > 0); // true
 * ```
 */
export function importModule(url: URL): Promise<unknown> {
  const table = registry();
  if (!table) return import(url.href);
  const builtIn = table.get(url.href);
  if (builtIn) return builtIn();
  tsx ??= import(TSX).then(() => {});
  return tsx.then(() => import(url.href));
}

/**
 * tsx's loader as `node --import` takes it, resolved from where this code
 * runs (its source, or its bundle inside the package).
 *
 * @example
 * ```ts
 * import { tsxLoader } from "./load_module.ts";
 * console.log(["--import", tsxLoader()]);
 * ```
 */
export function tsxLoader(): string {
  return import.meta.resolve(TSX);
}

/**
 * What to fork to run `module` in a child of this runtime: the file itself,
 * with this process's `execArgv` (fork's own default); under a bundle, the
 * module's own bundle, or, where none can be made, the file with tsx's
 * loader added (the parent's `execArgv` has none).
 *
 * @example
 * ```ts
 * import { fork } from "node:child_process";
 * import { forkTarget } from "./load_module.ts";
 * const { modulePath, execArgv } = await forkTarget(new URL("./child.ts", import.meta.url));
 * fork(modulePath, [], { execArgv }).kill();
 * ```
 */
export async function forkTarget(module: URL): Promise<{ modulePath: string; execArgv?: string[] }> {
  const modulePath = fileURLToPath(module);
  if (!runsBundled()) return { modulePath };
  const bundle = await bundleOf(modulePath);
  return bundle ? { modulePath: bundle, execArgv: process.execArgv } : { modulePath, execArgv: [...process.execArgv, "--import", tsxLoader()] };
}
