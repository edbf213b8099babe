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
  const bad = (path: string, problem: string): never => {
    throw new MatrixError(`${source}: ${path ? `${path} ` : ""}${problem}`.replace(/\s+/g, " "));
  };
  const object = (value: unknown, path: string): Obj =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Obj
      : bad(path, "must be an object");
  const array = (value: unknown, path: string): unknown[] =>
    Array.isArray(value) ? value : bad(path, "must be an array");
  const string = (o: Obj, key: string, path: string): string => {
    if (typeof o[key] === "string") return o[key] as string;
    const where = path ? `${path}.${key}` : key;
    return o[key] === undefined ? bad(where, "is missing") : bad(where, `must be a string (got ${got(o[key])})`);
  };
  const optionalString = (o: Obj, key: string, path: string): string | undefined =>
    o[key] === undefined ? undefined : string(o, key, path);
  const verdict = (o: Obj, key: string, path: string): Verdict =>
    VERDICTS.includes(o[key] as Verdict)
      ? o[key] as Verdict
      : bad(`${path}.${key}`, `must be one of ${VERDICTS.join(", ")} (got ${got(o[key])})`);

  const cell = (c: Obj, path: string): MatrixCell => {
    if (typeof c.ok !== "boolean") bad(`${path}.ok`, "must be a boolean");
    if (typeof c.ms !== "number" || !Number.isFinite(c.ms) || c.ms < 0) {
      bad(`${path}.ms`, "must be a non-negative number");
    }
    const out: MatrixCell = {
      verdict: verdict(c, "verdict", path),
      expected: verdict(c, "expected", path),
      ok: c.ok as boolean,
      observed: string(c, "observed", path),
      ms: c.ms as number,
    };
    for (const key of ["detail", "reason", "issue", "judgement"] as const) {
      const text = optionalString(c, key, path);
      if (text !== undefined) out[key] = text;
    }
    if (out.issue !== undefined && !/^https?:\/\//.test(out.issue)) bad(`${path}.issue`, "must be an http(s) URL");
    return out;
  };

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    bad("", `is not valid JSON (${(e as Error).message})`);
  }
  const root = object(data, "the file");
  if (root.schema !== MATRIX_SCHEMA) {
    bad("schema", `must be "${MATRIX_SCHEMA}" (got ${got(root.schema)})`);
  }
  const generated = string(root, "generated", "");
  if (!ISO_8601.test(generated) || Number.isNaN(Date.parse(generated))) {
    bad("generated", `must be an ISO-8601 date and time (got ${got(generated)})`);
  }
  const h = object(root.host, "host");
  const host: MatrixHost = {
    os: string(h, "os", "host"),
    release: string(h, "release", "host"),
    arch: string(h, "arch", "host"),
  };

  const columns = array(root.columns, "columns").map((value, i): MatrixColumn => {
    const path = `columns[${i}]`;
    const c = object(value, path);
    const column: MatrixColumn = {
      id: string(c, "id", path),
      runtime: string(c, "runtime", path),
      version: string(c, "version", path),
      api: string(c, "api", path),
    };
    if (c.exit !== undefined) {
      const e = object(c.exit, `${path}.exit`);
      const code = e.code === null || Number.isInteger(e.code)
        ? e.code as number | null
        : bad(`${path}.exit.code`, "must be an integer or null");
      const signal = e.signal === null ? null : string(e, "signal", `${path}.exit`);
      column.exit = { code, signal };
    }
    const error = optionalString(c, "error", path);
    if (error !== undefined) column.error = error;
    const notRun = optionalString(c, "notRun", path);
    if (notRun !== undefined) column.notRun = notRun;
    return column;
  });

  const catalog = array(root.catalog, "catalog").map((value, i): MatrixCase => {
    const path = `catalog[${i}]`;
    const c = object(value, path);
    const level = c.level === "kernel" || c.level === "runtime"
      ? c.level
      : bad(`${path}.level`, `must be "kernel" or "runtime" (got ${got(c.level)})`);
    return {
      id: string(c, "id", path),
      title: string(c, "title", path),
      semantic: string(c, "semantic", path),
      reference: string(c, "reference", path),
      topic: string(c, "topic", path),
      level,
    };
  });

  const columnIds = unique(columns.map((c) => c.id), (id) => bad("columns", `has column id "${id}" twice`));
  const caseIds = unique(catalog.map((c) => c.id), (id) => bad("catalog", `has case id "${id}" twice`));

  // Built with Object.fromEntries so that ids such as "__proto__" stay plain keys.
  const cells: Matrix["cells"] = Object.fromEntries(
    Object.entries(object(root.cells, "cells")).map(([columnId, byCase]) => {
      if (!columnIds.has(columnId)) bad(`cells.${columnId}`, "names no column in columns");
      const entries = Object.entries(object(byCase, `cells.${columnId}`));
      return [
        columnId,
        Object.fromEntries(entries.map(([caseId, value]) => {
          const path = `cells.${columnId}.${caseId}`;
          if (!caseIds.has(caseId)) bad(path, "names no case in catalog");
          return [caseId, cell(object(value, path), path)];
        })),
      ];
    }),
  );
  return { schema: MATRIX_SCHEMA, generated, host, columns, catalog, cells };
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
