/**
 * The timeline built from a column's runs on several releases (synthetic
 * runs: nothing here was measured), and its Markdown and HTML views.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SYNTHETIC_ENTRIES, syntheticReleases, syntheticTimeline } from "../test/fixtures/synthetic_timeline.ts";
import { casesInOrder, TIMELINE_SCHEMA } from "./timeline.ts";
import { renderTimelineHtml, timelineGridPage } from "./timeline_html.ts";
import { renderTimelineMarkdown } from "./timeline_markdown.ts";

const N = 20;
const t = syntheticTimeline(N);
const id = (n: number) => SYNTHETIC_ENTRIES[n - 1]!.case.id;

test("the timeline holds every release oldest first, and each case's cell on each", () => {
  assert.equal(t.schema, TIMELINE_SCHEMA);
  assert.deepEqual(t.column, { id: "bun-node", runtime: "bun", api: "node:net/node:dgram" });
  assert.deepEqual(t.versions.map((v) => v.version), syntheticReleases(N));
  assert.deepEqual(t.catalog.map((c) => c.id), SYNTHETIC_ENTRIES.map((e) => e.case.id));
  assert.equal(t.cases[id(1)]!.cells["1.4.0"]!.verdict, "fail");
  assert.equal(t.cases[id(1)]!.cells["1.5.0"]!.verdict, "pass");
  assert.equal(t.cases[id(8)]!.cells["1.10.0"], undefined, "the release that died has no cell for its last case");
  assert.deepEqual(t.versions[10], {
    version: "1.10.0",
    ms: 110,
    exit: { code: null, signal: "SIGKILL" },
    error: "synthetic: killed at its time budget",
  });
  assert.deepEqual(JSON.parse(JSON.stringify(t)), t);
});

test("each change of verdict is recorded at the release where it happened; a missing cell is no change", () => {
  assert.deepEqual(t.cases[id(1)]!.changes, [{ version: "1.5.0", from: "fail", to: "pass" }]);
  assert.deepEqual(t.cases[id(2)]!.changes, [
    { version: "1.2.0", from: "crash", to: "fail" },
    { version: "1.17.0", from: "fail", to: "pass" },
  ]);
  assert.deepEqual(t.cases[id(3)]!.changes, [{ version: "1.18.0", from: "pass", to: "fail" }]);
  assert.deepEqual(t.cases[id(6)]!.changes.map((c) => c.version), ["1.3.0", "1.4.0"]);
  for (const n of [4, 5, 7, 8]) assert.deepEqual(t.cases[id(n)]!.changes, [], id(n));
});

test("cases that change come first, by the release of their first change", () => {
  assert.deepEqual(casesInOrder(t).map((c) => c.id), [2, 6, 1, 3, 4, 5, 7, 8].map(id));
});

test("Markdown: releases as columns, the first change per case, what each change was, and the release that died", () => {
  const md = renderTimelineMarkdown(t);
  assert.match(md, new RegExp(`^\\| Case \\| First change \\| ${syntheticReleases(N).join(" \\| ").replaceAll(".", "\\.")} \\|$`, "m"));
  assert.match(md, /\*\*4 cases change verdict\*\* across these releases; 4 cases keep theirs\./);
  const rows = [...md.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(rows, casesInOrder(t).map((c) => c.id));
  assert.match(md, new RegExp(`^\\| \`${id(1)}\` \\| 1\\.5\\.0: fail → pass \\| (FAIL \\| ){5}(ok \\| ){14}ok \\|$`, "m"));
  assert.match(md, /^\| \*\*unchanged\*\* \|/m);
  assert.match(md, new RegExp(`^\\| \`${id(8)}\` \\| — \\| (ok \\| ){10}— \\| (ok \\| ){8}ok \\|$`, "m"));
  assert.match(md, new RegExp(`^- \`${id(2)}\` Synthetic case 2: crash at 1\\.1\\.0 \\(synthetic observation on release 1 \\(SYNTHERR\\)\\) → fail at 1\\.2\\.0 .*; fail at 1\\.16\\.0 .* → pass at 1\\.17\\.0$`, "m"));
  assert.match(md, /^- 1\.10\.0: killed by SIGKILL: synthetic: killed at its time budget$/m);
});

test("HTML: the matrix's grid with a column per release, a count of changes in its header, and the change in the cell", () => {
  const page = timelineGridPage(t);
  assert.deepEqual(page.columns.map((c) => c.label), syntheticReleases(N));
  assert.equal(page.columns.find((c) => c.id === "1.5.0")!.sub, "1 changed");
  assert.equal(page.columns.find((c) => c.id === "1.6.0")!.sub, "");
  assert.match(page.columns[10]!.trouble!, /killed by SIGKILL/);
  assert.equal(page.rows.find((r) => r.id === id(1))!.group, "first changed at 1.5.0");
  assert.equal(page.rows.find((r) => r.id === id(4))!.group, "synthetic_alpha");
  const changed = page.cellAt(id(1), "1.5.0")!;
  assert.match(changed.hint, /\(was fail before 1\.5\.0\)$/);
  assert.deepEqual(changed.facts[0], { label: "changed", text: "fail before 1.5.0, pass from here" });
  assert.equal(page.cellAt(id(1), "1.6.0")!.facts[0]!.label, "verdict");
  const html = renderTimelineHtml(t);
  const headers = [...html.matchAll(/<th scope="col" data-column="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(headers, syntheticReleases(N));
  const rows = [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(rows.slice(0, 4), [2, 6, 1, 3].map(id), "the cases that change come first");
  assert.match(html, /<p class="meta">4 of 8 cases change verdict: synthetic\.alpha\.case-2 \(crash → fail at 1\.2\.0\)/);
});
