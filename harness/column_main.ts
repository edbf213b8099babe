/**
 * The column process's work, loaded by harness/main.ts once the reference
 * peer (where the parent asked for it) is starting: parse the arguments,
 * load the runtime's host and the column's adapter, run the cases and
 * report each on stdout (see protocol.ts). `--concurrent` runs the slow
 * cases at the same time (see runWithSlowBatch); `--lab-unavailable` gives the
 * reason the lab could not be made here, for the lab cases' `skipped`.
 *
 * @module
 */
import process from "node:process";
import { ExpectationsError } from "../core/expectations.ts";
import { importModule } from "../core/load_module.ts";
import { findColumn } from "../columns/registry.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import { parseOptions, UsageError } from "./args.ts";
import { casesFrom, selectEntries } from "./cases.ts";
import { columnVersion, type Outcome, prepareColumn, runEntry } from "./column.ts";
import { runWithSlowBatch } from "./slow_batch.ts";
import type { Peer } from "../core/peer.ts";
import { peerPart, startColumnPeer } from "./peer.ts";
import { COLUMN_OPTIONS, emit } from "./protocol.ts";

/** The column's runtime inside this process, with the lab's reason where the parent gave one. */
async function hostHere(module: URL, labUnavailable: string | undefined): Promise<RuntimeHost> {
  const { host } = await importModule(module) as { host: RuntimeHost };
  return labUnavailable === undefined ? host : { ...host, fixtures: { ...host.fixtures, lab: { ok: false, reason: labUnavailable } } };
}

/** Runs the column `argv` names and reports on stdout; throws a UsageError or ExpectationsError on bad input. */
async function runColumn(argv: string[], early: Peer | undefined): Promise<void> {
  const { values } = parseOptions(argv, { options: COLUMN_OPTIONS });
  if (!values.column) throw new UsageError("missing --column");
  const column = findColumn(values.column);
  if (!column) throw new UsageError(`unknown column "${values.column}"`);
  const extra = values.cases === undefined ? undefined : await casesFrom(values.cases);
  const entries = selectEntries({ filter: values.filter, extra });
  // Started already where the parent asked for it; otherwise now, so that its start overlaps loading the host,
  // the adapter and the cases before the first that needs it.
  const started = early ? { peer: early } : startColumnPeer(entries);
  try {
    const host = await hostHere(column.host.hostModule, values["lab-unavailable"]);
    const source = { file: values.expectations, extraIds: extra?.map((c) => c.id) };
    const prepared = await prepareColumn(column, { host, source, peer: peerPart(started) });
    const version = columnVersion(column, host);
    emit({ type: "start", column: column.id, runtime: host.runtime, version, api: column.adapter.api, cases: entries.length });
    const report = ({ entry, result, judgement, expectation }: Outcome) =>
      emit({ type: "result", id: entry.case.id, result, judgement, expectation });
    if (values.concurrent) await runWithSlowBatch(prepared, { entries, report });
    else for (const entry of entries) report(await runEntry(prepared, entry));
    emit({ type: "end" });
  } finally {
    // Its stdin ends, and it exits; the process is not held for that: the kernel ends the peer with it anyway.
    started.peer?.close();
  }
}

/**
 * Runs the column process's arguments `argv`, with the peer `early` where
 * one was started before this module loaded, and exits: 2 after a line
 * saying what was wrong with the input, 0 otherwise.
 */
export async function columnMain(argv: string[], early: Peer | undefined): Promise<never> {
  try {
    await runColumn(argv, early);
  } catch (err) {
    // Bad input is reported and ends the process; anything else is a crash, which the parent reports.
    if (!(err instanceof UsageError || err instanceof ExpectationsError)) throw err;
    emit({ type: "error", message: err.message });
    process.exit(2);
  }
  // Sockets a broken adapter left behind must not keep the process alive.
  process.exit(0);
}
