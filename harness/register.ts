/**
 * Registers a host's columns with its runtime's own test runner (`deno
 * test`, `bun test`, `node --test`). Each runner's entry (hosts/<runtime>/)
 * only supplies its `define`; every case body is the catalog's.
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
 * The test process starts one reference peer, before it registers anything
 * (so before any test takes its socket baseline), shared by every column it
 * registers: the `column+peer` cases run here as in a column process, and
 * are skipped with the reason where the peer cannot start. It ends with the
 * test process.
 *
 * @module
 */
import { DEFAULT_TIME_LIMIT_MS } from "../core/case.ts";
import { type Column, COLUMNS } from "../columns/registry.ts";
import type { HostNeed } from "../hosts/descriptor.ts";
import type { RuntimeHost, TestDefinition } from "../hosts/in_process.ts";
import { placeEntries } from "../lab/placement.ts";
import { CATALOG, type CatalogEntry } from "../suites/catalog.ts";
import { runBudgetMs } from "./budget.ts";
import { blockedHere, type PreparedColumn, prepareColumn, runEntry, withFixtures, withPeer } from "./column.ts";
import { type PeerPart, peerPart, startColumnPeer } from "./peer.ts";
import { type ColumnRun, labHere, runColumnProcess } from "./start.ts";

/** Headroom for cleanup and leak checks beyond a case's own time limit. */
const CLEANUP_MS = 3000;

/** The lab runs of the columns this process registered, started together by the first lab test. */
const labPlans: { column: Column; entries: CatalogEntry[]; host: RuntimeHost; run?: Promise<ColumnRun> }[] = [];
let labRunsDone: Promise<void> | undefined;
/** This test process's reference peer, started by the first registration. */
let testPeer: Promise<PeerPart> | undefined;

function runLabs(): Promise<void> {
  return labRunsDone ??= (async () => {
    for (const plan of labPlans) {
      plan.run = runColumnProcess(plan.column, { entries: plan.entries, start: plan.host.startChild });
    }
    await Promise.all(labPlans.map((plan) => plan.run));
  })();
}

/** How a test runner's entry registers its host's columns. */
export interface RegisterOptions {
  /** Registers one test with the runner. */
  define: (test: TestDefinition) => void;
  /** Registers the columns whose adapter needs exactly these (the runner's permissions grant them); none by default. */
  needs?: readonly HostNeed[];
}

/**
 * Registers every catalog case of each column `host` runs through
 * `options.define`.
 *
 * @example
 * ```ts
 * import { registerColumns } from "./register.ts";
 * import { host } from "../hosts/node/host.ts";
 * import { test } from "node:test";
 * await registerColumns(host, { define: (t) => test(t.name, { skip: t.skip, timeout: t.timeoutMs }, t.fn) });
 * ```
 */
export async function registerColumns(host: RuntimeHost, options: RegisterOptions): Promise<void> {
  testPeer ??= peerPart(startColumnPeer(CATALOG));
  const needs = [...options.needs ?? []].sort().join(",");
  const columns = COLUMNS.filter((c) => c.host.name === host.runtime && [...c.adapter.needs ?? []].sort().join(",") === needs);
  for (const column of columns) await registerColumn(column, { host, define: options.define });
}

/** Registers one column's cases: those it runs here, then those it runs in the lab. */
async function registerColumn(column: Column, options: { host: RuntimeHost; define: (test: TestDefinition) => void }): Promise<void> {
  const { host, define } = options;
  let prepared: PreparedColumn;
  try {
    prepared = await withPeer(await prepareColumn(column, { host, peer: testPeer }));
  } catch (err) {
    const message = (err as Error).message;
    define({ name: `[${column.id}] the expectations file is valid`, timeoutMs: 1000, fn: () => Promise.reject(new Error(message)) });
    return;
  }
  const status = await labHere({ start: host.startChild });
  const placed = placeEntries(CATALOG, status.ok);
  // Here the lab's fixture says why the lab could not be made.
  const here = status.ok ? prepared : withFixtures(prepared, { lab: status });
  for (const entry of placed.host) define(hostTest(here, entry));

  const inLab = [...placed.lab.values()].flat();
  if (!inLab.length) return;
  const plan: (typeof labPlans)[number] = { column, entries: inLab, host };
  labPlans.push(plan);
  // In the lab the `lab` fixture is there; only a missing capability keeps a case out.
  const labbed = withFixtures(prepared, { lab: { ok: true } });
  for (const entry of inLab) define(labTest(labbed, { entry, plan, budgetMs: runBudgetMs(inLab) }));
}

/** The name and skip reason of a case's test on a column. */
function testOf(prepared: PreparedColumn, entry: CatalogEntry): Pick<TestDefinition, "name" | "skip"> {
  const blocked = blockedHere(prepared, entry.case);
  return { name: `[${prepared.column.id}] ${entry.case.id}: ${entry.case.title}`, skip: blocked && `${blocked.verdict}: ${blocked.detail}` };
}

/** A case run in this process. */
function hostTest(prepared: PreparedColumn, entry: CatalogEntry): TestDefinition {
  const c = entry.case;
  return {
    ...testOf(prepared, entry),
    timeoutMs: (c.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + CLEANUP_MS,
    async fn() {
      const { judgement } = await runEntry(prepared, entry);
      if (!judgement.ok) throw new Error(`${c.id} on ${prepared.column.id}: ${judgement.message}`);
    },
  };
}

/** A case whose result comes from the column's lab run. */
function labTest(
  prepared: PreparedColumn,
  options: { entry: CatalogEntry; plan: (typeof labPlans)[number]; budgetMs: number },
): TestDefinition {
  const { entry, plan } = options;
  const c = entry.case;
  const columnId = prepared.column.id;
  return {
    ...testOf(prepared, entry),
    // The first lab test waits for every lab run of this process; they run
    // at the same time, each over the same lab cases, each killed at its budget.
    timeoutMs: options.budgetMs + CLEANUP_MS,
    async fn() {
      await runLabs();
      const run = await plan.run!;
      const reported = run.results.find((r) => r.id === c.id);
      if (!reported) throw new Error(`${c.id} on ${columnId}: the lab's column process did not report it${run.error ? `: ${run.error}` : ""}`);
      if (!reported.judgement.ok) throw new Error(`${c.id} on ${columnId} (in the lab): ${reported.judgement.message}`);
    },
  };
}
