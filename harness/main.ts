/**
 * The column process: `<runtime> harness/main.ts --column ID [--filter GLOBS]
 * [--cases FILE] [--expectations FILE] [--concurrent] [--lab-unavailable
 * REASON]`, started by the parent with the arguments
 * {@linkcode columnArgs} builds. It loads its runtime's host and its
 * column's adapter, runs the cases and reports each on stdout (see
 * protocol.ts). `--concurrent` runs the cases as the fault lab does (see
 * runLabEntries); `--lab-unavailable` gives the reason the lab could not be
 * made here, for the lab cases' `skipped`.
 *
 * @module
 */
import process from "node:process";
import { ExpectationsError } from "../core/expectations.ts";
import { findColumn } from "../columns/registry.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import { parseOptions, UsageError } from "./args.ts";
import { casesFrom, selectEntries } from "./cases.ts";
import { columnVersion, type Outcome, prepareColumn, runEntry } from "./column.ts";
import { runLabEntries } from "./lab_batch.ts";
import { peerPart, startColumnPeer } from "./peer.ts";
import { COLUMN_OPTIONS, emit } from "./protocol.ts";

/** The column's runtime inside this process, with the lab's reason where the parent gave one. */
async function hostHere(module: URL, labUnavailable: string | undefined): Promise<RuntimeHost> {
  const { host } = await import(module.href) as { host: RuntimeHost };
  return labUnavailable === undefined ? host : { ...host, fixtures: { ...host.fixtures, lab: { ok: false, reason: labUnavailable } } };
}

/** Runs the column `argv` names and reports on stdout; throws a UsageError or ExpectationsError on bad input. */
async function runColumn(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { options: COLUMN_OPTIONS });
  if (!values.column) throw new UsageError("missing --column");
  const column = findColumn(values.column);
  if (!column) throw new UsageError(`unknown column "${values.column}"`);
  const extra = values.cases === undefined ? undefined : await casesFrom(values.cases);
  const entries = selectEntries({ filter: values.filter, extra });
  // First, so that its start overlaps loading the host and the adapter, and the cases before the first that needs it.
  const started = startColumnPeer(entries);
  try {
    const host = await hostHere(column.host.hostModule, values["lab-unavailable"]);
    const source = { file: values.expectations, extraIds: extra?.map((c) => c.id) };
    const prepared = await prepareColumn(column, { host, source, peer: peerPart(started) });
    const version = columnVersion(column, host);
    emit({ type: "start", column: column.id, runtime: host.runtime, version, api: column.adapter.api, cases: entries.length });
    const report = ({ entry, result, judgement, expectation }: Outcome) =>
      emit({ type: "result", id: entry.case.id, result, judgement, expectation });
    if (values.concurrent) await runLabEntries(prepared, { entries, report });
    else for (const entry of entries) report(await runEntry(prepared, entry));
    emit({ type: "end" });
  } finally {
    await started.peer?.close();
  }
}

try {
  await runColumn(process.argv.slice(2));
} catch (err) {
  // Bad input is reported and ends the process; anything else is a crash, which the parent reports.
  if (!(err instanceof UsageError || err instanceof ExpectationsError)) throw err;
  emit({ type: "error", message: err.message });
  process.exit(2);
}
// Sockets a broken adapter left behind must not keep the process alive.
process.exit(0);
