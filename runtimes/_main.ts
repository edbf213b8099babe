/**
 * The column process: runs one column inside its runtime and streams one
 * JSON line per event on stdout, so a parent (the CLI, the matrix) sees
 * progress and keeps every result reached even if the process dies.
 *
 *   {"type":"start", column, runtime, version, api, cases}
 *   {"type":"result", id, result, judgement, expectation?}
 *   {"type":"end"}
 *   {"type":"error", message}          (then exit 2)
 *
 * Arguments: `--column ID [--filter GLOBS] [--cases FILE] [--expectations FILE] [--concurrent]
 * [--lab-unavailable REASON]`.
 * `--concurrent` runs the cases as the fault lab does: the slow ones at the
 * same time, after the rest (see runLabEntries). `--lab-unavailable` gives
 * the reason the lab could not be made here, for the lab cases' `skipped`.
 *
 * @module
 */
import { writeSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Case } from "../core/case.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import process from "node:process";
import { idFilter } from "../core/filter.ts";
import { findColumn } from "./columns.ts";
import { type Outcome, prepareColumn, runEntry, runLabEntries, selectEntries } from "./_column.ts";
import type { RuntimeHost } from "./_host.ts";

function emit(event: Record<string, unknown>): void {
  // Synchronous, so no line is lost when the process exits right after.
  writeSync(1, JSON.stringify(event) + "\n");
}

function fail(message: string): never {
  emit({ type: "error", message });
  process.exit(2);
}

/**
 * The cases a module exports as `cases`, with `--cases FILE` (for the
 * runner's own tests, and for adapter authors trying cases of their own).
 */
async function extraCases(file: string): Promise<Case[]> {
  let cases: Case[];
  try {
    cases = (await import(pathToFileURL(resolve(file)).href)).cases;
  } catch (err) {
    fail(`cannot load cases from ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(cases)) fail(`${file} exports no \`cases\` array`);
  return cases;
}

/** Runs the column named in `args` on `host` and exits. */
export async function columnMain(runtimeHost: RuntimeHost, args: string[]): Promise<void> {
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const noLab = option("--lab-unavailable");
  const host: RuntimeHost = noLab === undefined
    ? runtimeHost
    : { ...runtimeHost, fixtures: { ...runtimeHost.fixtures, lab: { ok: false, reason: noLab } } };
  const id = option("--column") ?? fail("missing --column");
  const column = findColumn(id) ?? fail(`unknown column "${id}"`);
  if (column.runtime !== host.runtime) fail(`column ${id} runs on ${column.runtime}, not ${host.runtime}`);
  const casesFile = option("--cases");
  const extra = casesFile === undefined ? undefined : await extraCases(casesFile);
  let prepared;
  try {
    prepared = await prepareColumn(column, { file: option("--expectations"), extraIds: extra?.map((c) => c.id) });
  } catch (err) {
    fail((err as Error).message);
  }
  const filter = idFilter(option("--filter"));
  const entries: CatalogEntry[] = extra
    ? extra.filter((c) => filter(c.id)).map((c) => ({ topic: "extra", case: c }))
    : selectEntries(filter);
  const version = column.version === "kernel" ? `${os.type()} ${os.release()}` : host.version;
  emit({ type: "start", column: id, runtime: host.runtime, version, api: column.api, cases: entries.length });
  const report = ({ entry, result, judgement, expectation }: Outcome) =>
    emit({ type: "result", id: entry.case.id, result, judgement, expectation });
  if (args.includes("--concurrent")) await runLabEntries(prepared, host, entries, report);
  else for (const entry of entries) report(await runEntry(prepared, host, entry));
  emit({ type: "end" });
  // Sockets a broken adapter left behind must not keep the process alive.
  process.exit(0);
}
