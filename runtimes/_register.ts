/**
 * Registers a column's cases with the host's test runner (`deno test`,
 * `bun test`, `node --test`). Each runner entry only supplies its `define`;
 * every case body is the catalog's.
 *
 * @module
 */
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import { precheck } from "../core/runner.ts";
import { CATALOG } from "../suites/catalog.ts";
import { findColumn } from "./columns.ts";
import { prepareColumn, runEntry } from "./_column.ts";
import type { RuntimeHost } from "./_host.ts";

/** One test as the host runner needs it. */
export interface TestDefinition {
  name: string;
  /** Why the case cannot run here (unsupported capability, missing fixture). */
  skip?: string;
  /** The runner's own limit, beyond the case's time limit plus cleanup. */
  timeoutMs: number;
  fn(): Promise<void>;
}

/** Headroom for cleanup and leak checks beyond a case's own time limit. */
const CLEANUP_MS = 3000;

/**
 * Registers every catalog case of `columnId` through `define`.
 *
 * @example
 * ```ts
 * import { registerColumn } from "./_register.ts";
 * import { host } from "./node/host.ts";
 * import { test } from "node:test";
 * await registerColumn("node", host, (t) => test(t.name, { skip: t.skip, timeout: t.timeoutMs }, t.fn));
 * ```
 */
export async function registerColumn(
  columnId: string,
  host: RuntimeHost,
  define: (test: TestDefinition) => void,
): Promise<void> {
  const column = findColumn(columnId);
  if (!column) throw new Error(`unknown column ${columnId}`);
  let prepared;
  try {
    prepared = await prepareColumn(column);
  } catch (err) {
    const message = (err as Error).message;
    define({ name: `[${columnId}] the expectations file is valid`, timeoutMs: 1000, fn: () => Promise.reject(new Error(message)) });
    return;
  }
  for (const entry of CATALOG) {
    const c = entry.case;
    const blocked = precheck(c, prepared.adapter, host);
    define({
      name: `[${columnId}] ${c.id}: ${c.title}`,
      skip: blocked ? `${blocked.verdict}: ${blocked.detail}` : undefined,
      timeoutMs: (c.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + CLEANUP_MS,
      async fn() {
        const { judgement } = await runEntry(prepared, host, entry);
        if (!judgement.ok) throw new Error(`${c.id} on ${columnId}: ${judgement.message}`);
      },
    });
  }
}
