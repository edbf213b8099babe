/**
 * Runs one column inside its runtime: loads the adapter and the column's
 * expectations, then runs the selected cases one after another, judging
 * each against its expectation.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Adapter } from "../core/adapter.ts";
import { type Expectation, type Expectations, type Judgement, judge, parseExpectations } from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import { runCase } from "../core/runner.ts";
import { CASE_IDS, CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { type Column, loadAdapter } from "./columns.ts";
import type { RuntimeHost } from "./_host.ts";

/** A column ready to run. */
export interface PreparedColumn {
  column: Column;
  adapter: Adapter;
  expectations: Expectations;
}

/** Loads and validates a column's expectations file (throws ExpectationsError). */
export function loadExpectations(column: Column): Expectations {
  const path = fileURLToPath(column.expectations.href);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`${column.id}: cannot read expectations file: ${(err as Error).message}`);
  }
  return parseExpectations(text, `expectations of ${column.id}`, CASE_IDS);
}

export async function prepareColumn(column: Column): Promise<PreparedColumn> {
  const expectations = loadExpectations(column);
  return { column, adapter: await loadAdapter(column), expectations };
}

/** One case's outcome on one column. */
export interface Outcome {
  entry: CatalogEntry;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** Runs one catalog entry and judges it. */
export async function runEntry(prepared: PreparedColumn, host: RuntimeHost, entry: CatalogEntry): Promise<Outcome> {
  const result = await runCase(entry.case, prepared.adapter, host);
  const expectation = prepared.expectations.get(entry.case.id);
  return { entry, result, judgement: judge(result, expectation), expectation };
}

/** The catalog entries a filter selects. */
export function selectEntries(filter: (id: string) => boolean): CatalogEntry[] {
  return CATALOG.filter((e) => filter(e.case.id));
}
