/**
 * Node runs the TypeScript sources from one bundle per entry, built by
 * esbuild and kept beside the package (`.bundles/`): loading it takes about
 * a fifth of what tsx's loader takes to register and load the same files,
 * and every CLI and Node column process pays that at its start. Plain
 * JavaScript, because it must run before any TypeScript can.
 *
 * Each source keeps its own `import.meta.url` (replaced by its file URL), so
 * the package's files are found where they are. The modules a process loads
 * by URL (its host, its column's adapter) are built in and found by
 * core/load_module.ts; any other TypeScript it loads by URL (a user's
 * cases file) goes through tsx. A bundle records the size and time of every
 * source it was built from and is rebuilt when one changed; it is written
 * whole and renamed into place, so a reader never sees half of one. Where
 * no bundle can be made (a read-only package, no esbuild), the caller falls
 * back to tsx.
 *
 * Other builds (the workerd column's worker module) are kept the same way
 * ({@linkcode keptBuild}).
 *
 * Run as a program (`node bundle.mjs ENTRY [MODULE...]`) it builds the
 * bundle and prints its path: how a synchronous caller gets one built.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The package's root folder. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIR = join(ROOT, ".bundles");
/** The first line of a bundle: this, then its sources as JSON. */
const MARK = "// sockcheck-bundle ";
/** The global the bundle's modules-by-URL table is kept under (core/load_module.ts reads it). */
const REGISTRY = "Symbol.for(\"sockcheck.bundled\")";
/** The sources that get their own URL: every file bundled, since packages are left to Node (even where the package itself lies inside a node_modules). */
const SOURCE = /\.(ts|mjs|js)$/;

/**
 * Where the bundle of `entry` with `modules` built in lies.
 *
 * @param {string} entry absolute path of the entry file
 * @param {readonly string[]} modules file URLs
 */
function bundlePath(entry, modules) {
  const key = createHash("sha256").update(JSON.stringify([entry, [...modules].sort()])).digest("hex").slice(0, 16);
  return join(DIR, `${basename(entry).replace(/\.[^.]+$/, "")}-${key}.mjs`);
}

/** The sources a bundle file was built from (path → [mtimeMs, size]), or undefined. */
function sourcesOf(file) {
  let fd;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(1 << 16);
    const n = readSync(fd, head, 0, head.length, 0);
    const line = head.subarray(0, n).toString("utf8").split("\n", 1)[0];
    if (!line.startsWith(MARK) || n === head.length && !head.includes(10)) return undefined;
    return JSON.parse(line.slice(MARK.length));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unchanged(sources) {
  return Object.entries(sources).every(([path, [mtimeMs, size]]) => {
    try {
      const s = statSync(path);
      return s.mtimeMs === mtimeMs && s.size === size;
    } catch {
      return false;
    }
  });
}

/**
 * The bundle of `entry` if one is built and none of its sources changed since.
 *
 * @param {string} entry absolute path of the entry file
 * @param {{ modules?: readonly string[] }} [options] file URLs the process loads by URL
 * @returns {string | undefined}
 */
export function freshBundle(entry, options = {}) {
  const file = bundlePath(entry, options.modules ?? []);
  const sources = sourcesOf(file);
  return sources && unchanged(sources) ? file : undefined;
}

/** The module that fills the modules-by-URL table; the bundle's entry imports it first. */
function registrySource(modules) {
  const rows = modules.map((url) => `[${JSON.stringify(url)}, () => import(${JSON.stringify(fileURLToPath(url))})]`);
  return `globalThis[${REGISTRY}] = new Map([${rows.join(", ")}]);`;
}

/**
 * Builds the bundle of `entry` and returns its path.
 *
 * @param {string} entry absolute path of the entry file
 * @param {{ modules?: readonly string[] }} [options] file URLs the process loads by URL
 * @returns {Promise<string>}
 */
export async function buildBundle(entry, options = {}) {
  const modules = options.modules ?? [];
  const esbuild = await import("esbuild");
  /** @type {Record<string, [number, number]>} */
  const sources = {};
  const ownUrls = {
    name: "own-import-meta-url",
    setup(build) {
      build.onLoad({ filter: SOURCE, namespace: "file" }, (args) => {
        const s = statSync(args.path);
        sources[args.path] = [s.mtimeMs, s.size];
        const text = readFileSync(args.path, "utf8").replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href));
        return { contents: text, loader: args.path.endsWith(".ts") ? "ts" : "js" };
      });
    },
  };
  // A module of its own, so that the table is filled before the entry's modules are evaluated.
  const registry = {
    name: "modules-by-url",
    setup(build) {
      build.onResolve({ filter: /^sockcheck:registry$/ }, () => ({ path: "registry", namespace: "sockcheck" }));
      build.onLoad({ filter: /.*/, namespace: "sockcheck" }, () => ({ contents: registrySource(modules), loader: "js", resolveDir: ROOT }));
    },
  };
  // The build service is stopped at once: a process that builds mid-run (a fork's bundle) keeps no pipe of it.
  const result = await esbuild.build({
    stdin: { contents: `import "sockcheck:registry";\nexport * from ${JSON.stringify(entry)};`, resolveDir: ROOT, sourcefile: "sockcheck-entry.mjs", loader: "js" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    packages: "external",
    write: false,
    logLevel: "silent",
    plugins: [registry, ownUrls],
  }).finally(() => esbuild.stop());
  const file = bundlePath(entry, modules);
  writeWhole(file, `${MARK}${JSON.stringify(sources)}\n${result.outputFiles[0].text}`);
  return file;
}

/** Writes `text` to `file` in `.bundles/` whole: to a file of its own, then renamed into place. */
function writeWhole(file, text) {
  mkdirSync(DIR, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, file);
}

/**
 * The text kept in `.bundles/` under `name` by {@linkcode keep}, or
 * `undefined`. For what is named by its own content (a hash), so that it
 * never goes stale.
 *
 * @param {string} name
 * @returns {string | undefined}
 */
export function kept(name) {
  try {
    return readFileSync(join(DIR, name), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Keeps `text` in `.bundles/` under `name`, whole; where nothing can be
 * kept (a read-only package), nothing is.
 *
 * @param {string} name
 * @param {string} text
 */
export function keep(name, text) {
  try {
    writeWhole(join(DIR, name), text);
  } catch {
    // Not kept: asked for again next time.
  }
}

/**
 * A build of another kind (a worker's module) kept in `.bundles/` as the
 * bundles are: `build` runs only where `name` is missing or a source it
 * named has changed since. Where nothing can be kept (a read-only
 * package), every call builds.
 *
 * @param {string} name the file's name in `.bundles/`
 * @param {() => Promise<{ text: string; sources: string[] }>} build the text, and the absolute paths it was built from
 * @returns {Promise<string>} the text
 */
export async function keptBuild(name, build) {
  const file = join(DIR, name);
  const stamped = sourcesOf(file);
  if (stamped && unchanged(stamped)) {
    const kept = readFileSync(file, "utf8");
    return kept.slice(kept.indexOf("\n") + 1);
  }
  const { text, sources } = await build();
  try {
    const stamps = Object.fromEntries(sources.map((path) => {
      const s = statSync(path);
      return [path, [s.mtimeMs, s.size]];
    }));
    writeWhole(file, `${MARK}${JSON.stringify(stamps)}\n${text}`);
  } catch {
    // Nothing kept: the next call builds again.
  }
  return text;
}

/**
 * The bundle of `entry`, built now if it is missing or stale; `undefined`
 * where none can be made (the caller then loads the sources through tsx).
 *
 * @param {string} entry absolute path of the entry file
 * @param {{ modules?: readonly string[] }} [options]
 * @returns {Promise<string | undefined>}
 */
export async function bundleOf(entry, options = {}) {
  try {
    return freshBundle(entry, options) ?? await buildBundle(entry, options);
  } catch {
    return undefined;
  }
}

/**
 * As {@linkcode bundleOf}, for a synchronous caller: a stale bundle is
 * built by running this file with `node` (the binary given).
 *
 * @param {string} node a Node binary
 * @param {string} entry absolute path of the entry file
 * @param {{ modules?: readonly string[] }} [options]
 * @returns {string | undefined}
 */
export function bundleOfSync(node, entry, options = {}) {
  const fresh = freshBundle(entry, options);
  if (fresh) return fresh;
  const built = spawnSync(node, [fileURLToPath(import.meta.url), entry, ...options.modules ?? []], { encoding: "utf8", timeout: 60_000 });
  return built.status === 0 ? freshBundle(entry, options) : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [entry, ...modules] = process.argv.slice(2);
  process.stdout.write(`${await buildBundle(entry, { modules })}\n`);
}
