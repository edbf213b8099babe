/**
 * The HTML report as people meet it: the page's text, then the page in a real
 * headless Chromium at 1400 pixels with twenty columns (a synthetic matrix:
 * nothing in it was measured), and the timeline page over twenty releases
 * (synthetic too). Screenshots are kept in `test-artifacts/`.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { syntheticMatrix } from "../test/fixtures/synthetic_matrix.ts";
import { diedAt, SYNTHETIC_ENTRIES, syntheticReleases, syntheticTimeline } from "../test/fixtures/synthetic_timeline.ts";
import { renderTimelineHtml } from "./timeline_html.ts";
import { renderHtml } from "./html.ts";
import { type Matrix, parseMatrix } from "./schema.ts";

const COLUMNS = 20;
const m = syntheticMatrix(COLUMNS);
const html = renderHtml(m);
const ran = m.columns.filter((c) => c.notRun === undefined);
const notRun = m.columns.find((c) => c.notRun !== undefined)!;

/** Cases where some column that ran has no cell, did not pass, or is not as expected: worked out here, not by the page. */
function divergentIds(matrix: Matrix): string[] {
  return matrix.catalog.filter((c) =>
    ran.some((col) => {
      const cell = matrix.cells[col.id]?.[c.id];
      return !cell || cell.verdict !== "pass" || !cell.ok;
    })
  ).map((c) => c.id);
}

test("the HTML page has no emoji: every mark is ASCII on a CSS shape", () => {
  assert.doesNotMatch(html, /\p{Extended_Pictographic}/u);
  const marks = [...html.matchAll(/<button type="button" class="mark"[^>]*>(.*?)<\/button>/g)].map((x) => x[1]!);
  assert.equal(marks.length, ran.length * m.catalog.length);
  for (const mark of marks) assert.match(mark.replace(/<b class="bang">!<\/b>/, "!"), /^!?(P|F|n\/a|S|T|C|\?)$/);
});

test("the HTML page lists divergent cases before the rest, each case once", () => {
  const rows = [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((x) => x[1]!);
  const divergent = divergentIds(m);
  assert.ok(divergent.length > 0 && divergent.length < m.catalog.length, "the fixture has both kinds");
  assert.deepEqual(rows, [...divergent, ...m.catalog.map((c) => c.id).filter((id) => !divergent.includes(id))]);
});

test("a column that did not run is read from the matrix file and shown with its reason instead of cells", () => {
  const parsed = parseMatrix(JSON.stringify(m), "synthetic.json");
  assert.equal(parsed.columns.at(-1)!.notRun, "synthetic runtime not found");
  const page = renderHtml(parsed);
  assert.match(page, new RegExp(`<th scope="col" data-column="${notRun.id}"[^>]* class="notrun"`));
  assert.doesNotMatch(page, new RegExp(`<td data-case="[^"]+" data-column="${notRun.id}"`));
  assert.equal(
    page.match(/<span class="why">not run: synthetic runtime not found<\/span>/g)?.length,
    2,
    "once per section",
  );
  assert.match(
    page,
    new RegExp(`<tr data-column="${notRun.id}" class="notrun">.*not run: synthetic runtime not found`),
  );
});

test("a versioned column id is headed by its name over its version", () => {
  const versioned = m.columns.find((c) => c.id.endsWith(`@${c.version}`))!;
  const header = html.match(new RegExp(`<th scope="col" data-column="${versioned.id}"[^>]*>(.*?)<template>`))![1]!;
  assert.equal(header.replace(/<wbr>/g, ""), `<span class="label">syn</span><small>${versioned.version}</small>`);
});

/** Debian's Chromium, or another given by SOCKCHECK_CHROMIUM. */
const chromium = [process.env.SOCKCHECK_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => p && existsSync(p));
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sockcheck-html-"));
after(() => rmSync(work, { recursive: true, force: true }));
const file = join(work, "matrix.html");
writeFileSync(file, html);
const url = pathToFileURL(file).href;

/**
 * Opens the page (the matrix unless `url` says otherwise) at 1400×900 or
 * `height`; after `body`, asserts it raised no error and fetched nothing but itself.
 */
async function onPage(
  browser: Browser,
  body: (page: Page) => Promise<void>,
  options: { js?: boolean; url?: string; height?: number } = {},
) {
  const target = options.url ?? url;
  const context = await browser.newContext({
    viewport: { width: 1400, height: options.height ?? 900 },
    javaScriptEnabled: options.js ?? true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  page.on("request", (r) => requests.push(r.url()));
  try {
    await page.goto(target);
    await body(page);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [target]);
  } finally {
    await context.close();
  }
}

test("in headless Chromium, the HTML report at 1400 pixels with 20 columns", {
  skip: chromium || process.env.CI === "true"
    ? false
    : "no Chromium here: install the chromium package (.ci/run does) to run this check",
}, async (t) => {
  const browser = await launchChromium();
  try {
    await t.test("the summary counts each column's verdicts and surprises, and names the column that did not run", () =>
      onPage(browser, (page) => checkSummary(page)));
    await t.test("the grid fits the width, its header row stays on top and its case column at the left", () =>
      onPage(browser, (page) => checkLayout(page)));
    await t.test("divergent cases come first; the rest are folded until asked for", () =>
      onPage(browser, (page) => checkSections(page)));
    await t.test("a cell opens its details in the side panel, by mouse and keyboard; Escape closes it", () =>
      onPage(browser, (page) => checkPanel(page)));
    await t.test("every mark is ASCII, has a size and renders glyphs of a font this machine has", () =>
      onPage(browser, (page) => checkMarks(page)));
    await t.test("without JavaScript every case and mark can still be read", () =>
      onPage(browser, (page) => checkWithoutScript(page), { js: false }));
  } finally {
    await browser.close();
  }
});

/** Debian's Chromium through playwright-core, and the screenshots' folder made. */
async function launchChromium(): Promise<Browser> {
  assert.ok(chromium, "CI must have Chromium: .ci/run installs it");
  const { chromium: playwright } = await import("playwright-core");
  mkdirSync(ARTIFACTS, { recursive: true });
  return await playwright.launch({
    executablePath: chromium,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** The counts the summary should show, worked out from the matrix itself. */
function expectedCounts(columnId: string): Record<string, number> {
  const counts: Record<string, number> = {
    pass: 0,
    fail: 0,
    unsupported: 0,
    skipped: 0,
    "timeout-crash": 0,
    missing: 0,
    surprises: 0,
  };
  for (const c of m.catalog) {
    const cell = m.cells[columnId]?.[c.id];
    if (!cell) counts.missing!++;
    else if (cell.verdict === "timeout" || cell.verdict === "crash") counts["timeout-crash"]!++;
    else counts[cell.verdict]!++;
    if (!cell || !cell.ok) counts.surprises!++;
  }
  return counts;
}

async function checkSummary(page: Page): Promise<void> {
  const summary = page.locator("#summary");
  assert.ok(await summary.isVisible());
  const box = (await summary.boundingBox())!;
  const grid = (await page.locator("#grid").boundingBox())!;
  assert.ok(box.y + box.height <= grid.y, "the summary comes before the grid");
  assert.equal(await summary.locator("tbody tr[data-column]").count(), COLUMNS);
  for (const col of ran) {
    const row = summary.locator(`tr[data-column="${col.id}"]`);
    const shown = Object.fromEntries(
      await row.locator("td[data-count]").evaluateAll((tds) =>
        tds.map((td) => [td.getAttribute("data-count"), Number(td.textContent!.replace("!", ""))])
      ),
    );
    assert.deepEqual(shown, expectedCounts(col.id), col.id);
  }
  const surprises = ran.reduce((n, col) => n + expectedCounts(col.id).surprises!, 0);
  assert.ok(surprises > 0);
  assert.match(await summary.locator(".headline").innerText(), new RegExp(`\\b${surprises} surprises`));
  assert.equal(
    await summary.locator(`tr[data-column="${notRun.id}"]`).innerText().then((s) =>
      s.includes(`not run: ${notRun.notRun}`)
    ),
    true,
  );
}

async function checkLayout(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1400, `the page is ${width} pixels wide`);
  const headers = page.locator("#grid thead th[data-column]");
  assert.equal(await headers.count(), COLUMNS);
  for (const h of await headers.all()) {
    const fits = await h.evaluate((th) => th.scrollWidth <= th.clientWidth && th.getBoundingClientRect().width > 30);
    assert.ok(fits, `header ${await h.getAttribute("data-column")} overflows`);
    assert.ok((await h.getAttribute("title"))!.length > 0, "full name on hover");
  }
  await page.locator("#toggle-rest").click();
  await page.screenshot({ path: join(ARTIFACTS, "html-report-20-columns.png"), fullPage: true });

  // Scrolled down: the header row stays at the top, over the rows.
  await page.setViewportSize({ width: 1400, height: 500 });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const head = (await headers.first().boundingBox())!;
  assert.ok(Math.abs(head.y) < 1, `header row at ${head.y} after scrolling down`);
  const firstRow = (await page.locator("#grid tbody tr[data-case]").first().boundingBox())!;
  assert.ok(firstRow.y < head.y + head.height, "rows scrolled under the header row");
  assert.ok(
    await headers.first().evaluate((th) => {
      const r = th.getBoundingClientRect();
      return th.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
    }),
    "the header row is on top",
  );

  // Narrower than the grid and scrolled right: the case column stays at the left, over the cells.
  await page.setViewportSize({ width: 900, height: 900 });
  const caseHeader = page.locator("#grid tbody tr[data-case] th").first();
  await caseHeader.evaluate((th) => window.scrollTo(400, window.scrollY + th.getBoundingClientRect().top - 300));
  assert.ok(await page.evaluate(() => window.scrollX) > 0, "the grid overflows at 900 pixels");
  const box = (await caseHeader.boundingBox())!;
  assert.ok(Math.abs(box.x) < 1, `case column at ${box.x} after scrolling right`);
  assert.ok(
    await caseHeader.evaluate((th) => {
      const r = th.getBoundingClientRect();
      return th.contains(document.elementFromPoint(r.x + 5, r.y + r.height / 2));
    }),
    "the case column is on top",
  );
}

async function checkSections(page: Page): Promise<void> {
  const divergent = divergentIds(m);
  const rest = m.catalog.map((c) => c.id).filter((id) => !divergent.includes(id));
  assert.deepEqual(
    await page.locator("#divergent tr[data-case]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-case"))),
    divergent,
  );
  for (const id of divergent) assert.ok(await page.locator(`tr[data-case="${id}"]`).isVisible(), id);
  for (const id of rest) {
    assert.equal(await page.locator(`tr[data-case="${id}"]`).isVisible(), false, `${id} not folded`);
  }
  const toggle = page.locator("#toggle-rest");
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  await toggle.click();
  for (const id of rest) assert.ok(await page.locator(`tr[data-case="${id}"]`).isVisible(), id);
  // The column that did not run is one greyed cell per section, with its reason.
  const why = page.locator(`#grid td.notrun[data-column="${notRun.id}"]`);
  assert.equal(await why.count(), 2);
  assert.ok(await why.first().isVisible());
  assert.match(await why.first().innerText(), /not run: synthetic runtime not found/);
  assert.equal(await page.locator(`td[data-case][data-column="${notRun.id}"]`).count(), 0);
}

/** A known divergence with a reason and an upstream link, on a column far to the right. */
function knownDivergence(): { caseId: string; columnId: string } {
  for (const col of [...ran].reverse()) {
    for (const c of m.catalog) {
      const cell = m.cells[col.id]?.[c.id];
      if (cell?.issue && cell.detail) return { caseId: c.id, columnId: col.id };
    }
  }
  throw new Error("the fixture has no known divergence");
}

async function checkPanel(page: Page): Promise<void> {
  const { caseId, columnId } = knownDivergence();
  const cell = m.cells[columnId]![caseId]!;
  const c = m.catalog.find((x) => x.id === caseId)!;
  const panel = page.locator("#panel");
  assert.equal(await panel.isVisible(), false);
  const button = page.locator(`td[data-case="${caseId}"][data-column="${columnId}"] > button`);
  await button.click();
  assert.ok(await panel.isVisible(), "the panel did not open");
  assert.equal(await page.locator("#panel-title").innerText(), caseId);
  const text = await panel.innerText();
  for (
    const fact of [
      `${cell.verdict} (expected ${cell.expected})`,
      cell.observed,
      cell.detail!.split("\n")[1]!,
      c.semantic,
      c.reference,
      cell.reason!,
    ]
  ) {
    assert.ok(text.includes(fact), `the panel lacks ${fact}`);
  }
  assert.equal(await panel.locator(`a[href="${cell.issue}"]`).count(), 1, "the upstream link");
  const cellBox = (await button.boundingBox())!;
  const panelBox = (await panel.boundingBox())!;
  assert.ok(cellBox.x + cellBox.width <= panelBox.x, "the opened cell is hidden behind the panel");
  const caseColumn = (await page.locator("#grid tbody tr[data-case] th").first().boundingBox())!;
  assert.ok(
    cellBox.x >= caseColumn.x + caseColumn.width,
    `the cell (${cellBox.x}) is under the case column (${caseColumn.x}+${caseColumn.width})`,
  );
  await page.screenshot({ path: join(ARTIFACTS, "html-report-panel.png") });
  assert.equal(await page.evaluate(() => document.activeElement?.id), "panel-close");
  await page.keyboard.press("Escape");
  assert.equal(await panel.isVisible(), false, "Escape did not close the panel");
  assert.ok(await button.evaluate((b) => b === document.activeElement), "focus did not return to the cell");

  // Keyboard only: an arrow moves to the next column's cell, Enter opens it.
  await page.keyboard.press("ArrowLeft");
  const left = page.locator(`tr[data-case="${caseId}"] td:focus-within`);
  const leftColumn = (await left.getAttribute("data-column"))!;
  assert.notEqual(leftColumn, columnId);
  await page.keyboard.press("Enter");
  assert.ok(await panel.isVisible());
  const name = await page.locator(`#grid thead th[data-column="${leftColumn}"]`).getAttribute("data-name");
  assert.ok((await panel.innerText()).includes(`on ${name}`), "the panel shows another column");
  await page.keyboard.press("Escape");
  assert.equal(await panel.isVisible(), false);
}

async function checkMarks(page: Page): Promise<void> {
  await page.locator("#toggle-rest").click();
  const marks = await page.locator("#grid td > .mark, .legend .mark").evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const style = getComputedStyle(e);
      return {
        text: e.textContent ?? "",
        width: r.width,
        height: r.height,
        font: `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`,
        surprise: e.parentElement!.classList.contains("unexpected"),
        shape: style.backgroundImage !== "none" || style.backgroundColor !== "rgba(0, 0, 0, 0)" ||
          style.boxShadow !== "none",
      };
    })
  );
  assert.ok(marks.length >= ran.length * m.catalog.length);
  for (const mark of marks) {
    assert.ok(mark.width > 10 && mark.height > 10, `a mark of ${mark.width}×${mark.height}`);
    assert.ok(mark.shape, `mark ${mark.text} has no shape or colour`);
    if (mark.text === "") continue; // the legend's "column not run" is a hatched swatch
    assert.match(mark.text, /^[\x21-\x7e]+$/, `mark ${JSON.stringify(mark.text)} is not ASCII`);
    assert.equal(mark.text.startsWith("!"), mark.surprise, `a surprise not marked in text: ${mark.text}`);
  }
  const fonts = [...new Set(marks.map((x) => x.font))];
  const texts = [...new Set(marks.map((x) => x.text).filter(Boolean))];
  const tofu = await page.evaluate(`${INK_COMPARE}(${JSON.stringify({ fonts, texts })})`) as {
    sane: boolean;
    blank: string[];
    missing: string[];
  };
  assert.ok(tofu.sane, "the tofu check cannot tell a missing glyph");
  assert.deepEqual(tofu.blank, [], "marks that render no ink");
  assert.deepEqual(tofu.missing, [], "marks that render as missing-glyph boxes");
}

/**
 * Run in the page: draws each text in each font on a canvas beside a run of
 * unassigned code points (which every font draws as its missing-glyph box),
 * and reports texts that draw nothing or draw exactly like those boxes.
 * `sane` says the comparison works: two different unassigned code points draw
 * alike. Source text, not a function: the test's transpiler would add helpers
 * the page does not have.
 */
const INK_COMPARE = `(({ fonts, texts }) => {
  const canvas = document.createElement("canvas");
  canvas.width = 200;
  canvas.height = 60;
  const ctx = canvas.getContext("2d");
  const draw = (text, font) => {
    ctx.clearRect(0, 0, 200, 60);
    ctx.font = font;
    ctx.fillStyle = "#000";
    ctx.fillText(text, 5, 40);
    return ctx.getImageData(0, 0, 200, 60).data;
  };
  const same = (a, b) => a.every((v, i) => v === b[i]);
  const blank = [];
  const missing = [];
  let sane = true;
  for (const font of fonts) {
    sane &&= same(draw("\\u0378", font), draw("\\u0379", font)) && draw("\\u0378", font).some((v) => v !== 0);
    for (const text of texts) {
      const ink = draw(text, font);
      if (!ink.some((v) => v !== 0)) blank.push(text + " in " + font);
      if (same(ink, draw("\\u0378".repeat([...text].length), font))) missing.push(text + " in " + font);
    }
  }
  return { sane, blank, missing };
})`;

async function checkWithoutScript(page: Page): Promise<void> {
  for (const c of m.catalog) assert.ok(await page.locator(`tr[data-case="${c.id}"]`).isVisible(), `row ${c.id} hidden`);
  const buttons = page.locator("#grid td > button.mark");
  assert.equal(await buttons.count(), ran.length * m.catalog.length);
  const texts = await buttons.evaluateAll((bs) =>
    bs.map((b) => [(b as HTMLElement).innerText, b.getAttribute("title") ?? ""])
  );
  for (const [text, title] of texts) {
    assert.ok(text!.length > 0, "a mark with no text");
    assert.ok(title!.includes(" on "), "a cell without its tooltip");
  }
  assert.equal(await page.locator(".controls").isVisible(), false, "controls that need the script are shown");
  await page.screenshot({ path: join(ARTIFACTS, "html-report-no-script.png"), fullPage: true });
}

const RELEASES = 20;
const timeline = syntheticTimeline(RELEASES);
const timelineFile = join(work, "timeline.html");
writeFileSync(timelineFile, renderTimelineHtml(timeline));
const timelineUrl = pathToFileURL(timelineFile).href;

test("in headless Chromium, the timeline report at 1400 pixels with 20 releases", {
  skip: chromium || process.env.CI === "true"
    ? false
    : "no Chromium here: install the chromium package (.ci/run does) to run this check",
}, async (t) => {
  const browser = await launchChromium();
  try {
    // One page for the three checks, in this order: the last opens the side panel.
    await onPage(browser, async (page) => {
      await t.test("the summary has a row per release, oldest first, and names the release that ended badly", () =>
        checkTimelineSummary(page));
      await t.test("the releases fit the width as columns, the cases that changed first under the release of their change", () =>
        checkTimelineGrid(page));
      await t.test("a cell where the verdict changed says so in the side panel, beside the summary, the grid and every mark", () =>
        checkTimelinePanel(page));
    }, { url: timelineUrl, height: 1500 });
  } finally {
    await browser.close();
  }
});

async function checkTimelineSummary(page: Page): Promise<void> {
  const rows = page.locator("#summary tbody tr[data-column]");
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-column"))), syntheticReleases(RELEASES));
  const died = syntheticReleases(RELEASES)[diedAt(RELEASES)]!;
  assert.match(await page.locator(`#summary tr[data-column="${died}"]`).innerText(), /killed by SIGKILL/);
  assert.match(await page.locator("header").innerText(), /4 of 8 cases change verdict/);
}

async function checkTimelineGrid(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1400, `the page is ${width} pixels wide`);
  const headers = page.locator("#grid thead th[data-column]");
  assert.deepEqual(await headers.evaluateAll((hs) => hs.map((h) => h.getAttribute("data-column"))), syntheticReleases(RELEASES));
  for (const h of await headers.all()) {
    assert.ok(await h.evaluate((th) => th.scrollWidth <= th.clientWidth), `header ${await h.getAttribute("data-column")} overflows`);
  }
  assert.match(await page.locator('#grid thead th[data-column="1.5.0"]').innerText(), /1 changed/);
  const changed = SYNTHETIC_ENTRIES.map((e) => e.case.id).filter((id) => timeline.cases[id]!.changes.length);
  const rows = await page.locator("#divergent tr[data-case]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-case")));
  assert.deepEqual(new Set(rows.slice(0, changed.length)), new Set(changed), "the cases that changed come first");
  const bands = await page.locator("#divergent tr.group").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-group")));
  assert.deepEqual(bands.slice(0, 4), ["first changed at 1.2.0", "first changed at 1.3.0", "first changed at 1.5.0", "first changed at 1.18.0"]);
}

async function checkTimelinePanel(page: Page): Promise<void> {
  const caseId = SYNTHETIC_ENTRIES[0]!.case.id; // fails until 1.5.0, passes from there
  const button = page.locator(`td[data-case="${caseId}"][data-column="1.5.0"] > button`);
  await button.click();
  const panel = page.locator("#panel");
  assert.ok(await panel.isVisible(), "the panel did not open");
  const text = await panel.innerText();
  assert.ok(text.includes("fail before 1.5.0, pass from here"), text);
  assert.ok(text.includes("fail → pass at 1.5.0"), "the case's changes");
  assert.ok(text.includes("bun 1.5.0"), "the release");
  const panelBox = (await panel.boundingBox())!;
  assert.ok((await button.boundingBox())!.x + 20 < panelBox.x, "the opened cell is behind the panel");
  // One mark of every verdict in view, with the panel open: the surprise flag and the missing cell too.
  const verdicts = ["pass", "fail", "unsupported", "skipped", "timeout", "crash", "missing"];
  const seen = await page.locator("#grid td[data-verdict] > button.mark").evaluateAll((marks) =>
    marks.filter((m) => {
      const r = m.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return r.bottom <= window.innerHeight && r.right <= window.innerWidth && hit !== null && m.contains(hit);
    }).map((m) => `${m.parentElement!.getAttribute("data-verdict")}${m.textContent!.startsWith("!") ? "!" : ""}`)
  );
  for (const v of verdicts) assert.ok(seen.some((s) => s.startsWith(v)), `no ${v} mark in view`);
  assert.ok(seen.some((s) => s.endsWith("!")), "no surprise in view");
  assert.ok(await page.locator("#summary").isVisible());
  assert.ok((await page.locator("#summary").boundingBox())!.y >= 0, "the summary is in view");
  await page.screenshot({ path: join(ARTIFACTS, "timeline-20-releases-panel.png") });
}
