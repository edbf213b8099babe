/**
 * The command line as a user meets it: bad input gives one line and exit 2;
 * `run` and `matrix` judge cases against expectations; `matrix` writes its
 * five kinds of file; `diff` reports a regression; the HTML page renders in
 * a real headless browser. The cases run are fixtures (test/fixtures/), so
 * no test here rests on what a runtime currently gets wrong.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CATALOG } from "../suites/catalog.ts";

const CLI = fileURLToPath(new URL("../bin/sockcheck.mjs", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

function sockcheck(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("list --json gives every case with its semantic, reference and sides", () => {
  const r = sockcheck("list", "--json");
  assert.equal(r.status, 0);
  const listed = JSON.parse(r.stdout) as { id: string; semantic: string; reference: string; sides: string }[];
  assert.deepEqual(listed.map((c) => c.id), CATALOG.map((e) => e.case.id));
  for (const c of listed) assert.ok(c.semantic && c.reference, `${c.id} lacks semantic or reference`);
  assert.deepEqual(listed.map((c) => c.sides), CATALOG.map((e) => e.case.sides ?? "column"));
  assert.ok(listed.some((c) => c.sides === "column+peer"), "no case runs against the reference peer");
});

const notABinary = join(work, "not-a-runtime");
writeFileSync(notABinary, "#!/bin/sh\nexit 0\n", { mode: 0o755 });
const malformed = join(work, "malformed.json");
writeFileSync(malformed, '{"schema": "something else"}');
const expectationsFile = (name: string, text: string) => {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
};
const notJson = expectationsFile("not-json.json", "{");
const unknownCase = expectationsFile("unknown-case.json", '{"no.such.case": {"verdict": "fail", "reason": "r"}}');
const unknownVerdict = expectationsFile("unknown-verdict.json", '{"tcp.connect.refused": {"verdict": "flaky", "reason": "r"}}');
const pinnedUnsupported = expectationsFile(
  "pinned-unsupported.json",
  '{"udp.recv.truncation": {"verdict": "unsupported", "reason": "r", "observed": "EMSGSIZE"}}',
);
const noCases = expectationsFile("no-cases.mts", "export const cases = 1;\n");

const badInputs: [string, string[], RegExp][] = [
  ["no command", [], /usage/],
  ["an unknown command", ["frobnicate"], /unknown command "frobnicate"/],
  ["an unknown column", ["run", "--runtime", "java"], /unknown column "java"/],
  ["an unknown column in a list", ["matrix", "--runtime", "node,java"], /unknown column "java"/],
  ["a filter that matches nothing", ["run", "--runtime", "node", "--filter", "no.such.*"], /matches no case/],
  ["an unknown option", ["run", "--runtime", "node", "--fast"], /unknown option --fast/],
  ["an option without its value", ["run", "--runtime"], /--runtime needs a value/],
  ["a runtime path that does not exist", ["matrix", "--deno", join(work, "nope")], /--deno .*: no such file/],
  ["a runtime path that is not that runtime", ["matrix", "--bun", notABinary], /--bun .* is not a bun binary/],
  ["an expectations file that is not JSON", ["run", "--runtime", "node", "--expectations", notJson], /not valid JSON/],
  ["an expectations file naming an unknown case", ["run", "--runtime", "node", "--expectations", unknownCase], /no\.such\.case: no case has this id/],
  ["an expectations file with an unknown verdict", ["run", "--runtime", "node", "--expectations", unknownVerdict], /verdict must be one of/],
  ["an expectations file pinning what an unsupported case observes", ["run", "--runtime", "node", "--expectations", pinnedUnsupported], /observed applies only to fail/],
  ["a cases file that exports no cases", ["run", "--runtime", "node", "--cases", noCases], /exports no `cases` array/],
  ["an expectations file that does not exist", ["run", "--runtime", "node", "--expectations", join(work, "none.json")], /cannot read \(ENOENT\)/],
  ["no columns at once", ["matrix", "--jobs", "0"], /--jobs takes a whole number from 1 to 16, not "0"/],
  ["a share of a column at once", ["matrix", "--jobs", "1.5"], /--jobs takes a whole number from 1 to 16, not "1\.5"/],
  ["diff with one file", ["diff", malformed], /diff needs two matrix files/],
  ["diff of an unreadable file", ["diff", join(work, "missing.json"), malformed], /cannot read/],
  ["diff of a malformed matrix", ["diff", malformed, malformed], /malformed\.json/],
];

for (const [what, args, message] of badInputs) {
  test(`${what} gives one clear line and exit 2`, () => {
    const r = sockcheck(...args);
    assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    if (args.length) assert.equal(lines.length, 1, `more than one line: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "a stack trace was printed");
  });
}

const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url));

const CASES = fixture("verdict_cases.ts");
const UNIX_DGRAM = "fixture.unix-datagrams";

test("run exits 1 when an expectation says fail but the case is unsupported: the expectation is stale", () => {
  const stale = expectationsFile("stale.json", `{"${UNIX_DGRAM}": {"verdict": "fail", "reason": "cuts silently"}}`);
  const r = sockcheck("run", "--runtime", "node", "--cases", CASES, "--filter", UNIX_DGRAM, "--expectations", stale);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /unsup\s+fixture\.unix-datagrams ‼ UNEXPECTED/);
  assert.match(r.stdout, /stale expectation: expected fail \(cuts silently\), got unsupported: node:net has no unixDgram/);
});

test("run exits 1 on an unsupported case with no entry, and 0 once an unsupported entry gives the reason", () => {
  const none = expectationsFile("none.json", "{}");
  const unlisted = sockcheck("run", "--runtime", "node", "--cases", CASES, "--filter", UNIX_DGRAM, "--expectations", none);
  assert.equal(unlisted.status, 1, unlisted.stdout + unlisted.stderr);
  assert.match(unlisted.stdout, /add an "unsupported" entry with its reason/);
  const listed = expectationsFile("listed.json", `{"${UNIX_DGRAM}": {"verdict": "unsupported", "reason": "no Unix datagrams"}}`);
  const known = sockcheck("run", "--runtime", "node", "--cases", CASES, "--filter", UNIX_DGRAM, "--expectations", listed);
  assert.equal(known.status, 0, known.stdout + known.stderr);
  assert.match(known.stdout, /unsup\s+fixture\.unix-datagrams \(known\)/);
});

test("run exits 1 when a known failure fails with another errno than the one pinned, and 0 with the right one", () => {
  const run = (pin: string) => {
    const file = expectationsFile(`pin-${pin}.json`, JSON.stringify({ "fixture.refused": { verdict: "fail", reason: "on purpose", observed: pin } }));
    const json = join(work, `pin-${pin}.out.json`);
    return { json, ...sockcheck("run", "--runtime", "node", "--cases", fixture("errno_cases.ts"), "--expectations", file, "--json", json) };
  };
  const wrong = run("EHOSTUNREACH");
  assert.equal(wrong.status, 1, wrong.stdout + wrong.stderr);
  assert.match(wrong.stdout, /known: {4}on purpose \[pinned: EHOSTUNREACH\]/);
  assert.match(wrong.stdout, /fails differently: expected observed to contain EHOSTUNREACH, got ECONNREFUSED on connect/);
  const [reported] = JSON.parse(readFileSync(wrong.json, "utf8")).results;
  assert.deepEqual([reported.verdict, reported.ok, reported.pinned], ["fail", false, "EHOSTUNREACH"]);
  assert.match(reported.judgement, /^fails differently: /);
  const right = run("ECONNREFUSED");
  assert.equal(right.status, 0, right.stdout + right.stderr);
  assert.match(right.stdout, /FAIL\s+fixture\.refused \(known\)/);
});

// A small real matrix: two node:net columns over fixture cases, whose verdicts no runtime's findings decide.
const out = join(work, "report");
let matrixRun: ReturnType<typeof sockcheck>;
before(() => {
  matrixRun = sockcheck("matrix", "--runtime", "node,deno-node", "--cases", CASES, "--out", out);
});

test("matrix writes JSON, Markdown, HTML and JUnit per column, and exits 1 naming each cell not as expected", () => {
  assert.equal(matrixRun.status, 1, matrixRun.stdout + matrixRun.stderr);
  for (const file of ["matrix.json", "matrix.md", "matrix.html", "junit-node.xml", "junit-deno-node.xml"]) {
    assert.ok(existsSync(join(out, file)), `${file} missing`);
  }
  const m = JSON.parse(readFileSync(join(out, "matrix.json"), "utf8"));
  assert.deepEqual(m.columns.map((c: { id: string }) => c.id), ["node", "deno-node"]);
  assert.ok(m.columns.every((c: { version: string }) => /^\d+\.\d+\.\d+/.test(c.version)));
  const verdicts = (column: string) => Object.entries(m.cells[column]).map(([id, c]) => [id, (c as { verdict: string }).verdict]);
  const expected = [["fixture.connects", "pass"], ["fixture.refused", "fail"], [UNIX_DGRAM, "unsupported"]];
  assert.deepEqual(verdicts("node"), expected);
  assert.deepEqual(verdicts("deno-node"), expected);
  assert.match(m.cells.node["fixture.refused"].judgement, /^expected pass, got fail: /);
  assert.match(matrixRun.stdout, /^‼ deno-node fixture\.refused: expected pass, got fail/m);
  assert.match(matrixRun.stdout, /2 columns × 3 cases; 4 not as expected; report in /);
});

test("matrix exits 0 when every cell is as expected", () => {
  const r = sockcheck("matrix", "--runtime", "node", "--cases", CASES, "--filter", "fixture.connects", "--out", join(work, "passing"));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 columns × 1 cases; all as expected/);
});

test("diff reports a cell that went from pass to fail as a regression and exits 1", () => {
  const old = join(out, "matrix.json");
  const m = JSON.parse(readFileSync(old, "utf8"));
  const cell = m.cells.node["fixture.connects"];
  assert.equal(cell.verdict, "pass");
  Object.assign(cell, { verdict: "fail", ok: false, observed: "ECONNRESET" });
  const changed = join(work, "changed.json");
  writeFileSync(changed, JSON.stringify(m));
  const r = sockcheck("diff", old, changed);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /Regressed/);
  assert.match(r.stdout, /node.*fixture\.connects|fixture\.connects.*node/);
  const same = sockcheck("diff", old, old);
  assert.equal(same.status, 0);
  assert.match(same.stdout, /no changes/);
});

/** Where the browser test leaves its screenshot (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

/** Debian's Chromium, or another given by SOCKCHECK_CHROMIUM. */
const chromium = [process.env.SOCKCHECK_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => p && existsSync(p));

test("the HTML page renders every case and column in headless Chromium, and a divergent cell opens its detail in the side panel", {
  skip: chromium || process.env.CI === "true" ? false : "no Chromium here: install the chromium package (.ci/run does) to run this check",
}, async () => {
  assert.ok(chromium, "CI must have Chromium: .ci/run installs it");
  const { chromium: playwright } = await import("playwright-core");
  const browser = await playwright.launch({
    executablePath: chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(out, "matrix.html")).href);
    const m = JSON.parse(readFileSync(join(out, "matrix.json"), "utf8"));
    // The cases where every column passes as expected are folded below the others.
    const unfold = page.locator("#toggle-rest");
    if (await unfold.count()) await unfold.click();
    for (const c of m.catalog) {
      assert.equal(await page.locator(`tr[data-case="${c.id}"]`).count(), 1, `row ${c.id}`);
      assert.ok(await page.locator(`tr[data-case="${c.id}"]`).isVisible(), `row ${c.id} hidden`);
    }
    for (const col of m.columns) {
      assert.equal(await page.locator(`th[data-column="${col.id}"]`).count(), 1, `column ${col.id}`);
    }
    const cell = page.locator('td[data-case="fixture.refused"][data-column="node"]');
    assert.equal(await cell.getAttribute("data-verdict"), "fail");
    const semantic = (m.catalog as { id: string; semantic: string }[]).find((c) => c.id === "fixture.refused")!.semantic;
    const panel = page.locator("#panel");
    assert.equal(await panel.getByText(semantic.slice(0, 30), { exact: false }).isVisible(), false, "detail shown before opening");
    await cell.locator("button").click();
    assert.ok(await panel.getByText(semantic.slice(0, 30), { exact: false }).isVisible(), "the semantic is not shown once opened");
    assert.ok(await panel.getByText("ECONNREFUSED", { exact: false }).first().isVisible(), "the observed error is not shown");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "matrix-node-deno-node.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
