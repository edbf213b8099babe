/**
 * Cases from a module of one's own (`--cases FILE`): the `cases` it
 * exports run instead of the catalog's, for the runner's own tests and for
 * adapter authors trying cases of their own.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Case } from "../core/case.ts";
import { importModule } from "../core/load_module.ts";
import { idFilter } from "../core/filter.ts";
import { CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { UsageError } from "./args.ts";

/**
 * The cases `file` exports as `cases`; a UsageError with one line if it
 * cannot be loaded or exports none.
 *
 * @example
 * ```ts
 * import { casesFrom } from "./cases.ts";
 * const cases = await casesFrom("test/fixtures/errno_cases.ts");
 * console.log(cases.map((c) => c.id)); // ["fixture.refused"]
 * ```
 */
export async function casesFrom(file: string): Promise<Case[]> {
  let cases: unknown;
  try {
    cases = (await importModule(pathToFileURL(resolve(file))) as { cases?: unknown }).cases;
  } catch (err) {
    throw new UsageError(`cannot load cases from ${file}: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!Array.isArray(cases) || !cases.every((c) => typeof c?.id === "string" && typeof c?.run === "function")) {
    throw new UsageError(`${file} exports no \`cases\` array of cases`);
  }
  return cases;
}

/**
 * The entries to run: the catalog's, or the `extra` cases instead, those
 * whose ids `filter` selects.
 *
 * @example
 * ```ts
 * import { selectEntries } from "./cases.ts";
 * console.log(selectEntries({ filter: "tcp.connect.*" }).length);
 * ```
 */
export function selectEntries(options: { filter?: string; extra?: readonly Case[] }): CatalogEntry[] {
  const pool = options.extra ? options.extra.map((c) => ({ topic: "extra", case: c })) : CATALOG;
  const selected = idFilter(options.filter);
  return pool.filter((e) => selected(e.case.id));
}
