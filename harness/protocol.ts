/**
 * The column-process protocol. The parent starts one process per column
 * (and per lab profile) with the arguments {@linkcode columnArgs} builds;
 * the process runs the column and writes one JSON line per event on
 * stdout, so the parent sees progress and keeps every result reached even
 * if the process dies:
 *
 *   {"type":"start", column, runtime, version, api, cases}
 *   {"type":"result", id, result, judgement, expectation?}
 *   {"type":"end"}
 *   {"type":"error", message}          (then exit 2)
 *
 * @module
 */
import { writeSync } from "node:fs";
import type { Expectation, Judgement } from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import type { OptionSpec } from "./args.ts";

/** One case's outcome as a column process reports it. */
export interface ReportedResult {
  id: string;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** An event of the column process, one JSON line each. */
export type ColumnEvent =
  | { type: "start"; column: string; runtime: string; version: string; api: string; cases: number }
  | ({ type: "result" } & ReportedResult)
  | { type: "end" }
  | { type: "error"; message: string };

/** What the parent asks a column process to do. */
export interface ColumnRequest {
  column: string;
  /** Case-id globs (core/filter.ts). */
  filter?: string;
  /** A module whose exported `cases` run instead of the catalog's. */
  cases?: string;
  /** An expectations file to use instead of the column's own. */
  expectations?: string;
  /** Run the slow cases at the same time (see runWithSlowBatch). */
  concurrent?: boolean;
  /** Why the lab could not be made here, for the lab cases' `skipped`. */
  labUnavailable?: string;
  /** A case runs against the reference peer: the process starts it first of all (harness/main.ts). */
  peer?: boolean;
}

/** The column process's options, as the parser takes them. */
export const COLUMN_OPTIONS = {
  column: { type: "string" },
  filter: { type: "string" },
  cases: { type: "string" },
  expectations: { type: "string" },
  concurrent: { type: "boolean" },
  "lab-unavailable": { type: "string" },
  peer: { type: "boolean" },
} as const satisfies OptionSpec;

/**
 * The column process's arguments for `request`. Values are given inline
 * (`--name=value`), so one that starts with a dash stays a value.
 *
 * @example
 * ```ts
 * import { columnArgs } from "./protocol.ts";
 * columnArgs({ column: "node", filter: "tcp.*", concurrent: true }); // ["--column=node", "--filter=tcp.*", "--concurrent"]
 * ```
 */
export function columnArgs(request: ColumnRequest): string[] {
  const { column, filter, cases, expectations, concurrent, labUnavailable, peer } = request;
  const given: [string, string | undefined][] = [
    ["column", column],
    ["filter", filter],
    ["cases", cases],
    ["expectations", expectations],
    ["lab-unavailable", labUnavailable],
  ];
  const args = given.filter(([, value]) => value !== undefined).map(([name, value]) => `--${name}=${value}`);
  return [...args, ...concurrent ? ["--concurrent"] : [], ...peer ? ["--peer"] : []];
}

/** Writes one event line, synchronously, so no line is lost when the process exits right after. */
export function emit(event: ColumnEvent): void {
  writeSync(1, JSON.stringify(event) + "\n");
}

/** The event a line of the column process's stdout carries, or `undefined` for a runtime's own chatter. */
export function readEvent(line: string): ColumnEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return undefined;
  }
  const type = (event as { type?: unknown } | null)?.type;
  return type === "start" || type === "result" || type === "end" || type === "error" ? event as ColumnEvent : undefined;
}
