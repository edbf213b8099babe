/**
 * The matrix file (`sockcheck-matrix/1`): every column's verdict on every
 * case, held against that column's expectations. The renderers and the diff
 * read only this; {@linkcode parseMatrix} checks a file before they do.
 *
 * @module
 */
import { type Verdict, VERDICTS } from "../core/result.ts";

export type { Verdict };

/** The schema tag every matrix file carries. */
export const MATRIX_SCHEMA = "sockcheck-matrix/1";

/** The machine the matrix was measured on. */
export interface MatrixHost {
  os: string;
  /** Kernel release. */
  release: string;
  arch: string;
}

/** One column: a socket API driven by one runtime. */
export interface MatrixColumn {
  /** `kernel`, `deno`, `bun`, `node`, `deno-node`, `bun-node`. */
  id: string;
  /** `deno`, `bun` or `node`. */
  runtime: string;
  version: string;
  /** The socket API the adapter drives (`node:net`, `Deno.connect`, libc). */
  api: string;
  /** Set on the kernel reference column, which reports show first. */
  reference?: true;
  /** How the column's process ended, where it was a separate process. */
  exit?: { code: number | null; signal: string | null };
  /** Why the column could not run, or stopped early. */
  error?: string;
  /**
   * Set when the column did not run at all, saying why (`bun not found`): it
   * has no cells, and reports show the reason instead of them.
   */
  notRun?: string;
}

/** One case as the catalog describes it. */
export interface MatrixCase {
  /** Stable dotted id: `tcp.connect.refused`. */
  id: string;
  title: string;
  /** What the kernel does, in one or two plain sentences. */
  semantic: string;
  /** UNP section, POSIX function, RFC section or Linux man page. */
  reference: string;
  /** The suite the case belongs to: `tcp_connect`. */
  topic: string;
  level: "kernel" | "runtime";
  /**
   * Which sides the case measures on the column: `column` (both ends are the
   * column's API) or `column+peer` (the other end is the kernel reference
   * peer). Absent in matrices written before cases said it: `column`.
   */
  sides?: "column" | "column+peer";
}

/** One case on one column. */
export interface MatrixCell {
  verdict: Verdict;
  /** The verdict the column's expectations name; `pass` when none. */
  expected: Verdict;
  /**
   * Whether the cell is what the column's expectations say: the expected
   * verdict, showing what the expectation pins; `skipped` always is.
   */
  ok: boolean;
  /** Where `ok` is false, why, in the judge's one line (stale expectation, fails differently, ...). */
  judgement?: string;
  /** A short human string: what the case saw. */
  observed: string;
  detail?: string;
  ms: number;
  /** The expectation's reason. */
  reason?: string;
  /** The expectation's upstream issue URL. */
  issue?: string;
}

/** The whole matrix. */
export interface Matrix {
  schema: typeof MATRIX_SCHEMA;
  /** ISO-8601 date and time. */
  generated: string;
  host: MatrixHost;
  columns: MatrixColumn[];
  catalog: MatrixCase[];
  /** Column id → case id → cell. A cell may be missing. */
  cells: Record<string, Record<string, MatrixCell>>;
}

/** A malformed matrix file. The message is one line naming the problem. */
export class MatrixError extends Error {
  override name = "MatrixError";
}

type Obj = Record<string, unknown>;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Typed reads of one file's JSON, each failing with a MatrixError that names the file and the path. */
class Reader {
  constructor(readonly source: string) {}

  bad(path: string, problem: string): never {
    throw new MatrixError(`${this.source}: ${path ? `${path} ` : ""}${problem}`.replace(/\s+/g, " "));
  }

  object(value: unknown, path: string): Obj {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Obj : this.bad(path, "must be an object");
  }

  array(value: unknown, path: string): unknown[] {
    return Array.isArray(value) ? value : this.bad(path, "must be an array");
  }

  string(o: Obj, key: string, path: string): string {
    if (typeof o[key] === "string") return o[key] as string;
    const where = path ? `${path}.${key}` : key;
    return o[key] === undefined ? this.bad(where, "is missing") : this.bad(where, `must be a string (got ${got(o[key])})`);
  }

  optionalString(o: Obj, key: string, path: string): string | undefined {
    return o[key] === undefined ? undefined : this.string(o, key, path);
  }

  verdict(o: Obj, key: string, path: string): Verdict {
    return VERDICTS.includes(o[key] as Verdict)
      ? o[key] as Verdict
      : this.bad(`${path}.${key}`, `must be one of ${VERDICTS.join(", ")} (got ${got(o[key])})`);
  }
}

/**
 * Parses and validates a matrix file's text. Unknown extra fields are
 * ignored; anything missing, mistyped or inconsistent (a duplicate id, a
 * cell naming an unknown column or case) throws a {@linkcode MatrixError}.
 *
 * @example
 * ```ts
 * import { parseMatrix } from "./schema.ts";
 * const m = parseMatrix(
 *   '{"schema":"sockcheck-matrix/1","generated":"2025-01-01T00:00:00Z",' +
 *     '"host":{"os":"linux","release":"6.8.0","arch":"x64"},"columns":[],"catalog":[],"cells":{}}',
 *   "matrix.json",
 * );
 * console.log(m.columns.length); // 0
 * ```
 */
export function parseMatrix(text: string, source: string): Matrix {
  const read = new Reader(source);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    read.bad("", `is not valid JSON (${(e as Error).message})`);
  }
  const root = read.object(data, "the file");
  if (root.schema !== MATRIX_SCHEMA) read.bad("schema", `must be "${MATRIX_SCHEMA}" (got ${got(root.schema)})`);
  const generated = read.string(root, "generated", "");
  if (!ISO_8601.test(generated) || Number.isNaN(Date.parse(generated))) {
    read.bad("generated", `must be an ISO-8601 date and time (got ${got(generated)})`);
  }
  const h = read.object(root.host, "host");
  const host: MatrixHost = { os: read.string(h, "os", "host"), release: read.string(h, "release", "host"), arch: read.string(h, "arch", "host") };
  const columns = read.array(root.columns, "columns").map((value, i) => parseColumn(read, value, `columns[${i}]`));
  const catalog = read.array(root.catalog, "catalog").map((value, i) => parseCase(read, value, `catalog[${i}]`));
  const cells = parseCells(read, root.cells, { columns, catalog });
  return { schema: MATRIX_SCHEMA, generated, host, columns, catalog, cells };
}

function parseColumn(read: Reader, value: unknown, path: string): MatrixColumn {
  const c = read.object(value, path);
  const column: MatrixColumn = {
    id: read.string(c, "id", path),
    runtime: read.string(c, "runtime", path),
    version: read.string(c, "version", path),
    api: read.string(c, "api", path),
  };
  if (c.reference !== undefined && c.reference !== true) read.bad(`${path}.reference`, "must be true when present");
  if (c.reference === true) column.reference = true;
  if (c.exit !== undefined) {
    const e = read.object(c.exit, `${path}.exit`);
    const code = e.code === null || Number.isInteger(e.code) ? e.code as number | null : read.bad(`${path}.exit.code`, "must be an integer or null");
    const signal = e.signal === null ? null : read.string(e, "signal", `${path}.exit`);
    column.exit = { code, signal };
  }
  const error = read.optionalString(c, "error", path);
  if (error !== undefined) column.error = error;
  const notRun = read.optionalString(c, "notRun", path);
  if (notRun !== undefined) column.notRun = notRun;
  return column;
}

function parseCase(read: Reader, value: unknown, path: string): MatrixCase {
  const c = read.object(value, path);
  const level = c.level === "kernel" || c.level === "runtime"
    ? c.level
    : read.bad(`${path}.level`, `must be "kernel" or "runtime" (got ${got(c.level)})`);
  const sides = c.sides === undefined || c.sides === "column" || c.sides === "column+peer"
    ? c.sides
    : read.bad(`${path}.sides`, `must be "column" or "column+peer" (got ${got(c.sides)})`);
  return {
    id: read.string(c, "id", path),
    title: read.string(c, "title", path),
    semantic: read.string(c, "semantic", path),
    reference: read.string(c, "reference", path),
    topic: read.string(c, "topic", path),
    level,
    ...(sides === undefined ? {} : { sides }),
  };
}

/** Every column's cells, each naming a known column and case. */
function parseCells(read: Reader, value: unknown, known: { columns: MatrixColumn[]; catalog: MatrixCase[] }): Matrix["cells"] {
  const columnIds = unique(known.columns.map((c) => c.id), (id) => read.bad("columns", `has column id "${id}" twice`));
  const caseIds = unique(known.catalog.map((c) => c.id), (id) => read.bad("catalog", `has case id "${id}" twice`));
  // Built with Object.fromEntries so that ids such as "__proto__" stay plain keys.
  return Object.fromEntries(
    Object.entries(read.object(value, "cells")).map(([columnId, byCase]) => {
      if (!columnIds.has(columnId)) read.bad(`cells.${columnId}`, "names no column in columns");
      const entries = Object.entries(read.object(byCase, `cells.${columnId}`)).map(([caseId, cell]) => {
        const path = `cells.${columnId}.${caseId}`;
        if (!caseIds.has(caseId)) read.bad(path, "names no case in catalog");
        return [caseId, parseCell(read, read.object(cell, path), path)];
      });
      return [columnId, Object.fromEntries(entries)];
    }),
  );
}

function parseCell(read: Reader, c: Obj, path: string): MatrixCell {
  if (typeof c.ok !== "boolean") read.bad(`${path}.ok`, "must be a boolean");
  if (typeof c.ms !== "number" || !Number.isFinite(c.ms) || c.ms < 0) read.bad(`${path}.ms`, "must be a non-negative number");
  const out: MatrixCell = {
    verdict: read.verdict(c, "verdict", path),
    expected: read.verdict(c, "expected", path),
    ok: c.ok as boolean,
    observed: read.string(c, "observed", path),
    ms: c.ms as number,
  };
  for (const key of ["detail", "reason", "issue", "judgement"] as const) {
    const text = read.optionalString(c, key, path);
    if (text !== undefined) out[key] = text;
  }
  if (out.issue !== undefined && !/^https?:\/\//.test(out.issue)) read.bad(`${path}.issue`, "must be an http(s) URL");
  return out;
}

/** A value as a message shows it: JSON, at most 40 characters. */
function got(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function unique(ids: string[], twice: (id: string) => never): Set<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) twice(id);
    seen.add(id);
  }
  return seen;
}
