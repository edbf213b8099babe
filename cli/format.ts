/**
 * How a column run is shown: a readable summary for people, JSON for tools.
 *
 * @module
 */
import type { ColumnRun } from "../harness/start.ts";

const MARK: Record<string, string> = {
  pass: "pass ",
  fail: "FAIL ",
  unsupported: "unsup",
  skipped: "skip ",
  timeout: "TIME ",
  crash: "CRASH",
};

/** One line per case, divergences explained, then the totals. */
export function formatRun(run: ColumnRun): string {
  const lines = [`${run.column.id}: ${run.column.adapter.api} on ${run.column.host.name} ${run.version}`];
  const counts: Record<string, number> = {};
  let unexpected = 0;
  for (const { id, result, judgement, expectation } of run.results) {
    counts[result.verdict] = (counts[result.verdict] ?? 0) + 1;
    if (!judgement.ok) unexpected++;
    const flag = judgement.ok ? (expectation ? " (known)" : "") : " ‼ UNEXPECTED";
    lines.push(`  ${MARK[result.verdict]} ${id}${flag}`);
    if (result.verdict !== "pass") {
      if (result.observed) lines.push(`         observed: ${result.observed}`);
      if (result.detail) lines.push(`         detail:   ${result.detail}`);
      if (expectation) {
        const pinned = expectation.observed ? ` [pinned: ${expectation.observed}]` : "";
        lines.push(`         known:    ${expectation.reason}${expectation.issue ? ` (${expectation.issue})` : ""}${pinned}`);
      }
    }
    if (!judgement.ok && judgement.message) lines.push(`         ${judgement.message}`);
  }
  const summary = Object.entries(counts).map(([v, n]) => `${n} ${v}`).join(", ");
  lines.push(`${run.results.length} cases: ${summary}; ${unexpected ? `${unexpected} not as expected` : "all as expected"} (${run.ms} ms)`);
  if (run.error) lines.push(`column error: ${run.error}`);
  return lines.join("\n") + "\n";
}

/** The run as JSON: the column, and for every case what was expected and observed. */
export function columnRunJson(run: ColumnRun) {
  return {
    column: { id: run.column.id, runtime: run.column.host.name, version: run.version, api: run.column.adapter.api },
    exit: run.exit,
    error: run.error,
    ms: run.ms,
    results: run.results.map(({ id, result, judgement, expectation }) => ({
      id,
      verdict: result.verdict,
      expectedVerdict: judgement.expected,
      ok: judgement.ok,
      judgement: judgement.message,
      expected: result.expected,
      observed: result.observed,
      observations: result.observations,
      error: result.error,
      detail: result.detail,
      ms: result.ms,
      reason: expectation?.reason,
      issue: expectation?.issue,
      pinned: expectation?.observed,
    })),
  };
}
