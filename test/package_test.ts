/**
 * What users install: the npm tarball holds exactly what a user needs and
 * works once installed; the JSR package passes `deno publish --dry-run`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CATALOG } from "../suites/catalog.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(program: string, args: string[], cwd = root) {
  const r = spawnSync(program, args, {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", npm_config_update_notifier: "false" },
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

test("the npm tarball holds the sources, CLI, README and license, and no tests", () => {
  const r = run("npm", ["pack", "--dry-run", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const needed of ["mod.ts", "cli.ts", "bin/sockcheck.mjs", "README.md", "LICENSE", "package.json", "deno.json", "core/runner.ts", "columns/registry.ts"]) {
    assert.ok(files.includes(needed), `${needed} missing from the tarball`);
  }
  for (const topic of new Set(CATALOG.map((e) => e.topic))) {
    assert.ok(files.includes(`suites/${topic}.ts`), `suite ${topic} missing`);
  }
  const unwanted = files.filter((f) => /_test\.ts$|\.test\.ts$|^node_modules\/|^\.ci\/|^\.github\//.test(f));
  assert.deepEqual(unwanted, []);
});

test("the packed tarball installs into a fresh project and `sockcheck list` runs from it", () => {
  const packed = run("npm", ["pack", "--pack-destination", work, "--json"]);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  const project = join(work, "project");
  spawnSync("mkdir", [project]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-sockcheck", private: true, type: "module" }));
  const installed = run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", tarball], project);
  assert.equal(installed.status, 0, installed.stderr);
  const listed = run("npx", ["--no-install", "sockcheck", "list", "--json"], project);
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { id: string }[]).map((c) => c.id), CATALOG.map((e) => e.case.id));
});

test("the JSR package passes deno publish --dry-run", () => {
  const deno = join(root, "node_modules", ".bin", "deno");
  const r = run(deno, ["publish", "--dry-run", "--allow-dirty"]);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stderr + r.stdout, /Dry run complete/);
});
