/**
 * The bundles Node runs the sources from: each source keeps its own
 * `import.meta.url`, a bundle is reused until one of its sources changes,
 * the modules a process loads by URL are built in, and any other
 * TypeScript it loads by URL or forks still runs (core/load_module.ts).
 * Each bundle runs in a child process, so this one never sees a bundle's
 * table.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { buildBundle, bundleOf, freshBundle, keptBuild } from "./bundle.mjs";

const dir = mkdtempSync(join(tmpdir(), "sockcheck-bundle-"));
// The sources below are ES modules, as a project's are.
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
const built: string[] = [];
after(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of built) rmSync(file, { force: true });
});

const loadModule = JSON.stringify(new URL("./load_module.ts", import.meta.url).pathname);
const url = (name: string) => pathToFileURL(join(dir, name)).href;

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

/** Runs `bundle` with Node and parses the JSON line it prints. */
function runBundle(bundle: string): Record<string, unknown> {
  built.push(bundle);
  const r = spawnSync(process.execPath, [bundle], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("a bundle keeps each source's own import.meta.url and is rebuilt only when a source changes", async () => {
  write("part.ts", `export const partUrl: string = import.meta.url;\n`);
  const entry = write("entry.ts", `import { partUrl } from "./part.ts";\nconsole.log(JSON.stringify({ entryUrl: import.meta.url, partUrl }));\n`);
  const bundle = await buildBundle(entry);
  assert.deepEqual(runBundle(bundle), { entryUrl: url("entry.ts"), partUrl: url("part.ts") });
  assert.equal(freshBundle(entry), bundle);
  write("part.ts", `export const partUrl: string = "changed";\n`);
  assert.equal(freshBundle(entry), undefined, "a changed source left the bundle fresh");
  assert.equal(await bundleOf(entry), bundle);
  assert.deepEqual(runBundle(bundle), { entryUrl: url("entry.ts"), partUrl: "changed" });
});

test("a module loaded by URL is the bundle's own where built in, and TypeScript through tsx where not", async () => {
  write("built_in.ts", `export const where: string = "built in";\n`);
  write("outside.ts", `const typed: string = "through tsx";\nexport const where = typed;\n`);
  const entry = write(
    "by_url.ts",
    `import { importModule, runsBundled } from ${loadModule};\n` +
      `const builtIn = await importModule(new URL("./built_in.ts", import.meta.url)) as { where: string };\n` +
      `const outside = await importModule(new URL("./outside.ts", import.meta.url)) as { where: string };\n` +
      `console.log(JSON.stringify({ bundled: runsBundled(), builtIn: builtIn.where, outside: outside.where }));\n`,
  );
  const bundle = await buildBundle(entry, { modules: [url("built_in.ts")] });
  assert.deepEqual(runBundle(bundle), { bundled: true, builtIn: "built in", outside: "through tsx" });
});

test("a child forked from a bundled process runs from its own bundle", async () => {
  const child = write("child.ts", `process.send!({ argv1: process.argv[1] }, () => process.exit(0));\n`);
  const entry = write(
    "forks.ts",
    `import { fork } from "node:child_process";\n` +
      `import { forkTarget } from ${loadModule};\n` +
      `const { modulePath, execArgv } = await forkTarget(new URL("./child.ts", import.meta.url));\n` +
      `fork(modulePath, [], { execArgv }).on("message", (m) => console.log(JSON.stringify(m)));\n`,
  );
  const result = runBundle(await buildBundle(entry));
  const childBundle = freshBundle(child);
  assert.ok(childBundle, "the child's bundle was not built");
  built.push(childBundle);
  assert.deepEqual(result, { argv1: childBundle });
});

test("a kept build is built once, read back while its sources stay as they were, and built again when one changes", async () => {
  const source = write("kept_source.ts", "one");
  const name = `test-kept-${process.pid}.mjs`;
  built.push(join(new URL("..", import.meta.url).pathname, ".bundles", name));
  let builds = 0;
  const build = async () => {
    builds++;
    return { text: `built from ${readFileSync(source, "utf8")}\nsecond line`, sources: [source] };
  };
  assert.equal(await keptBuild(name, build), "built from one\nsecond line");
  assert.equal(await keptBuild(name, build), "built from one\nsecond line");
  assert.equal(builds, 1, "an unchanged build was made again");
  write("kept_source.ts", "three");
  assert.equal(await keptBuild(name, build), "built from three\nsecond line");
  assert.equal(builds, 2, "a changed source did not rebuild");
});
