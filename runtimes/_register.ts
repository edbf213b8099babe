/**
 * Registers a column's cases with the host's test runner (`deno test`,
 * `bun test`, `node --test`). Each runner entry only supplies its `define`;
 * every case body is the catalog's.
 *
 * The fault lab's cases cannot run in the test process itself, which is
 * not in a lab namespace: their tests take their results from lab column
 * processes (runColumnProcess, which wraps each in a fresh namespace per
 * profile), started once and shared by every registered lab test. The lab
 * tests are registered after the column's other tests, and the first of
 * them (of any column this process registers) starts the lab runs of every
 * such column at once and waits for all of them: so the lab columns overlap
 * each other, and no lab child process is alive while a test of the host
 * runs. That matters for the leak check: Node and Bun give a child's stdio
 * pipes as socket descriptors, which the host's socket count would see.
 * Where the lab cannot be made, the lab's cases are registered as skipped
 * with the reason, and the cases that only prefer the lab run here.
 *
 * @module
 */
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import { labStatus } from "../lab/availability.ts";
import { placeEntries } from "../lab/placement.ts";
import { CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { type Column, findColumn } from "./columns.ts";
import { blockedHere, prepareColumn, runEntry } from "./_column.ts";
import type { RuntimeHost } from "./_host.ts";
import { defaultBinaries } from "./launch.ts";
import { type ColumnRun, runBudgetMs, runColumnProcess } from "./spawn.ts";

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

/** The lab runs of the columns this process registered, started together by the first lab test. */
const labPlans: { column: Column; entries: CatalogEntry[]; run?: Promise<ColumnRun> }[] = [];
let labRunsDone: Promise<void> | undefined;

function runLabs(): Promise<void> {
  return labRunsDone ??= (async () => {
    const binaries = defaultBinaries();
    for (const plan of labPlans) plan.run = runColumnProcess(plan.column, { binaries, entries: plan.entries });
    await Promise.all(labPlans.map((plan) => plan.run));
  })();
}

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
  const status = await labStatus();
  const placed = placeEntries(CATALOG, status.ok);
  // Here the lab's fixture says why the lab could not be made.
  const here: RuntimeHost = status.ok ? host : { ...host, fixtures: { ...host.fixtures, lab: status } };
  for (const entry of placed.host) {
    const c = entry.case;
    const blocked = blockedHere(prepared, c, here);
    define({
      name: `[${columnId}] ${c.id}: ${c.title}`,
      skip: blocked ? `${blocked.verdict}: ${blocked.detail}` : undefined,
      timeoutMs: (c.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + CLEANUP_MS,
      async fn() {
        const { judgement } = await runEntry(prepared, here, entry);
        if (!judgement.ok) throw new Error(`${c.id} on ${columnId}: ${judgement.message}`);
      },
    });
  }

  const inLab = [...placed.lab.values()].flat();
  if (!inLab.length) return;
  const plan: (typeof labPlans)[number] = { column, entries: inLab };
  labPlans.push(plan);
  // In the lab the `lab` fixture is there; only a missing capability keeps a case out.
  const labHost: RuntimeHost = { ...host, fixtures: { ...host.fixtures, lab: { ok: true } } };
  for (const entry of inLab) {
    const c = entry.case;
    const blocked = blockedHere(prepared, c, labHost);
    define({
      name: `[${columnId}] ${c.id}: ${c.title}`,
      skip: blocked ? `${blocked.verdict}: ${blocked.detail}` : undefined,
      // The first lab test waits for every lab run of this process; they run
      // at the same time, each over the same lab cases, each killed at its budget.
      timeoutMs: runBudgetMs(inLab) + CLEANUP_MS,
      async fn() {
        await runLabs();
        const run = await plan.run!;
        const reported = run.results.find((r) => r.id === c.id);
        if (!reported) throw new Error(`${c.id} on ${columnId}: the lab's column process did not report it${run.error ? `: ${run.error}` : ""}`);
        if (!reported.judgement.ok) throw new Error(`${c.id} on ${columnId} (in the lab): ${reported.judgement.message}`);
      },
    });
  }
}
