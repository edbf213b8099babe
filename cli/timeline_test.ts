/**
 * `timeline` and `bisect` as a user meets them, on a cache of wrapper
 * "releases" of this Node (test/fixtures/release_cache.ts) whose verdict on
 * a fixture case the test decides: the timeline file's schema and views,
 * the boundary bisect names, and one line with exit 2 for every bad input
 * (run in this process, to spare a start-up per input). Nothing here
 * reaches the package registry.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../cli.ts";
import { releaseCache } from "../test/fixtures/release_cache.ts";
import { timelineReleases } from "./releases.ts";

const skip = process.platform === "win32" && "POSIX shell wrappers";
const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const CASES = fileURLToPath(new URL("../test/fixtures/release_cases.ts", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-timeline-"));
after(() => rmSync(work, { recursive: true, force: true }));

const PUBLISHED = ["20.0.0", "20.1.0", "20.1.1", "20.2.0", "20.3.0", "20.3.1", "20.4.0", "20.5.0"];
/** Broken before 20.3.1: the fixture case fails there. */
const brokenBefore = (first: string) => (v: string) => PUBLISHED.indexOf(v) < PUBLISHED.indexOf(first);
const cache = releaseCache(join(work, "releases"), {
  published: PUBLISHED,
  broken: brokenBefore("20.3.1"),
});

function sockcheck(args: string[], env = cache.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("timeline writes timeline.json, .md and .html with every release, oldest first, and where each case changed", { skip }, () => {
  const out = join(work, "timeline");
  const r = sockcheck(["timeline", "--runtime", "node", "--versions", "20.5.0,20.1.1", "--cases", CASES, "--out", out]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const t = JSON.parse(readFileSync(join(out, "timeline.json"), "utf8"));
  assert.equal(t.schema, "sockcheck-timeline/1");
  assert.deepEqual(t.column, { id: "node", runtime: "node", api: "node:net/node:dgram" });
  assert.deepEqual(t.versions.map((v: { version: string }) => v.version), ["20.1.1", "20.5.0"]);
  assert.deepEqual(t.catalog.map((c: { id: string }) => c.id), ["fixture.release-gate", "fixture.steady"]);
  const gate = t.cases["fixture.release-gate"];
  assert.deepEqual([gate.cells["20.1.1"].verdict, gate.cells["20.5.0"].verdict], ["fail", "pass"]);
  assert.match(gate.cells["20.1.1"].observed + gate.cells["20.1.1"].detail, /marked broken/);
  assert.deepEqual(gate.changes, [{ version: "20.5.0", from: "fail", to: "pass" }]);
  assert.deepEqual(t.cases["fixture.steady"].changes, []);
  assert.match(r.stdout, /^fixture\.release-gate\s+fail at 20\.1\.1, pass from 20\.5\.0$/m);
  assert.match(r.stdout, /1 of 2 cases change verdict; report in /);

  const md = readFileSync(join(out, "timeline.md"), "utf8");
  assert.match(md, /^\| Case \| First change \| 20\.1\.1 \| 20\.5\.0 \|$/m);
  assert.match(md, /^\| `fixture\.release-gate` \| 20\.5\.0: fail → pass \| FAIL \| ok \|$/m);
  const html = readFileSync(join(out, "timeline.html"), "utf8");
  const headers = [...html.matchAll(/<th scope="col" data-column="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(headers, ["20.1.1", "20.5.0"]);
  const rows = [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(rows, ["fixture.release-gate", "fixture.steady"], "the case that changed comes first");
});

test("bisect names the two adjacent releases where the verdict changes, with every release it tried", { skip }, () => {
  const r = sockcheck(["bisect", "--runtime", "node", "--case", "fixture.release-gate", "--good", "20.5.0", "--bad", "20.0.0", "--cases", CASES]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^fixture\.release-gate on node: 8 published node releases from 20\.0\.0 to 20\.5\.0; good 20\.5\.0, bad 20\.0\.0$/m);
  assert.match(r.stdout, /changes between node 20\.3\.0 and 20\.3\.1, adjacent releases:\n {2}20\.3\.0 +fail: .*marked broken.*\n {2}20\.3\.1 +pass\n/);
  const tried = [...r.stdout.matchAll(/^ {2}tried (\S+) +(\w+)/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(tried.slice(0, 2), [["20.5.0", "pass"], ["20.0.0", "fail"]]);
  for (const [version, verdict] of tried) assert.equal(verdict, brokenBefore("20.3.1")(version!) ? "fail" : "pass", version);
  assert.ok(tried.length <= 2 + Math.ceil(Math.log2(PUBLISHED.length)), `${tried.length} releases tried`);
  assert.equal(new Set(tried.map(([v]) => v)).size, tried.length, "a release tried twice");
  assert.match(r.stdout, new RegExp(`^${tried.length} of 8 releases tried in \\d+ s$`, "m"));
});

const unreachable = releaseCache(join(work, "offline"), { published: ["20.0.0"], broken: () => false, npmError: "ECONNREFUSED" });
const damaged = releaseCache(join(work, "damaged"), { published: ["20.0.0"], broken: () => false, reports: { "20.0.0": "20.0.1" } });
const badInputs: [string, string[], RegExp, typeof cache.env?][] = [
  ["timeline without releases", ["timeline", "--runtime", "node"], /timeline needs --versions A,B,\.\.\. or --since X/],
  ["timeline with both --versions and --since", ["timeline", "--runtime", "node", "--versions", "20.0.0", "--since", "20.1"], /not both/],
  ["timeline of a release number that is not one", ["timeline", "--runtime", "node", "--versions", "20.1"], /--versions 20\.1: give a release number like 1\.2\.0/],
  ["timeline of a release that is not published", ["timeline", "--runtime", "node", "--versions", "20.9.9"], /node 20\.9\.9 is not published for /],
  ["timeline of a damaged cache entry", ["timeline", "--runtime", "node", "--versions", "20.0.0"], /^sockcheck: the cached node 20\.0\.0 is broken \(its binary reports 20\.0\.1\): remove .* to reinstall it$/m, damaged.env],
  ["timeline with a registry out of reach", ["timeline", "--runtime", "node", "--since", "20.0"], /npm could not reach the package registry \(ECONNREFUSED\)/, unreachable.env],
  ["timeline of an unknown column", ["timeline", "--runtime", "java", "--versions", "1.0.0"], /unknown column "java"/],
  ["bisect without --good", ["bisect", "--runtime", "node", "--case", "fixture.steady", "--bad", "20.0.0"], /bisect needs --good/],
  ["bisect of an unknown case", ["bisect", "--runtime", "node", "--case", "no.such", "--good", "20.5.0", "--bad", "20.0.0"], /no case has the id "no\.such"/],
  ["bisect from a release that is not published", ["bisect", "--runtime", "node", "--case", "tcp.connect.refused", "--good", "20.9.9", "--bad", "20.0.0"], /node 20\.9\.9 is not a published release \(newest: 20\.5\.0\)/],
  ["bisect of one release", ["bisect", "--runtime", "node", "--case", "tcp.connect.refused", "--good", "20.0.0", "--bad", "v20.0.0"], /--good and --bad are both 20\.0\.0/],
];

/**
 * Runs the command line in this process (no start-up cost per call) with
 * `env` as the environment, and what it wrote to stderr. Bad input writes
 * nothing to stdout, which stays the test runner's own.
 */
async function inProcess(args: string[], env: typeof cache.env) {
  const saved = { ...process.env };
  let stderr = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (stderr += String(chunk), true)) as typeof write;
  Object.assign(process.env, env);
  try {
    return { status: await main(args), stderr };
  } finally {
    process.stderr.write = write;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

for (const [what, args, message, env] of badInputs) {
  test(`${what} gives one clear line and exit 2`, { skip }, async () => {
    const r = await inProcess(args, env ?? cache.env);
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, `not one line: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test("timeline --since takes the newest patch of each minor line from there, and --last the newest of those", { skip }, async () => {
  const env = { ...process.env };
  Object.assign(process.env, cache.env);
  try {
    assert.deepEqual(await timelineReleases("node", { since: "20.1", last: "3" }), ["20.3.1", "20.4.0", "20.5.0"]);
    assert.deepEqual(await timelineReleases("node", { since: "20.2.1" }), ["20.3.1", "20.4.0", "20.5.0"]);
    assert.deepEqual(await timelineReleases("node", { versions: "20.4.0, v20.0.0,20.4.0" }), ["20.0.0", "20.4.0"]);
    assert.deepEqual(await timelineReleases("node", { last: "1" }), ["20.5.0"]);
  } finally {
    Object.assign(process.env, env);
  }
});
