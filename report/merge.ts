/**
 * Merges matrices measured apart (one CI job per column, OS or runtime
 * version) into one, so they can be compared side by side.
 *
 * @module
 */
import { type Matrix, MATRIX_SCHEMA } from "./schema.ts";

/**
 * One matrix holding every column of `matrices`. A column id that occurs
 * more than once is told apart by OS and version: `deno (Darwin, 2.9.6)`.
 * The catalog is the union, in first-seen order; the host is the first's.
 *
 * @example
 * ```ts
 * import { mergeMatrices } from "./merge.ts";
 * import type { Matrix } from "./schema.ts";
 * declare const linux: Matrix, mac: Matrix;
 * const both = mergeMatrices([linux, mac]);
 * ```
 */
export function mergeMatrices(matrices: Matrix[]): Matrix {
  if (!matrices.length) throw new Error("nothing to merge");
  const seen = new Map<string, number>();
  for (const m of matrices) for (const c of m.columns) seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
  const merged: Matrix = {
    schema: MATRIX_SCHEMA,
    generated: new Date().toISOString(),
    host: matrices[0].host,
    columns: [],
    catalog: [],
    cells: {},
  };
  const known = new Set<string>();
  for (const m of matrices) {
    for (const c of m.catalog) {
      if (!known.has(c.id)) merged.catalog.push(c), known.add(c.id);
    }
    for (const c of m.columns) {
      let id = seen.get(c.id)! > 1 ? `${c.id} (${m.host.os}, ${c.version})` : c.id;
      for (let n = 2; merged.cells[id]; n++) id = `${c.id} (${m.host.os}, ${c.version}) #${n}`;
      merged.columns.push({ ...c, id });
      merged.cells[id] = m.cells[c.id] ?? {};
    }
  }
  return merged;
}
