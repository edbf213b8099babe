import { test } from "node:test";
import assert from "node:assert/strict";
import {
  diffMatrices,
  type Matrix,
  type MatrixCase,
  type MatrixCell,
  MatrixError,
  parseMatrix,
  renderDiff,
  renderHtml,
  renderJunit,
  renderMarkdown,
} from "./mod.ts";

const ISSUE = "https://github.com/denoland/deno/issues/12345";
const EVIL = `<script>alert("x")</script> | pipe & more\nsecond line, long enough to be clipped`;

const pass = (ms = 3): MatrixCell => ({ verdict: "pass", expected: "pass", ok: true, observed: "", ms });

/**
 * Three columns (the kernel reference listed second, so the renderers must move it first),
 * six cases in two topics, every verdict, known and unexpected divergences,
 * one missing cell and text that needs escaping.
 */
function fixture(): Matrix {
  return {
    schema: "sockcheck-matrix/1",
    generated: "2025-06-01T12:00:00.000Z",
    host: { os: "linux", release: "6.8.0-test", arch: "x64" },
    columns: [
      { id: "deno", runtime: "deno", version: "2.9.6", api: "Deno.connect" },
      { id: "kernel", runtime: "deno", version: "2.9.6", api: "libc", reference: true },
      {
        id: "bun",
        runtime: "bun",
        version: "1.4.5",
        api: "Bun.connect",
        exit: { code: 1, signal: null },
        error: "died",
      },
    ],
    catalog: fixtureCatalog(),
    cells: { kernel: kernelCells(), deno: denoCells(), bun: bunCells() },
  };
}

/** The fixture's six cases, in two topics. */
function fixtureCatalog(): MatrixCase[] {
  return [
    {
      id: "tcp.connect.refused",
      title: "Connect to a closed port",
      semantic: "RST: ECONNREFUSED.",
      reference: "UNP 4.3",
      topic: "tcp_connect",
      level: "kernel",
    },
    {
      id: "tcp.connect.timeout",
      title: "Connect to a full queue",
      semantic: "SYNs dropped: ETIMEDOUT.",
      reference: "RFC 9293 3.8.1",
      topic: "tcp_connect",
      level: "kernel",
    },
    {
      id: "tcp.connect.unreachable",
      title: "Connect to an unreachable route",
      semantic: "EHOSTUNREACH at once.",
      reference: "connect(2)",
      topic: "tcp_connect",
      level: "kernel",
    },
    {
      id: "udp.send.unreachable",
      title: `Send ${EVIL}`,
      semantic: `semantic ${EVIL}`,
      reference: "sendto(2)",
      topic: "udp",
      level: "kernel",
    },
    {
      id: "udp.connect.refused",
      title: "Connected UDP gets ICMP errors",
      semantic: "ECONNREFUSED on the next call.",
      reference: "UNP 8.11",
      topic: "udp",
      level: "kernel",
    },
    {
      id: "udp.recv.truncate",
      title: "A short buffer truncates",
      semantic: "MSG_TRUNC.",
      reference: "recvmsg(2)",
      topic: "udp",
      level: "runtime",
    },
  ];
}

/** The kernel reference: every case passes but one the machine skips. */
function kernelCells(): Record<string, MatrixCell> {
  return {
    "tcp.connect.refused": pass(),
    "tcp.connect.timeout": pass(3050),
    "tcp.connect.unreachable": pass(),
    "udp.send.unreachable": pass(),
    "udp.connect.refused": {
      verdict: "skipped",
      expected: "pass",
      ok: true,
      observed: "",
      detail: "no lab: run as root",
      ms: 0,
    },
    "udp.recv.truncate": pass(),
  };
}

/** Deno: a known failure, surprises, text that needs escaping, an unsupported case. */
function denoCells(): Record<string, MatrixCell> {
  return {
    "tcp.connect.refused": {
      verdict: "fail",
      expected: "fail",
      ok: true,
      observed: "EPIPE on connect (Error)",
      detail: "expected ECONNREFUSED",
      ms: 12,
      reason: "reports a broken pipe",
      issue: ISSUE,
    },
    "tcp.connect.timeout": {
      verdict: "timeout",
      expected: "pass",
      ok: false,
      observed: "still pending",
      detail: "no settle in 5000 ms",
      ms: 5000,
    },
    "tcp.connect.unreachable": pass(),
    "udp.send.unreachable": {
      verdict: "fail",
      expected: "pass",
      ok: false,
      observed: EVIL,
      detail: `detail ${EVIL}`,
      ms: 4,
    },
    "udp.connect.refused": {
      verdict: "unsupported",
      expected: "pass",
      ok: true,
      observed: "",
      detail: "Deno.connect has no udpConnect",
      ms: 0,
    },
    "udp.recv.truncate": pass(),
  };
}

/** Bun: a crash, a surprise failure, and the last cell missing. */
function bunCells(): Record<string, MatrixCell> {
  return {
    "tcp.connect.refused": pass(),
    "tcp.connect.timeout": {
      verdict: "crash",
      expected: "pass",
      ok: false,
      observed: "process died",
      detail: "SIGSEGV",
      ms: 80,
    },
    "tcp.connect.unreachable": {
      verdict: "fail",
      expected: "pass",
      ok: false,
      observed: "UNKNOWN on connect",
      ms: 2,
    },
    "udp.send.unreachable": pass(),
    "udp.connect.refused": pass(),
    // udp.recv.truncate is missing: the column died before it.
  };
}

const CASE_IDS = fixture().catalog.map((c) => c.id);
const COLUMN_IDS = ["kernel", "deno", "bun"];

/** Splits a Markdown table row on its unescaped pipes. */
function tableCells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((s) => s.trim());
}

test("parseMatrix accepts a valid matrix and returns the same data", () => {
  const m = fixture();
  assert.deepEqual(parseMatrix(JSON.stringify(m), "matrix.json"), m);
});

test("parseMatrix rejects malformed input with a one-line message naming the problem", () => {
  const valid = fixture();
  // deno-lint-ignore no-explicit-any
  const broken: [string, (m: any) => unknown, RegExp][] = [
    ["not JSON", () => "{", /not valid JSON/],
    ["an array", () => [], /the file must be an object/],
    ["a wrong schema tag", (m) => (m.schema = "sockcheck-matrix/0", m), /schema must be "sockcheck-matrix\/1"/],
    ["a bad date", (m) => (m.generated = "yesterday", m), /generated must be an ISO-8601/],
    ["a missing host field", (m) => (delete m.host.release, m), /host\.release is missing/],
    [
      "a mistyped column version",
      (m) => (m.columns[0].version = 2, m),
      /columns\[0\]\.version must be a string \(got 2\)/,
    ],
    ["a duplicate column", (m) => (m.columns.push({ ...m.columns[0] }), m), /column id "deno" twice/],
    ["a bad level", (m) => (m.catalog[0].level = "user", m), /catalog\[0\]\.level must be "kernel" or "runtime"/],
    ["bad sides", (m) => (m.catalog[0].sides = "peer", m), /catalog\[0\]\.sides must be "column" or "column\+peer"/],
    [
      "an unknown verdict",
      (m) => (m.cells.deno["tcp.connect.refused"].verdict = "flaky", m),
      /cells\.deno\.tcp\.connect\.refused\.verdict must be one of/,
    ],
    [
      "a cell for an unknown case",
      (m) => (m.cells.deno["no.such.case"] = pass(), m),
      /cells\.deno\.no\.such\.case names no case/,
    ],
    ["cells for an unknown column", (m) => (m.cells.node = {}, m), /cells\.node names no column/],
    ["a non-boolean ok", (m) => (m.cells.kernel["tcp.connect.refused"].ok = "yes", m), /\.ok must be a boolean/],
    [
      "an issue that is not a URL",
      (m) => (m.cells.deno["tcp.connect.refused"].issue = "javascript:alert(1)", m),
      /\.issue must be an http\(s\) URL/,
    ],
  ];
  for (const [what, mutate, pattern] of broken) {
    const input = mutate(structuredClone(valid));
    const text = typeof input === "string" ? input : JSON.stringify(input);
    assert.throws(() => parseMatrix(text, "old.json"), (e: unknown) => {
      assert.ok(e instanceof MatrixError, what);
      assert.match(e.message, /^old\.json: /, what);
      assert.match(e.message, pattern, what);
      assert.doesNotMatch(e.message, /\n/, what);
      return true;
    });
  }
});

test("the Markdown table has every case and column, kernel first", () => {
  const md = renderMarkdown(fixture());
  for (const id of CASE_IDS) assert.ok(md.includes(`\`${id}\``), id);
  const header = md.split("\n").find((l) => l.startsWith("| Case"))!;
  assert.deepEqual(tableCells(header).slice(1).map((c) => c.split(" ")[0]), COLUMN_IDS);
  assert.match(md, /\*\*tcp\\_connect\*\*/);
  assert.match(md, /\*\*udp\*\*/);
  assert.match(md, /Host: linux 6\.8\.0-test \(x64\)/);
  assert.match(md, /bun: bun 1\.4\.5 \(Bun\.connect\)/);
});

test("every Markdown table row has as many cells as the header, whatever the text holds", () => {
  const rows = renderMarkdown(fixture()).split("\n").filter((l) => l.startsWith("|"));
  assert.equal(rows.length, 2 + 2 + CASE_IDS.length + 2);
  for (const row of rows) assert.equal(tableCells(row).length, COLUMN_IDS.length + 1, row);
  const md = rows.join("\n");
  assert.ok(!md.includes("<script>"), "raw <script> in Markdown");
  assert.ok(md.includes("\\<script\\>"));
});

test("Markdown summary rows count passed, diverging, unsupported, skipped and unexpected per column", () => {
  const lines = renderMarkdown(fixture()).split("\n");
  const summary = tableCells(lines.find((l) => l.startsWith("| **Summary**"))!).slice(1);
  assert.deepEqual(summary, ["5 / 0 / 0 / 1", "2 / 3 / 1 / 0", "3 / 2 / 0 / 0 (1 missing)"]);
  const unexpected = tableCells(lines.find((l) => l.startsWith("| **Unexpected**"))!).slice(1);
  assert.deepEqual(unexpected, ["0", "**‼ 2**", "**‼ 3**"]);
  assert.match(lines.join("\n"), /\*\*‼ 5 unexpected results\*\*/);
});

test("Markdown cells mark unexpected and known divergences and show what was observed, clipped", () => {
  const md = renderMarkdown(fixture());
  const row = (id: string) => tableCells(md.split("\n").find((l) => l.includes(`\`${id}\``))!).slice(1);
  const [kernel, deno, bun] = row("tcp.connect.refused");
  assert.equal(kernel, "✅ pass");
  assert.equal(deno, "❌ fail *(known)*: EPIPE on connect (Error)");
  assert.equal(bun, "✅ pass");
  assert.equal(row("tcp.connect.timeout")[1], "**‼ ⏱ timeout** (expected pass): still pending");
  assert.match(row("tcp.connect.timeout")[2]!, /^\*\*‼ 💥 crash\*\*/);
  assert.match(row("udp.connect.refused")[0]!, /^⏭ skipped: no lab/);
  assert.match(row("udp.connect.refused")[1]!, /^⚪ unsupported/);
  assert.equal(row("udp.recv.truncate")[2], "**‼ —**");
  const evil = row("udp.send.unreachable")[1]!;
  assert.match(evil, /^\*\*‼ ❌ fail\*\* \(expected pass\): /);
  const observed = evil.slice(evil.indexOf("): ") + 3).replace(/\\(.)/g, "$1");
  assert.ok(observed.length <= 60, observed);
  assert.ok(observed.endsWith("…"));
  assert.ok(!observed.includes("\n"));
});

/** The fixture with the judge's lines on two cells: a known failure that now fails differently, and a stale entry. */
function judged(): Matrix {
  const m = fixture();
  const differently = "fails differently: expected observed to contain ECONNREFUSED, got EPIPE on connect (Error) (known: reports a broken pipe)";
  Object.assign(m.cells.deno!["tcp.connect.refused"]!, { ok: false, judgement: differently });
  const stale = `stale expectation: expected fail (${"a long reason ".repeat(10)}), got unsupported: Deno.connect has no udpConnect`;
  Object.assign(m.cells.deno!["udp.connect.refused"]!, { expected: "fail", ok: false, judgement: stale, reason: "r" });
  return m;
}

test("Markdown shows the judge's line in an unexpected cell, clipped, and in full in a list after the table", () => {
  const md = renderMarkdown(parseMatrix(JSON.stringify(judged()), "m.json"));
  const row = (id: string) => tableCells(md.split("\n").find((l) => l.includes(`\`${id}\``))!).slice(1);
  assert.equal(
    row("tcp.connect.refused")[1],
    "**‼ ❌ fail**: fails differently: expected observed to contain ECONNREFUSED, got EPIPE on conn…",
  );
  assert.match(row("udp.connect.refused")[1]!, /^\*\*‼ ⚪ unsupported\*\*: stale expectation: expected fail/);
  // Cells without the judge's line (older matrices) keep the expected verdict.
  assert.equal(row("tcp.connect.timeout")[1], "**‼ ⏱ timeout** (expected pass): still pending");
  const list = md.slice(md.indexOf("### Not as expected"));
  assert.match(list, /^- deno `tcp\.connect\.refused`: fails differently: .*\(known: reports a broken pipe\)$/m);
  assert.match(list, /^- deno `udp\.connect\.refused`: stale expectation: .*got unsupported: Deno\.connect has no udpConnect$/m);
  assert.doesNotMatch(renderMarkdown(fixture()), /Not as expected/);
});

test("the HTML cell and the JUnit failure show the judge's line", () => {
  const html = renderHtml(judged());
  const start = html.indexOf('<td data-case="tcp.connect.refused" data-column="deno"');
  const cell = html.slice(start, html.indexOf("</td>", start));
  assert.match(cell, /<dt>judgement<\/dt><dd>fails differently: expected observed to contain ECONNREFUSED, got EPIPE/);
  assert.match(cell, /class="v-fail unexpected"/);
  const xml = renderJunit(judged(), "deno");
  assertWellFormed(xml);
  assert.match(xml, /<failure type="fail" message="fails differently: expected observed to contain ECONNREFUSED[^"]*">judgement: fails differently/);
  assert.match(xml, /<failure type="unsupported" message="stale expectation: expected fail/);
});

test("the HTML page has a hook for every case, column and cell, kernel first", () => {
  const html = renderHtml(fixture());
  for (const id of CASE_IDS) assert.match(html, new RegExp(`<tr data-case="${id.replace(/\./g, "\\.")}"`), id);
  const headers = [...html.matchAll(/<th scope="col" data-column="([^"]+)"/g)].map((x) => x[1]);
  assert.deepEqual(headers, COLUMN_IDS);
  const cells = [...html.matchAll(/<td data-case="([^"]+)" data-column="([^"]+)" data-verdict="([^"]+)"/g)];
  assert.equal(cells.length, CASE_IDS.length * COLUMN_IDS.length);
  const verdict = (caseId: string, column: string) => cells.find((x) => x[1] === caseId && x[2] === column)?.[3];
  assert.equal(verdict("tcp.connect.timeout", "bun"), "crash");
  assert.equal(verdict("udp.recv.truncate", "bun"), "missing");
  assert.equal(verdict("udp.connect.refused", "kernel"), "skipped");
  assert.match(html, /data-verdict="timeout" class="v-timeout unexpected"/);
});

test("the HTML page escapes every piece of text", () => {
  const html = renderHtml(fixture());
  assert.ok(!html.includes("<script>alert"), "raw <script> from the data");
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.equal(html.match(/<script\b/g)?.length, 1, "only the page's own inline script");
  const script = html.slice(html.indexOf("<script>") + 8, html.indexOf("</script>"));
  assert.doesNotThrow(() => new Function(script), "the inline script parses");
  assert.ok(html.includes("pipe &amp; more"));
});

test("the HTML page loads nothing from outside and links only to expectation issues", () => {
  const html = renderHtml(fixture());
  assert.doesNotMatch(html, /\ssrc=/);
  assert.doesNotMatch(html, /@import|url\(/);
  const hrefs = [...html.matchAll(/\shref="([^"]*)"/g)].map((x) => x[1]);
  assert.deepEqual(hrefs, [ISSUE]);
  assert.match(html, /Content-Security-Policy/);
});

test("the HTML cell holds verdict against expectation, observed, detail, time and reason; its row the semantic and reference", () => {
  const html = renderHtml(fixture());
  const start = html.indexOf('<td data-case="tcp.connect.refused" data-column="deno"');
  const cell = html.slice(start, html.indexOf("</td>", start));
  for (const text of ["fail (expected fail)", "EPIPE on connect (Error)", "expected ECONNREFUSED", "12 ms", "reports a broken pipe"]) {
    assert.ok(cell.includes(text), text);
  }
  assert.ok(cell.includes(`<a href="${ISSUE}"`));
  const rowStart = html.indexOf('<tr data-case="tcp.connect.refused"');
  const header = html.slice(rowStart, html.indexOf("</th>", rowStart));
  for (const text of ["RST: ECONNREFUSED.", "UNP 4.3"]) assert.ok(header.includes(text), text);
});

test("the HTML page never turns a non-http issue into a link", () => {
  const m = fixture();
  m.cells.deno!["tcp.connect.refused"]!.issue = "javascript:alert(1)";
  const html = renderHtml(m);
  assert.doesNotMatch(html, /href="javascript:/);
  assert.ok(html.includes("javascript:alert(1)"));
});

/** Checks that start and end tags nest and every `&` begins a reference. */
function assertWellFormed(xml: string): void {
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  const stack: string[] = [];
  for (
    const [, close, name, selfClosing] of xml.replace(/^<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([\w-]+)[^>]*?(\/?)>/g)
  ) {
    if (close) assert.equal(stack.pop(), name);
    else if (!selfClosing) stack.push(name!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(xml, /&(?!(amp|lt|gt|quot|#\d+);)/);
}

test("JUnit XML for a column counts testcases, failures and skipped cases", () => {
  const deno = renderJunit(fixture(), "deno");
  assertWellFormed(deno);
  assert.equal(deno.match(/<testcase /g)?.length, CASE_IDS.length);
  assert.equal(deno.match(/<failure /g)?.length, 2);
  assert.equal(deno.match(/<skipped /g)?.length, 1);
  assert.match(deno, /<testsuites name="sockcheck deno" tests="6" failures="2" errors="0" skipped="1"/);
  assert.match(deno, /<testsuite name="deno\.tcp_connect" tests="3" failures="1" errors="0" skipped="0"/);
  assert.match(
    deno,
    /classname="deno\.tcp_connect" name="tcp\.connect\.refused: Connect to a closed port" time="0\.012"/,
  );
  assert.match(deno, /<system-out>known divergence: fail \(reports a broken pipe\)/);

  const bun = renderJunit(fixture(), "bun");
  assertWellFormed(bun);
  assert.equal(bun.match(/<failure /g)?.length, 3, "crash, fail and the missing cell");
  assert.match(bun, /<failure type="missing"/);
  assert.match(bun, /<failure type="crash" message="SIGSEGV">expected: pass\nverdict: crash\nobserved: process died/);
});

test("JUnit XML escapes text in attributes and bodies", () => {
  const xml = renderJunit(fixture(), "deno");
  assert.ok(!xml.includes("<script>"));
  assert.match(
    xml,
    /message="detail &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; \| pipe &amp; more&#10;second line, long enough to be clipped"/,
  );
  assert.match(xml, /observed: &lt;script&gt;alert\("x"\)&lt;\/script&gt; \| pipe &amp; more\nsecond line/);
});

test("JUnit XML drops control characters that XML cannot hold", () => {
  const m = fixture();
  m.cells.deno!["tcp.connect.timeout"]!.detail = "bell\u0007 escape\u001b[0m nul\u0000 lone\uD800";
  const xml = renderJunit(m, "deno");
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF]/);
  assert.match(xml, /message="bell escape\[0m nul lone"/);
});

test("JUnit rendering refuses a column the matrix does not have", () => {
  assert.throws(() => renderJunit(fixture(), "node"), /no column "node"/);
});

/** Two matrices apart by one cell of each kind of change, a case added, one removed and a column added. */
function changedPair(): { before: Matrix; after: Matrix } {
  const before = fixture();
  const after = fixture();
  after.cells.deno!["tcp.connect.unreachable"] = {
    verdict: "fail",
    expected: "pass",
    ok: false,
    observed: "UNKNOWN",
    ms: 1,
  };
  after.cells.bun!["tcp.connect.timeout"] = pass();
  after.cells.deno!["udp.connect.refused"] = { verdict: "skipped", expected: "pass", ok: true, observed: "", ms: 0 };
  after.catalog.push({
    id: "udp.bind.inuse",
    title: "Bind twice",
    semantic: "EADDRINUSE.",
    reference: "bind(2)",
    topic: "udp",
    level: "kernel",
  });
  after.columns.push({ id: "node", runtime: "node", version: "24.0.0", api: "node:net" });
  before.catalog = before.catalog.filter((c) => c.id !== "udp.recv.truncate").concat({
    ...fixture().catalog[0]!,
    id: "tcp.connect.gone",
  });

  return { before, after };
}

test("the diff finds regressed, fixed and changed cells and new cases and columns", () => {
  const { before, after } = changedPair();
  const d = diffMatrices(before, after);
  assert.deepEqual(d.regressed, [{
    column: "deno",
    caseId: "tcp.connect.unreachable",
    from: "pass",
    to: "fail",
    fromOk: true,
    toOk: false,
  }]);
  assert.deepEqual(d.fixed, [{
    column: "bun",
    caseId: "tcp.connect.timeout",
    from: "crash",
    to: "pass",
    fromOk: false,
    toOk: true,
  }]);
  assert.deepEqual(d.changed, [{
    column: "deno",
    caseId: "udp.connect.refused",
    from: "unsupported",
    to: "skipped",
    fromOk: true,
    toOk: true,
  }]);
  assert.deepEqual(d.newCases, ["udp.recv.truncate", "udp.bind.inuse"]);
  assert.deepEqual(d.removedCases, ["tcp.connect.gone"]);
  assert.deepEqual(d.newColumns, ["node"]);
  assert.deepEqual(d.removedColumns, []);
});

test("the diff's text lists each kind of change with its cells", () => {
  const { before, after } = changedPair();
  const text = renderDiff(diffMatrices(before, after));
  assert.match(text, /^Regressed \(1\):\n {2}deno {2}tcp\.connect\.unreachable: pass → fail \(unexpected\)$/m);
  assert.match(text, /^Fixed \(1\):\n {2}bun {2}tcp\.connect\.timeout: crash \(unexpected\) → pass$/m);
  assert.match(text, /^New cases \(2\):\n {2}udp\.recv\.truncate\n {2}udp\.bind\.inuse$/m);
  assert.match(text, /^New columns \(1\):\n {2}node$/m);
});

test("the diff counts a newly expected divergence as fixed and a missing cell as a crash", () => {
  const before = fixture();
  const after = fixture();
  after.cells.deno!["tcp.connect.timeout"] = {
    ...before.cells.deno!["tcp.connect.timeout"]!,
    expected: "timeout",
    ok: true,
  };
  delete after.cells.bun!["udp.send.unreachable"];
  const d = diffMatrices(before, after);
  assert.deepEqual(d.fixed.map((c) => [c.caseId, c.from, c.to]), [["tcp.connect.timeout", "timeout", "timeout"]]);
  assert.deepEqual(d.regressed.map((c) => [c.column, c.caseId, c.to]), [["bun", "udp.send.unreachable", "crash"]]);
});

test("the diff of a matrix with itself says no changes", () => {
  const d = diffMatrices(fixture(), fixture());
  assert.equal(renderDiff(d), "no changes\n");
});

/** The fixture with a fourth column that did not run: its runtime was not found. */
function withNotRun(): Matrix {
  const m = fixture();
  m.columns.push({ id: "bun-node", runtime: "bun", version: "", api: "node:net", notRun: "bun not found (npm i -D bun)" });
  m.cells["bun-node"] = {};
  return m;
}

test("Markdown names a column that did not run with its reason, and counts nothing against it", () => {
  const md = renderMarkdown(withNotRun());
  const plain = renderMarkdown(fixture());
  assert.match(md, /\*\*Not run\*\*: bun-node: bun not found \(npm i -D bun\)/);
  assert.match(md, /\| bun-node \(not run\) \|$/m);
  // Its cells are empty, not "no result": the unexpected count is the fixture's own.
  assert.equal(md.match(/‼/g)?.length, plain.match(/‼/g)?.length);
  assert.match(md, /^\| \*\*Unexpected\*\* \|.*\| not run \|$/m);
});

test("JUnit skips every case of a column that did not run, saying why, and fails none", () => {
  const m = withNotRun();
  const xml = renderJunit(m, "bun-node");
  assert.match(xml, new RegExp(`<testsuites name="sockcheck bun-node" tests="${m.catalog.length}" failures="0" errors="0" skipped="${m.catalog.length}"`));
  assert.equal(xml.match(/<skipped message="not run: bun not found \(npm i -D bun\)"\/>/g)?.length, m.catalog.length);
  assert.doesNotMatch(xml, /<failure/);
});

test("the diff does not compare a column that did not run on one side: it names it", () => {
  const d = diffMatrices(fixture(), withNotRun());
  assert.deepEqual(d.newColumns, ["bun-node"]);
  const before = withNotRun();
  const after = withNotRun();
  after.columns[2] = { ...after.columns[2]!, notRun: "bun not found" };
  after.cells.bun = {};
  const gone = diffMatrices(before, after);
  assert.deepEqual([gone.regressed, gone.fixed, gone.changed], [[], [], []]);
  assert.deepEqual(gone.notRun, ["bun: not run in the new matrix (bun not found)", "bun-node: not run in the new matrix (bun not found (npm i -D bun))"]);
  assert.match(renderDiff(gone), /Not compared \(2\):\n  bun: not run in the new matrix/);
});

test("a case run against the reference peer is marked in Markdown and HTML, the two kinds explained once; a matrix without sides has no mark", () => {
  const m = fixture();
  m.catalog[1].sides = "column+peer";
  m.catalog[0].sides = "column";
  assert.deepEqual(parseMatrix(JSON.stringify(m), "matrix.json"), m);
  const md = renderMarkdown(m);
  assert.match(md, /\| `tcp\.connect\.timeout` ↔ /);
  assert.match(md, /\| `tcp\.connect\.refused` Connect/);
  assert.equal(md.split("↔ marks a case run against the kernel reference peer").length, 2, "the explanation once");
  const html = renderHtml(m);
  assert.match(html, /<code>tcp\.connect\.timeout<\/code> <abbr class="row-mark" title="run against the kernel reference peer \(column\+peer\)">↔<\/abbr>/);
  assert.doesNotMatch(html, /<code>tcp\.connect\.refused<\/code> <abbr/);
  assert.match(html, /<p class="note">↔ marks a case run against the kernel reference peer/);
  assert.doesNotMatch(renderHtml(fixture()), /<abbr class="row-mark"|<p class="note">/, "an older matrix, without sides, has no mark and no note");
});
