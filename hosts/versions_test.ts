/**
 * Version lists: stable releases only, in numeric order; the timeline and
 * bisect selections; the saved list that spares npm calls.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { HostError } from "./errors.ts";
import { fakeNpm, tempDir } from "./_fakes.ts";
import { between, compareVersions, listVersions, newestPatchPerMinorSince, stableSorted } from "./versions.ts";

const posix = process.platform !== "win32";

test("versions sort by number, not by text", () => {
  assert.deepEqual(["1.10.0", "1.9.10", "1.9.2", "0.99.0", "2.0.0"].sort(compareVersions), [
    "0.99.0",
    "1.9.2",
    "1.9.10",
    "1.10.0",
    "2.0.0",
  ]);
  assert.ok(compareVersions("1.2", "1.2.0") === 0, "a missing part counts as 0");
});

test("only stable x.y.z releases are kept, once each", () => {
  const published = ["1.1.0-canary.20240401", "1.0.10", "1.1.0", "1.0.2", "1.1.0", "2.0.0-rc.1", "0.0.0-dev", "1.0"];
  assert.deepEqual(stableSorted(published), ["1.0.2", "1.0.10", "1.1.0"]);
});

const releases = ["1.0.0", "1.0.3", "1.1.0", "1.1.2", "1.1.10", "1.2.0", "2.0.0", "2.0.1", "1.3.0-canary.1"];

test("the timeline takes the newest patch of each minor line from the given one on", () => {
  assert.deepEqual(newestPatchPerMinorSince(releases, "1.1"), ["1.1.10", "1.2.0", "2.0.1"]);
  assert.deepEqual(newestPatchPerMinorSince(releases, "1.0.0"), ["1.0.3", "1.1.10", "1.2.0", "2.0.1"]);
});

test("a minor line whose newest patch is older than the start is left out", () => {
  assert.deepEqual(newestPatchPerMinorSince(releases, "1.0.4"), ["1.1.10", "1.2.0", "2.0.1"]);
  assert.deepEqual(newestPatchPerMinorSince(releases, "3.0"), []);
});

test("between includes both ends and accepts them in either order", () => {
  assert.deepEqual(between(releases, "1.1.2", "2.0.0"), ["1.1.2", "1.1.10", "1.2.0", "2.0.0"]);
  assert.deepEqual(between(releases, "2.0.0", "1.1.2"), ["1.1.2", "1.1.10", "1.2.0", "2.0.0"]);
});

test("between bounds need not be published releases themselves", () => {
  assert.deepEqual(between(releases, "1.0.5", "1.1.5"), ["1.1.0", "1.1.2"]);
  assert.deepEqual(between(releases, "1.1.3", "1.1.4"), []);
});

test(
  "the version list is asked of npm once and then read from the cache",
  { skip: !posix && "POSIX shell fakes" },
  async () => {
    const { dir, remove } = tempDir("versions");
    try {
      const npm = fakeNpm(dir);
      writeFileSync(join(dir, "versions.json"), JSON.stringify(["1.0.1", "1.0.0", "1.1.0-canary.1", "1.1.0"]));
      const options = { cacheDir: join(dir, "cache"), env: { ...process.env, PATH: npm.bin } };
      assert.deepEqual(await listVersions("bun", options), ["1.0.0", "1.0.1", "1.1.0"]);
      writeFileSync(join(dir, "versions.json"), JSON.stringify(["1.0.0", "1.0.1", "1.1.0", "1.2.0"]));
      assert.deepEqual(await listVersions("bun", options), ["1.0.0", "1.0.1", "1.1.0"], "the saved list is used");
      assert.equal(readFileSync(npm.calls, "utf8").trim().split("\n").length, 1);
      assert.deepEqual(await listVersions("bun", { ...options, maxAgeMs: 0 }), ["1.0.0", "1.0.1", "1.1.0", "1.2.0"]);
      assert.match(readFileSync(npm.calls, "utf8"), /^view @oven\/bun-\S+ versions --json$/m);
    } finally {
      remove();
    }
  },
);

test("a lone published version, which npm prints as a string, is a list of one", {
  skip: !posix && "POSIX shell fakes",
}, async () => {
  const { dir, remove } = tempDir("versions");
  try {
    const npm = fakeNpm(dir);
    writeFileSync(join(dir, "versions.json"), '"2.0.0"');
    const versions = await listVersions("deno", {
      cacheDir: join(dir, "cache"),
      env: { ...process.env, PATH: npm.bin },
    });
    assert.deepEqual(versions, ["2.0.0"]);
  } finally {
    remove();
  }
});

test("a registry that cannot be reached is one typed line", async () => {
  const { dir, remove } = tempDir("versions");
  try {
    // A closed loopback port: the connection is refused at once, and npm is told not to retry.
    const env = { ...process.env, npm_config_registry: "http://127.0.0.1:9/", npm_config_fetch_retries: "0" };
    await assert.rejects(listVersions("node", { cacheDir: dir, env, maxAgeMs: 0 }), (err: unknown) => {
      assert.ok(err instanceof HostError);
      assert.equal(err.kind, "registry-unreachable");
      assert.match(err.message, /could not reach the package registry \(ECONNREFUSED\)/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  } finally {
    remove();
  }
});
