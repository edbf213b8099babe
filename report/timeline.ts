/**
 * The timeline file (`sockcheck-timeline/1`): one column run on several
 * releases of its runtime, each case's cell on each release, and where its
 * verdict changed. Its views are `timeline.md` and `timeline.html`.
 *
 * ```text
 * schema    "sockcheck-timeline/1"
 * generated ISO 8601 time of the run
 * host      { os, release, arch }
 * column    { id, runtime, api }
 * versions  [{ version, ms, exit?, error? }], oldest first
 * catalog   [{ id, title, semantic, reference, topic, level }]
 * cases     { <case id>: {
 *               cells   { <version>: a matrix cell (verdict, expected, ok, observed, ...) },
 *               changes [{ version, from, to }]: each release whose verdict differs from the
 *                       release before it (the first entry is the first change) } }
 * ```
 *
 * @module
 */
import type { ColumnRun, Exit } from "../harness/process.ts";
import { compareVersions } from "../hosts/versions.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { buildMatrix } from "./build.ts";
import type { MatrixCase, MatrixCell, MatrixColumn, MatrixHost, Verdict } from "./schema.ts";

/** The schema tag every timeline file carries. */
export const TIMELINE_SCHEMA = "sockcheck-timeline/1";

/** One release the column ran on. */
export interface TimelineVersion {
  version: string;
  /** Wall time of the column's run on it. */
  ms: number;
  /** How the column's process ended, where it did not end cleanly. */
  exit?: Exit;
  /** Why the column stopped early on this release. */
  error?: string;
}

/** A release whose verdict differs from the release before it. */
export interface TimelineChange {
  version: string;
  /** The verdict on the release before. */
  from: Verdict;
  /** The verdict from this release on. */
  to: Verdict;
}

/** One case across the releases. */
export interface TimelineCase {
  /** Release → the case's cell there; a release the column stopped on before the case has none. */
  cells: Record<string, MatrixCell>;
  /** Every change of verdict, oldest first; empty when the verdict never changes. */
  changes: TimelineChange[];
}

/** The whole timeline. */
export interface Timeline {
  schema: typeof TIMELINE_SCHEMA;
  generated: string;
  host: MatrixHost;
  column: { id: string; runtime: string; api: string };
  versions: TimelineVersion[];
  catalog: MatrixCase[];
  cases: Record<string, TimelineCase>;
}

/** A column's run on one release. */
export interface VersionRun {
  /** The release, as installed and checked. */
  version: string;
  run: ColumnRun;
}

/**
 * Assembles the timeline from the column's runs, one per release, over
 * `entries`. Releases are put oldest first.
 *
 * @example
 * ```ts
 * import { buildTimeline } from "./timeline.ts";
 * import type { VersionRun } from "./timeline.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * declare const runs: VersionRun[];
 * const t = buildTimeline(runs, [...CATALOG]);
 * console.log(t.versions.map((v) => v.version));
 * ```
 */
export function buildTimeline(runs: readonly VersionRun[], entries: readonly CatalogEntry[]): Timeline {
  if (!runs.length) throw new Error("a timeline needs at least one run");
  const sorted = [...runs].sort((a, b) => compareVersions(a.version, b.version));
  const matrices = sorted.map(({ run }) => buildMatrix([run], entries));
  const first = matrices[0];
  const columnOf = (i: number): MatrixColumn => matrices[i].columns[0];
  const cases: Record<string, TimelineCase> = {};
  for (const { id } of first.catalog) {
    const cells: Record<string, MatrixCell> = {};
    sorted.forEach(({ version, run }, i) => {
      const cell = matrices[i].cells[run.column.id]?.[id];
      if (cell) cells[version] = cell;
    });
    cases[id] = { cells, changes: changesOf(sorted.map((r) => r.version), cells) };
  }
  return {
    schema: TIMELINE_SCHEMA,
    generated: first.generated,
    host: first.host,
    column: { id: columnOf(0).id, runtime: columnOf(0).runtime, api: columnOf(0).api },
    versions: sorted.map(({ version, run }, i) => versionOf(version, run, columnOf(i))),
    catalog: first.catalog,
    cases,
  };
}

function versionOf(version: string, run: ColumnRun, column: MatrixColumn): TimelineVersion {
  const clean = !column.exit || (column.exit.code === 0 && column.exit.signal === null);
  return {
    version,
    ms: Math.round(run.ms),
    ...(clean ? {} : { exit: column.exit }),
    ...(column.error ? { error: column.error } : {}),
  };
}

/** Each release whose verdict differs from the last release before it that has a cell. */
function changesOf(versions: readonly string[], cells: Record<string, MatrixCell>): TimelineChange[] {
  const changes: TimelineChange[] = [];
  let before: Verdict | undefined;
  for (const version of versions) {
    const verdict = cells[version]?.verdict;
    if (!verdict) continue;
    if (before !== undefined && verdict !== before) changes.push({ version, from: before, to: verdict });
    before = verdict;
  }
  return changes;
}

/**
 * The cases in reading order: those whose verdict changes first (by the
 * release of their first change, then catalog order), then the rest in
 * catalog order.
 *
 * @example
 * ```ts
 * import { casesInOrder } from "./timeline.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const t: Timeline;
 * const [first] = casesInOrder(t); // a case that changed, if any did
 * ```
 */
export function casesInOrder(t: Timeline): MatrixCase[] {
  const at = (c: MatrixCase) => {
    const first = t.cases[c.id]?.changes[0];
    return first ? t.versions.findIndex((v) => v.version === first.version) : Infinity;
  };
  const index = new Map(t.catalog.map((c, i) => [c.id, i]));
  return [...t.catalog].sort((a, b) => (at(a) - at(b)) || (index.get(a.id)! - index.get(b.id)!));
}

/**
 * A release as a matrix column, so the matrix's renderers show its cells.
 *
 * @example
 * ```ts
 * import { versionColumn } from "./timeline.ts";
 * import type { Timeline } from "./timeline.ts";
 * declare const t: Timeline;
 * versionColumn(t, t.versions[0]); // { id: "1.1.0", runtime: "bun", version: "1.1.0", api: ... }
 * ```
 */
export function versionColumn(t: Timeline, v: TimelineVersion): MatrixColumn {
  return {
    id: v.version,
    runtime: t.column.runtime,
    version: v.version,
    api: t.column.api,
    ...(v.exit ? { exit: v.exit } : {}),
    ...(v.error ? { error: v.error } : {}),
  };
}
