/**
 * Installing runtime releases: bad versions, broken cache entries and
 * interrupted installs are caught (with a fake npm serving a prepared
 * tarball), and one real release is installed from the registry.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { HostError } from "./errors.ts";
import { cachedRuntime, entryDir, type InstallProgress, installVersion } from "./install.ts";
import { listVersions } from "./versions.ts";
import { fakeNpm, fakeRuntime, npmTarball, tempDir } from "./_fakes.ts";

const skip = process.platform === "win32" && "POSIX shell fakes";
const { dir: root, remove } = tempDir("install");
after(remove);

let n = 0;
/** A fresh cache folder and a fake npm serving `bun` `version` (its fake binary reports `reports`). */
function fixture(version: string, reports = version) {
  const dir = join(root, `case-${++n}`);
  const npm = fakeNpm(dir);
  writeFileSync(join(dir, "versions.json"), JSON.stringify(["1.0.0", "1.1.0", version]));
  const binary = fakeRuntime(join(dir, "build"), "bun", reports);
  npmTarball(join(dir, "package.tgz"), { "bin/bun": binary, "package.json": join(dir, "versions.json") });
  const env = { ...process.env, PATH: npm.bin };
  return {
    dir,
    npm,
    env,
    cacheDir: join(dir, "cache"),
    calls: () => readFileSync(npm.calls, "utf8").trim().split("\n"),
  };
}

function assertHostError(kind: string, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof HostError, `not a HostError: ${err}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  };
}

const noNpm = { ...process.env, PATH: join(root, "no-npm-here") };
const stagingFolders = (cacheDir: string) =>
  readdirSync(join(cacheDir, "runtimes", "bun")).filter((name) => name.startsWith(".staging-"));

test("a version that is not x.y.z is bad input", async () => {
  await assert.rejects(
    installVersion("bun", "latest", { cacheDir: root }),
    assertHostError("bad-value", /"latest" is not a bun release number/),
  );
});

test("an install checks the binary, renames it into place and reports each phase", { skip }, async () => {
  const f = fixture("1.1.1");
  const phases: string[] = [];
  const onProgress = (p: InstallProgress) => phases.at(-1) !== p.phase && phases.push(p.phase);
  const installed = await installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env, onProgress });
  assert.deepEqual(phases, ["resolving", "downloading", "unpacking", "verifying", "done"]);
  assert.equal(installed.path, join(entryDir("bun", "1.1.1", f.cacheDir), "bun"));
  assert.equal(installed.cached, false);
  assert.deepEqual(stagingFolders(f.cacheDir), [], "the staging folder is gone");
  assert.ok(f.calls().some((call) => /^pack @oven\/bun-\S+@1\.1\.1 --pack-destination /.test(call)));
});

test("an installed version is reused without asking npm", { skip }, async () => {
  const f = fixture("1.1.1");
  await installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env });
  const phases: InstallProgress[] = [];
  const again = await installVersion("bun", "1.1.1", {
    cacheDir: f.cacheDir,
    env: noNpm,
    onProgress: (p) => phases.push(p),
  });
  assert.equal(again.cached, true);
  assert.deepEqual(phases.map((p) => [p.phase, p.cached]), [["done", true]]);
});

test("a version missing from the list is not published, and npm pack is never run", { skip }, async () => {
  const f = fixture("1.1.1");
  await assert.rejects(
    installVersion("bun", "1.1.7", { cacheDir: f.cacheDir, env: f.env }),
    assertHostError(
      "no-such-version",
      /^bun 1\.1\.7 is not published for \S+ \S+ \(newest 1\.1\.x: 1\.1\.1; newest: 1\.1\.1\)$/,
    ),
  );
  assert.ok(f.calls().every((call) => !call.startsWith("pack")));
});

test("a package whose binary reports another version is not installed", { skip }, async () => {
  const f = fixture("1.1.1", "1.1.2");
  await assert.rejects(
    installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env }),
    assertHostError("verify-failed", /reports version 1\.1\.2, not 1\.1\.1/),
  );
  assert.equal(existsSync(entryDir("bun", "1.1.1", f.cacheDir)), false);
  assert.deepEqual(stagingFolders(f.cacheDir), []);
});

test("a Bun release built with the canary flag (its --revision says 1.1.1-canary.3) is that release, and is reused", { skip }, async () => {
  const f = fixture("1.1.1", "1.1.1-canary.3");
  const installed = await installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env });
  assert.equal(installed.version, "1.1.1");
  assert.equal((await cachedRuntime("bun", "1.1.1", { cacheDir: f.cacheDir, env: noNpm }))?.path, installed.path);
  const g = fixture("1.1.1", "1.1.1-rc.3");
  await assert.rejects(
    installVersion("bun", "1.1.1", { cacheDir: g.cacheDir, env: g.env }),
    assertHostError("verify-failed", /reports version 1\.1\.1-rc\.3, not 1\.1\.1/),
  );
});

test("a package without the binary is not installed", { skip }, async () => {
  const f = fixture("1.1.1");
  npmTarball(join(f.dir, "package.tgz"), { "README.md": join(f.dir, "versions.json") });
  await assert.rejects(
    installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env }),
    assertHostError("verify-failed", /has no bin\/bun/),
  );
  assert.equal(existsSync(entryDir("bun", "1.1.1", f.cacheDir)), false);
});

test(
  "a binary that does not run here falls back to Bun's baseline build, and fails in one line if that does not run either",
  { skip },
  async () => {
    const f = fixture("1.1.1");
    const crashing = join(f.dir, "build", "crash");
    writeFileSync(crashing, "#!/bin/sh\nkill -ILL $$\n", { mode: 0o755 });
    npmTarball(join(f.dir, "package.tgz"), { "bin/bun": crashing });
    await assert.rejects(
      installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env }),
      assertHostError("verify-failed", /it was killed by SIGILL when asked --revision/),
    );
    const packed = f.calls().filter((call) => call.startsWith("pack")).map((call) => call.split(" ")[1]);
    if (process.arch === "x64") {
      assert.equal(packed.length, 2);
      assert.match(packed[1], /^@oven\/bun-\S+-baseline@1\.1\.1$/);
    }
    assert.equal(existsSync(entryDir("bun", "1.1.1", f.cacheDir)), false);
  },
);

test("a cache entry whose binary reports another version is reported with the folder to remove", { skip }, async () => {
  const cacheDir = join(root, "corrupt");
  const entry = entryDir("bun", "1.1.0", cacheDir);
  fakeRuntime(entry, "bun", "1.0.9");
  writeFileSync(join(entry, "entry.json"), "{}");
  const expected = assertHostError(
    "corrupt-cache",
    /^the cached bun 1\.1\.0 is broken \(its binary reports 1\.0\.9\): remove .+ to reinstall it$/,
  );
  await assert.rejects(cachedRuntime("bun", "1.1.0", { cacheDir, env: noNpm }), expected);
  // Reported, not replaced: installing does not reach npm (there is none on this PATH).
  await assert.rejects(installVersion("bun", "1.1.0", { cacheDir, env: noNpm }), expected);
});

test("a cache entry without its binary or its entry.json is reported", { skip }, async () => {
  const cacheDir = join(root, "incomplete");
  const entry = entryDir("bun", "1.1.0", cacheDir);
  mkdirSync(entry, { recursive: true });
  writeFileSync(join(entry, "entry.json"), "{}");
  await assert.rejects(
    cachedRuntime("bun", "1.1.0", { cacheDir, env: noNpm }),
    assertHostError("corrupt-cache", /its binary is missing/),
  );
  rmSync(join(entry, "entry.json"));
  fakeRuntime(entry, "bun", "1.1.0");
  await assert.rejects(
    cachedRuntime("bun", "1.1.0", { cacheDir, env: noNpm }),
    assertHostError("corrupt-cache", /entry\.json is missing/),
  );
});

const CHILD = `
import { installVersion } from ${JSON.stringify(fileURLToPath(new URL("./install.ts", import.meta.url)))};
const [cacheDir] = process.argv.slice(2);
await installVersion("bun", "1.1.1", { cacheDir, onProgress: (p) => console.log(JSON.stringify(p)) });
`;

test(
  "an install killed mid-download leaves no entry, and the next install clears its staging folder",
  { skip },
  async () => {
    const f = fixture("1.1.1");
    writeFileSync(join(f.dir, "hang"), "");
    const child = join(f.dir, "child.mts");
    writeFileSync(child, CHILD);
    const proc = spawn(process.execPath, ["--import", "tsx", child, f.cacheDir], {
      env: f.env,
      detached: true,
      stdio: ["ignore", "pipe", "inherit"],
    });
    for await (const line of createInterface({ input: proc.stdout! })) {
      if ((JSON.parse(line) as InstallProgress).phase === "downloading") break;
    }
    // The whole group: the installing process and the npm it started.
    process.kill(-proc.pid!, "SIGKILL");
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((resolve) => proc.once("exit", resolve));
    assert.equal(existsSync(entryDir("bun", "1.1.1", f.cacheDir)), false, "no entry after the kill");
    assert.equal(await cachedRuntime("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env }), undefined);
    assert.equal(stagingFolders(f.cacheDir).length, 1, "the killed install's staging folder is left");
    rmSync(join(f.dir, "hang"));
    const installed = await installVersion("bun", "1.1.1", { cacheDir: f.cacheDir, env: f.env });
    assert.equal(installed.cached, false);
    assert.deepEqual(stagingFolders(f.cacheDir), [], "the abandoned staging folder was removed");
  },
);

test("a complete-looking binary in an abandoned staging folder is never taken as the entry", { skip }, async () => {
  const cacheDir = join(root, "abandoned");
  const staged = join(cacheDir, "runtimes", "bun", ".staging-1.1.0-999999-abc", "entry");
  fakeRuntime(staged, "bun", "1.1.0");
  writeFileSync(join(staged, "entry.json"), "{}");
  assert.equal(await cachedRuntime("bun", "1.1.0", { cacheDir, env: noNpm }), undefined);
});

// The real registry, through the user's npm configuration; told not to retry, so an offline machine skips fast.
const registryEnv = { ...process.env, npm_config_fetch_retries: "0" };
let probe: Promise<string | undefined> | undefined;
/** Why the registry cannot be used, or undefined; asked once, by the first test that needs it. */
const unreachable = () =>
  probe ??= listVersions("bun", { cacheDir: join(root, "probe"), env: registryEnv, maxAgeMs: 0 })
    .then(() => undefined, (err) => `the package registry is not reachable here (${(err as Error).message})`);

test("a version the registry does not publish is one typed line, quickly", { timeout: 60_000 }, async (t) => {
  const why = await unreachable();
  if (why) return t.skip(why);
  const started = Date.now();
  await assert.rejects(
    installVersion("bun", "1.1.99", { cacheDir: join(root, "real-missing"), env: registryEnv }),
    assertHostError(
      "no-such-version",
      /^bun 1\.1\.99 is not published for .*\(newest 1\.1\.x: 1\.1\.\d+; newest: \d+\.\d+\.\d+\)$/,
    ),
  );
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
});

test("a real release installs from the registry, runs, and is reused", { timeout: 120_000 }, async (t) => {
  const why = await unreachable();
  if (why) return t.skip(why);
  const cacheDir = join(root, "real");
  const phases: string[] = [];
  const installed = await installVersion("bun", "1.1.0", {
    cacheDir,
    env: registryEnv,
    onProgress: (p) => phases.at(-1) !== p.phase && phases.push(p.phase),
  });
  assert.deepEqual(phases, ["resolving", "downloading", "unpacking", "verifying", "done"]);
  assert.match(installed.package, /^@oven\/bun-/);
  // Checked again by running it, with no npm on the PATH: the reuse path never asks npm.
  const again = await cachedRuntime("bun", "1.1.0", { cacheDir, env: noNpm });
  assert.equal(again?.path, installed.path);
  assert.equal(again?.version, "1.1.0");
});
