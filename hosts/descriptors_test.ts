/**
 * The host descriptors: the command each runtime starts a file with, the
 * permissions a column's needs ask for, and the test-runner entries each
 * runtime's own runner really loads (deno.json, bunfig.toml, scripts/test.sh).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { matchesGlob } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BUN } from "./bun.ts";
import { DENO } from "./deno.ts";
import { PACKAGE_ROOT } from "./descriptor.ts";
import { NODE } from "./node.ts";

const read = (file: string) => readFileSync(`${PACKAGE_ROOT}/${file}`, "utf8");

test("Deno runs a column with the columns permission set, and with the kernel set where its adapter needs FFI", () => {
  const plain = DENO.command("deno", "harness/main.ts", { args: ["--column=deno"] });
  assert.ok(plain.args.includes("-P=columns"));
  assert.deepEqual(plain.args.slice(-2), [`${PACKAGE_ROOT}harness/main.ts`, "--column=deno"]);
  assert.equal(plain.env.DENO_NO_UPDATE_CHECK, "1");
  assert.ok(DENO.command("deno", "harness/main.ts", { args: [], needs: ["ffi"] }).args.includes("-P=kernel"));
});

test("Deno may run its own binary from a column process, beside the set's own run list", () => {
  const deno = fileURLToPath(new URL("../node_modules/.bin/deno", import.meta.url));
  if (!existsSync(deno)) return;
  const { args } = DENO.command(deno, "harness/main.ts", { args: [] });
  const run = args.find((arg) => arg.startsWith("--allow-run="))?.slice("--allow-run=".length).split(",");
  const set = JSON.parse(read("deno.json")).permissions.columns.run as string[];
  assert.deepEqual(run, [...set, realpathSync(deno)]);
});

test("Node runs a column from a bundle with its host and adapter built in, Bun runs the sources as they are", () => {
  const loads = [NODE.hostModule, new URL("../adapters/node.ts", import.meta.url)];
  const node = NODE.command(process.execPath, "harness/main.ts", { args: ["--column=node"], loads });
  assert.equal(node.program, process.execPath);
  assert.match(node.args[0], /\.bundles\/main-[0-9a-f]{16}\.mjs$/);
  assert.deepEqual(node.args.slice(1), ["--column=node"]);
  const bundle = readFileSync(node.args[0], "utf8");
  for (const url of loads) assert.ok(bundle.includes(JSON.stringify(url.href)), `${url.href} is not built in`);
  assert.deepEqual(BUN.command("bun", "harness/main.ts", { args: ["x"] }).args, [`${PACKAGE_ROOT}harness/main.ts`, "x"]);
});

test("each host's in-process module and test-runner entries exist", () => {
  for (const host of [DENO, BUN, NODE]) {
    assert.ok(existsSync(fileURLToPath(host.hostModule)), `${host.name}: ${host.hostModule.pathname}`);
    for (const file of host.testEntry) assert.ok(existsSync(`${PACKAGE_ROOT}/${file}`), `${host.name}: ${file}`);
  }
});

test("each runtime's own runner loads its host's test-runner entries", () => {
  const [denoEntry, kernelEntry] = DENO.testEntry;
  assert.ok(JSON.parse(read("deno.json")).test.include.includes(denoEntry), `deno.json's test.include lacks ${denoEntry}`);
  const script = read("scripts/test.sh");
  assert.match(script, new RegExp(`deno" test -P=kernel .*${kernelEntry}`));
  for (const file of NODE.testEntry) assert.ok(script.includes(file), `scripts/test.sh does not run ${file}`);
  // bun test runs what bunfig.toml does not leave out.
  const ignored = JSON.parse(/pathIgnorePatterns = (\[[^\]]*\])/.exec(read("bunfig.toml"))![1].replace(/,\s*\]/, "]")) as string[];
  const leftOut = (file: string) => ignored.some((pattern) => matchesGlob(file, pattern));
  for (const file of BUN.testEntry) assert.equal(leftOut(file), false, `bunfig.toml leaves out ${file}`);
  for (const file of [...DENO.testEntry, ...NODE.testEntry]) assert.equal(leftOut(file), true, `bun test would load ${file}`);
  // Every other test file is another runner's: under bun test it would run again, with Bun's 5 s limit.
  const bunsOwn = new Set([...BUN.testEntry, "adapters/bun_test.ts"]);
  const others = (readdirSync(PACKAGE_ROOT, { recursive: true }) as string[])
    .filter((file) => /(_test|\.test)\.ts$/.test(file) && !/(^|\/)(node_modules|\.[^/]*)\//.test(file) && !bunsOwn.has(file));
  assert.deepEqual(others.filter((file) => !leftOut(file)), [], "bun test would load these");
});

test("every test file is run by one of the runners npm test starts", () => {
  const script = read("scripts/test.sh");
  // The files and globs on the node --test and deno test command lines, deno.json's include, and Bun's own.
  const named = [...script.matchAll(/[\w/*{},.-]+(?:_test|\.test)\.ts/g)].map((m) => m[0]);
  const runs = [...named, ...JSON.parse(read("deno.json")).test.include as string[], ...BUN.testEntry, "adapters/bun_test.ts"];
  const files = (readdirSync(PACKAGE_ROOT, { recursive: true }) as string[])
    .filter((file) => /(_test|\.test)\.ts$/.test(file) && !/(^|\/)(node_modules|\.[^/]*)\//.test(file));
  assert.deepEqual(files.filter((file) => !runs.some((pattern) => matchesGlob(file, pattern))), [], "no runner runs these");
});
