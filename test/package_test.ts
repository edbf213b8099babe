/**
 * What users install: the npm tarball holds exactly what a user needs and
 * works once installed, as a new user meets it: in a fresh project with only
 * Node on the PATH, the columns of the missing runtimes are reported not run
 * with how to get them; with `deno` and `bun` installed in the project, every
 * column runs. The JSR package passes `deno publish --dry-run`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Matrix } from "../report/schema.ts";
import { CATALOG } from "../suites/catalog.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-pack-"));
after(() => rmSync(work, { recursive: true, force: true }));

function run(program: string, args: string[], cwd = root, env: Record<string, string> = {}) {
  const r = spawnSync(program, args, {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", npm_config_update_notifier: "false", ...env },
  });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

test("the npm tarball holds the sources, CLI, README and license, the runners' entries, and no tests", () => {
  const r = run("npm", ["pack", "--dry-run", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const needed of ["mod.ts", "cli.ts", "bin/sockcheck.mjs", "README.md", "LICENSE", "package.json", "deno.json", "core/runner.ts", "columns/registry.ts"]) {
    assert.ok(files.includes(needed), `${needed} missing from the tarball`);
  }
  for (const topic of new Set(CATALOG.map((e) => e.topic))) {
    assert.ok(files.includes(`suites/${topic}.ts`), `suite ${topic} missing`);
  }
  // The test runners' entries are for users: `deno test`, `bun test` and `node --test` run the columns from them.
  const entries = ["hosts/bun/bun.test.ts", "hosts/deno/deno.test.ts", "hosts/deno/kernel.test.ts", "hosts/node/node.test.ts", "hosts/workerd/workerd.test.ts"];
  for (const entry of entries) assert.ok(files.includes(entry), `${entry} missing from the tarball`);
  const unwanted = files.filter((f) =>
    !entries.includes(f) && /_test\.ts$|\.test\.ts$|_fakes\.ts$|_test_worker\.ts$|^node_modules\/|^\.ci\/|^\.github\//.test(f)
  );
  assert.deepEqual(unwanted, []);
});

/**
 * A folder of links to this Node and its npm and npx, and the system's
 * folders: a PATH with no Deno and no Bun, as a new user's may be.
 */
function nodeOnlyPath(): string {
  const bin = join(work, "node-only-bin");
  mkdirSync(bin, { recursive: true });
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const tool of ["node", "npm", "npx"]) {
    const found = tool === "node" ? process.execPath : dirs.map((d) => join(d, tool)).find((f) => existsSync(f));
    assert.ok(found, `no ${tool} on the PATH`);
    symlinkSync(found, join(bin, tool));
  }
  const path = [bin, "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const runtime of ["deno", "bun"]) {
    const there = path.find((d) => existsSync(join(d, runtime)));
    assert.equal(there, undefined, `${runtime} is in ${there}: this test needs a PATH without it`);
  }
  return path.join(delimiter);
}

const project = join(work, "project");
let nodeOnly: string | undefined;
/** The project's commands, with Node alone on the PATH. */
const inProject = (program: string, args: string[]) => run(program, args, project, { PATH: nodeOnly ??= nodeOnlyPath() });
/** Few cases, quick on every column: the point is which columns run. */
const FILTER = "tcp.connect.refused,tcp.data.echo,udp.recv.boundaries";
const COLUMN_IDS = ["kernel", "deno", "bun", "node", "deno-node", "bun-node", "workerd"];

test("the packed tarball installs into a fresh project with only Node on the PATH, and `sockcheck list` runs from it", () => {
  const packed = run("npm", ["pack", "--pack-destination", work, "--json"]);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "uses-sockcheck", private: true, type: "module" }));
  const installed = inProject("npm", ["install", "--no-audit", "--no-fund", tarball]);
  assert.equal(installed.status, 0, installed.stderr);
  const listed = inProject("npx", ["--no-install", "sockcheck", "list", "--json"]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual((JSON.parse(listed.stdout) as { id: string }[]).map((c) => c.id), CATALOG.map((e) => e.case.id));
});

test("with only Node there, matrix runs the node column, says in one line each how to get Deno, Bun and workerd, and reports their columns not run", () => {
  const r = inProject("npx", ["--no-install", "sockcheck", "matrix", "--filter", FILTER, "--out", "report"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const notices = r.stderr.split("\n").filter((line) => line.startsWith("sockcheck:"));
  assert.equal(notices.length, 3, r.stderr);
  assert.match(notices[0]!, /^sockcheck: deno not found .*: columns kernel, deno, deno-node not run \(the kernel reference column runs on deno too\)\. Get it with `npm i -D deno`, or pass --deno PATH or --deno VERSION\.$/);
  assert.match(notices[1]!, /^sockcheck: bun not found .*: columns bun, bun-node not run\. Get it with `npm i -D bun`, or pass --bun PATH or --bun VERSION\.$/);
  assert.match(notices[2]!, /^sockcheck: workerd not found in the workerd package installed with sockcheck: column workerd not run\. Get it with `npm i -D workerd`, or pass --workerd PATH\.$/);
  assert.match(r.stdout, /1 columns × 3 cases \(not run: kernel, deno, bun, deno-node, bun-node, workerd\); all as expected/);
  const report = join(project, "report");
  const m = JSON.parse(readFileSync(join(report, "matrix.json"), "utf8")) as Matrix;
  for (const column of m.columns) {
    if (column.id === "node") {
      assert.equal(column.notRun, undefined);
      assert.equal(Object.keys(m.cells.node!).length, 3);
    } else {
      assert.match(column.notRun ?? "", new RegExp(`^${column.runtime} not found`), column.id);
      assert.deepEqual(m.cells[column.id], {});
    }
  }
  assert.match(readFileSync(join(report, "matrix.md"), "utf8"), /\*\*Not run\*\*: kernel: deno not found: the kernel reference column runs on deno/);
  assert.match(readFileSync(join(report, "junit-bun.xml"), "utf8"), /<skipped message="not run: bun not found \(npm i -D bun, --bun PATH or --bun VERSION\)"\/>/);
  assert.match(readFileSync(join(report, "matrix.html"), "utf8"), /<span class="why">not run: bun not found/);
});

test("with only Node there, `run --runtime bun` and `matrix --runtime node,bun` are one line and exit 2", () => {
  const r = inProject("npx", ["--no-install", "sockcheck", "run", "--runtime", "bun"]);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.deepEqual(r.stderr.trim().split("\n"), [
    "sockcheck: bun not found in node_modules/.bin or on the PATH: column bun not run. Get it with `npm i -D bun`, or pass --bun PATH or --bun VERSION.",
  ]);
  const m = inProject("npx", ["--no-install", "sockcheck", "matrix", "--runtime", "node,bun", "--out", "report-named"]);
  assert.equal(m.status, 2, m.stdout + m.stderr);
  assert.match(m.stderr.trim(), /^sockcheck: bun not found in node_modules\/\.bin or on the PATH: column bun not run\. [^\n]*$/);
  assert.equal(existsSync(join(project, "report-named")), false, "nothing ran, nothing was written");
});

test("with deno, bun and workerd installed in the project, the same matrix runs every column", () => {
  const versions = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> })
    .devDependencies;
  const added = inProject("npm", [
    "install",
    "--save-dev",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    `deno@${versions.deno}`,
    `bun@${versions.bun}`,
    `workerd@${versions.workerd}`,
  ]);
  assert.equal(added.status, 0, added.stderr);
  const r = inProject("npx", ["--no-install", "sockcheck", "matrix", "--filter", FILTER, "--out", "report-all"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /not found/);
  const m = JSON.parse(readFileSync(join(project, "report-all", "matrix.json"), "utf8")) as Matrix;
  assert.deepEqual(m.columns.map((c) => [c.id, c.notRun, Object.keys(m.cells[c.id]!).length]), COLUMN_IDS.map((id) => [id, undefined, 3]));
  assert.equal(m.columns.find((c) => c.id === "deno")!.version, versions.deno);
  assert.equal(m.columns.find((c) => c.id === "bun")!.version, versions.bun);
});

test("the JSR package passes deno publish --dry-run", () => {
  const deno = join(root, "node_modules", ".bin", "deno");
  const r = run(deno, ["publish", "--dry-run", "--allow-dirty"]);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stderr + r.stdout, /Dry run complete/);
});
