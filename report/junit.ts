/**
 * One column of the matrix as JUnit XML, for CI systems that show test
 * reports. A case fails only where its verdict is not the expected one, so a
 * known divergence keeps the build green.
 *
 * @module
 */
import type { Matrix, MatrixCase, MatrixColumn } from "./schema.ts";
import { byTopic, cellOf } from "./_layout.ts";

/**
 * Renders one column as JUnit XML: a `<testsuite>` per topic, a
 * `<testcase>` per case (classname `<column>.<topic>`, name `<id>: <title>`),
 * a `<failure>` where the verdict is not the expected one or the column has
 * no result, `<skipped>` for unsupported and skipped cases; a column that
 * did not run has every case `<skipped>` with the reason
 * (`not run: bun not found ...`). Throws if the matrix has no such column.
 *
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from "node:fs";
 * import { parseMatrix } from "./schema.ts";
 * import { renderJunit } from "./junit.ts";
 * const m = parseMatrix(readFileSync("matrix.json", "utf8"), "matrix.json");
 * for (const c of m.columns) writeFileSync(`junit-${c.id}.xml`, renderJunit(m, c.id));
 * ```
 */
export function renderJunit(m: Matrix, columnId: string): string {
  const column = m.columns.find((c) => c.id === columnId);
  if (!column) {
    throw new Error(`the matrix has no column "${columnId}" (columns: ${m.columns.map((c) => c.id).join(", ")})`);
  }

  if (column.notRun !== undefined) return notRunJunit(m, column);
  const all = { tests: 0, failures: 0, skipped: 0, seconds: 0 };
  const suites = byTopic(m).map(({ topic, cases }) => {
    const tally = { tests: 0, failures: 0, skipped: 0, seconds: 0 };
    const body = cases.map((c) => testcase(m, columnId, topic, c, tally)).join("\n");
    for (const key of Object.keys(all) as (keyof typeof all)[]) all[key] += tally[key];
    return `  <testsuite name="${esc(`${columnId}.${topic}`)}" tests="${tally.tests}" failures="${tally.failures}" ` +
      `errors="0" skipped="${tally.skipped}" time="${seconds(tally.seconds)}">\n${body}\n  </testsuite>`;
  });
  const properties: [string, string][] = [
    ["runtime", column.runtime],
    ["version", column.version],
    ["api", column.api],
    ["generated", m.generated],
    ["host", `${m.host.os} ${m.host.release} ${m.host.arch}`],
  ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${esc(`sockcheck ${columnId}`)}" tests="${all.tests}" failures="${all.failures}" errors="0" ` +
    `skipped="${all.skipped}" time="${seconds(all.seconds)}">
  <properties>
${properties.map(([name, value]) => `    <property name="${esc(name)}" value="${esc(value)}"/>`).join("\n")}
  </properties>
${suites.join("\n")}
</testsuites>
`;
}

/** A column that did not run: every case skipped, saying why, so CI shows the reason rather than a pass. */
function notRunJunit(m: Matrix, column: MatrixColumn): string {
  const message = esc(`not run: ${column.notRun}`);
  const suites = byTopic(m).map(({ topic, cases }) =>
    `  <testsuite name="${esc(`${column.id}.${topic}`)}" tests="${cases.length}" failures="0" errors="0" ` +
    `skipped="${cases.length}" time="0.000">\n${
      cases.map((c) =>
        `    <testcase classname="${esc(`${column.id}.${topic}`)}" name="${esc(`${c.id}: ${c.title}`)}" time="0.000">\n` +
        `      <skipped message="${message}"/>\n    </testcase>`
      ).join("\n")
    }\n  </testsuite>`
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${esc(`sockcheck ${column.id}`)}" tests="${m.catalog.length}" failures="0" errors="0" ` +
    `skipped="${m.catalog.length}" time="0.000">
  <properties>
    <property name="runtime" value="${esc(column.runtime)}"/>
    <property name="not-run" value="${esc(column.notRun!)}"/>
    <property name="generated" value="${esc(m.generated)}"/>
  </properties>
${suites.join("\n")}
</testsuites>
`;
}

function testcase(
  m: Matrix,
  columnId: string,
  topic: string,
  c: MatrixCase,
  tally: { tests: number; failures: number; skipped: number; seconds: number },
): string {
  const cell = cellOf(m, columnId, c.id);
  tally.tests++;
  tally.seconds += cell?.ms ?? 0;
  const open = `    <testcase classname="${esc(`${columnId}.${topic}`)}" name="${esc(`${c.id}: ${c.title}`)}" ` +
    `time="${seconds(cell?.ms ?? 0)}"`;
  if (!cell) {
    tally.failures++;
    return `${open}>\n      <failure type="missing" message="no result: the column stopped before this case"/>\n    </testcase>`;
  }
  if (!cell.ok) {
    tally.failures++;
    const message = cell.judgement || cell.detail || cell.observed || `expected ${cell.expected}, got ${cell.verdict}`;
    const body = [
      ...(cell.judgement ? [`judgement: ${cell.judgement}`] : []),
      `expected: ${cell.expected}`,
      `verdict: ${cell.verdict}`,
      `observed: ${cell.observed}`,
      ...(cell.detail ? [`detail: ${cell.detail}`] : []),
      ...(cell.reason ? [`expectation: ${cell.reason}`] : []),
      ...(cell.issue ? [`issue: ${cell.issue}`] : []),
      `semantic: ${c.semantic}`,
      `reference: ${c.reference}`,
    ].join("\n");
    return `${open}>\n      <failure type="${esc(cell.verdict)}" message="${esc(message)}">${
      escText(body)
    }</failure>\n    </testcase>`;
  }
  if (cell.verdict === "unsupported" || cell.verdict === "skipped") {
    tally.skipped++;
    return `${open}>\n      <skipped message="${
      esc(`${cell.verdict}: ${cell.detail || cell.observed || "no reason given"}`)
    }"/>\n    </testcase>`;
  }
  if (cell.verdict !== "pass") {
    // A known divergence: green, but say what it is.
    const note = `known divergence: ${cell.verdict}${cell.reason ? ` (${cell.reason})` : ""}` +
      `${cell.issue ? ` ${cell.issue}` : ""}\nobserved: ${cell.observed}`;
    return `${open}>\n      <system-out>${escText(note)}</system-out>\n    </testcase>`;
  }
  return `${open}/>`;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** Control characters and non-characters: nothing XML 1.0 can hold. */
// deno-lint-ignore no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** Half of a surrogate pair without the other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML element content, dropping characters XML 1.0 cannot hold. */
function escText(s: string): string {
  return s.replace(NOT_XML, "").replace(LONE_SURROGATE, "").replace(/[&<>]/g, (ch) => ENTITY[ch] ?? ch);
}

/** Escapes text for a quoted XML attribute, keeping line breaks and tabs as references. */
function esc(s: string): string {
  return escText(s).replace(/["'\n\r\t]/g, (ch) => ch === '"' ? "&quot;" : `&#${ch.charCodeAt(0)};`);
}
