/**
 * The runtime lookup order with fake runtime binaries in temporary folders:
 * an explicit path beats the project's node_modules/.bin, which beats the
 * PATH; a binary that is not the runtime is one line of bad input.
 */
import assert from "node:assert/strict";
import { closeSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { HostError } from "./errors.ts";
import { findRuntime } from "./find_runtime.ts";
import { entryDir } from "./install.ts";
import { fakeRuntime, script, tempDir } from "./_fakes.ts";

const skip = process.platform === "win32" && "POSIX shell fakes";
const { dir: root, remove } = tempDir("lookup");
after(remove);

// root/project/node_modules/.bin/bun is 1.1.1; the lookup starts two folders below it.
const project = join(root, "project");
const cwd = join(project, "src", "deep");
mkdirSync(cwd, { recursive: true });
fakeRuntime(join(project, "node_modules", ".bin"), "bun", "1.1.1");
// root/onpath/bun is 1.0.0; root/explicit/bun is 1.2.0.
const onPath = join(root, "onpath");
fakeRuntime(onPath, "bun", "1.0.0");
const explicit = fakeRuntime(join(root, "explicit"), "bun", "1.2.0");
// Nothing in sockcheck's own folder unless a test says so.
const nowhere = join(root, "nowhere");
mkdirSync(nowhere);
const env = { ...process.env, PATH: onPath };
const base = { cwd, packageDir: nowhere, env, cacheDir: join(root, "cache") };

/** Asserts that `promise` rejects with a one-line HostError of `kind` matching `message`. */
async function rejectsWithLine(promise: Promise<unknown>, kind: string, message: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof HostError, `not a HostError: ${err}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
}

test("an explicit path beats the project and the PATH", { skip }, async () => {
  const found = await findRuntime("bun", { ...base, explicit });
  assert.deepEqual(found, { found: true, runtime: "bun", path: explicit, version: "1.2.0", source: "explicit" });
});

test("an explicit path is taken relative to the current folder", { skip }, async () => {
  const found = await findRuntime("bun", { ...base, cwd: root, explicit: "explicit/bun" });
  assert.ok(found.found && found.source === "explicit" && found.version === "1.2.0");
});

test("the project's node_modules/.bin, found walking up, beats the PATH", { skip }, async () => {
  const found = await findRuntime("bun", base);
  assert.deepEqual(found, {
    found: true,
    runtime: "bun",
    path: join(project, "node_modules", ".bin", "bun"),
    version: "1.1.1",
    source: "project",
  });
});

test("sockcheck's own node_modules/.bin counts as the project when the current folder has none", { skip }, async () => {
  const found = await findRuntime("bun", {
    ...base,
    cwd: nowhere,
    packageDir: join(project, "node_modules", "sockcheck"),
  });
  assert.ok(found.found);
  assert.equal(found.source, "project");
  assert.equal(found.version, "1.1.1");
});

test("the PATH is used when no project has the runtime", { skip }, async () => {
  const found = await findRuntime("bun", { ...base, cwd: nowhere });
  assert.deepEqual(found, { found: true, runtime: "bun", path: join(onPath, "bun"), version: "1.0.0", source: "path" });
});

test("a project binary that is not the runtime is passed over for the next one", { skip }, async () => {
  const broken = join(root, "broken");
  script(join(broken, "node_modules", ".bin", "bun"), "echo 'Error: postinstall did not run' >&2; exit 1");
  const found = await findRuntime("bun", { ...base, cwd: broken });
  assert.ok(found.found);
  assert.equal(found.source, "path");
});

test("a project binary that cannot be started (still open for writing) is passed over, not a crash", { skip }, async () => {
  const busy = join(root, "busy");
  const binary = fakeRuntime(join(busy, "node_modules", ".bin"), "bun", "1.1.1");
  // Held open for writing, as while it is being written: starting it fails ETXTBSY, thrown by spawn itself.
  const fd = openSync(binary, "r+");
  try {
    const found = await findRuntime("bun", { ...base, cwd: busy });
    assert.ok(found.found);
    assert.equal(found.source, "path");
  } finally {
    closeSync(fd);
  }
});

test("a runtime found nowhere says why and how to get it", { skip }, async () => {
  const found = await findRuntime("deno", { ...base, cwd: nowhere, env: { ...env, PATH: nowhere } });
  assert.equal(found.found, false);
  assert.ok(!found.found);
  assert.match(found.reason, /no deno in node_modules\/\.bin .* nor on the PATH/);
  assert.match(found.hint, /npm i -D deno/);
  assert.match(found.hint, /--deno PATH/);
  assert.match(found.hint, /--deno VERSION/);
});

test("an explicit binary that is another runtime is rejected in one line", { skip }, async () => {
  const node = fakeRuntime(join(root, "other"), "node", "22.0.0");
  await rejectsWithLine(findRuntime("bun", { ...base, explicit: node }), "bad-path", /^--bun .* is not a bun binary: /);
  await rejectsWithLine(
    findRuntime("deno", { ...base, explicit: node }),
    "bad-path",
    /is not a deno binary: its --version prints "v22\.0\.0"/,
  );
});

test("an explicit binary that prints something else is rejected in one line", { skip }, async () => {
  const tool = script(join(root, "tool", "bun"), "echo 'tool 1.2.0'; echo 'second line'");
  await rejectsWithLine(
    findRuntime("bun", { ...base, explicit: tool }),
    "bad-path",
    /is not a bun binary: its --revision prints "tool 1\.2\.0 second line"/,
  );
});

test("an explicit path that does not exist, or is a folder, is rejected in one line", { skip }, async () => {
  await rejectsWithLine(
    findRuntime("node", { ...base, explicit: "./no/such/node" }),
    "bad-path",
    /^--node \.\/no\/such\/node: no such file$/,
  );
  await rejectsWithLine(findRuntime("node", { ...base, explicit: root }), "bad-path", /is a folder, not a node binary/);
});

test("an explicit value that is neither a path nor a full version is rejected in one line", { skip }, async () => {
  await rejectsWithLine(
    findRuntime("bun", { ...base, explicit: "1.2", flag: "--bun" }),
    "bad-value",
    /full release number like 1\.2\.0/,
  );
});

test("an explicit version comes from the cache", { skip }, async () => {
  const cacheDir = join(root, "cache");
  const entry = entryDir("deno", "2.0.0", cacheDir);
  fakeRuntime(entry, "deno", "2.0.0");
  writeFileSync(join(entry, "entry.json"), JSON.stringify({ package: "@deno/fake" }));
  // No npm on this PATH: a cached version needs none.
  const found = await findRuntime("deno", { ...base, env: { ...env, PATH: nowhere }, explicit: "v2.0.0" });
  assert.deepEqual(found, {
    found: true,
    runtime: "deno",
    path: join(entry, "deno"),
    version: "2.0.0",
    source: "cache",
  });
});

test("an explicit version not in the cache, with installing not allowed, is not found", { skip }, async () => {
  const found = await findRuntime("deno", { ...base, explicit: "2.0.1", install: false });
  assert.equal(found.found, false);
  assert.ok(!found.found && /deno 2\.0\.1 is not in sockcheck's cache/.test(found.reason));
});
