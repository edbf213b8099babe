/**
 * `sockcheck bisect`: which two adjacent releases of a runtime one case's
 * verdict changes between, on one column. Binary search over the published
 * stable releases between the good and the bad one; each release tried is
 * installed into sockcheck's cache (or found there) and runs the one case.
 *
 * @module
 */
import { resolve } from "node:path";
import process from "node:process";
import { type Column, findColumn } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import { casesFrom, selectEntries } from "../harness/cases.ts";
import { runColumnProcess } from "../harness/start.ts";
import type { Verdict } from "../report/mod.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { bisectReleases, type Tried } from "./bisect_search.ts";
import { installProgress } from "./install_progress.ts";
import { checkExpectations, unknownColumn } from "./options.ts";
import { publishedBetween, releasedRuntime, releaseBinary, releaseNumber } from "./releases.ts";

const OPTIONS = {
  runtime: { type: "string" },
  case: { type: "string" },
  good: { type: "string" },
  bad: { type: "string" },
  cases: { type: "string" },
} as const;

/** What one release gave for the case. */
interface Outcome {
  verdict: Verdict;
  /** What the case observed, or why it did not pass. */
  said: string;
}

/**
 * `sockcheck bisect --runtime COLUMN --case ID --good V1 --bad V2 [--cases FILE]`.
 * Exits 0 when it found the two releases, 1 when both ends give the same
 * verdict, 2 on bad usage.
 *
 * @example
 * ```ts
 * import { bisectCommand } from "./bisect.ts";
 * process.exitCode = await bisectCommand([
 *   "--runtime", "bun-node", "--case", "udp.recv.boundaries", "--good", "1.4.5", "--bad", "1.1.0",
 * ]);
 * ```
 */
export async function bisectCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: OPTIONS });
  for (const option of ["runtime", "case", "good", "bad"] as const) {
    if (!values[option]) throw new UsageError(`bisect needs --${option}`);
  }
  const column = findColumn(values.runtime!) ?? unknownColumn(values.runtime!);
  const cases = values.cases === undefined ? undefined : resolve(values.cases);
  const extra = cases === undefined ? undefined : await casesFrom(cases);
  const entry = selectEntries({ extra }).find((e) => e.case.id === values.case);
  if (!entry) throw new UsageError(`no case has the id "${values.case}" (sockcheck list names them)`);
  checkExpectations(column, { extraIds: extra?.map((c) => c.id) });
  const good = releaseNumber(values.good!, "--good");
  const bad = releaseNumber(values.bad!, "--bad");
  if (good === bad) throw new UsageError(`--good and --bad are both ${good}: give two releases`);
  const versions = await publishedBetween(releasedRuntime(column), good, bad);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${entry.case.id} on ${column.id}: ${versions.length} published ${column.host.name} releases from ` +
    `${versions[0]} to ${versions.at(-1)}; good ${good}, bad ${bad}`);

  const started = performance.now();
  const onProgress = installProgress();
  const result = await bisectReleases(versions, {
    good,
    bad,
    measure: (version) => measure(column, { version, entry, cases, onProgress }),
    same: (a, b) => a.verdict === b.verdict,
    onTried: (tried) => out(`  tried ${line(tried)}`),
  });
  const took = `${result.tried.length} of ${versions.length} releases tried in ${seconds(performance.now() - started)}`;
  if (!result.boundary) {
    out(`${entry.case.id} gives ${result.tried[0].outcome.verdict} at both ${good} and ${bad}: no change to find (${took})`);
    return 1;
  }
  const { older, newer } = result.boundary;
  out(`${entry.case.id} on ${column.id} changes between ${column.host.name} ${older.version} and ${newer.version}, ` +
    `adjacent releases:`);
  out(`  ${line(older, 400)}`);
  out(`  ${line(newer, 400)}`);
  out(took);
  return 0;
}

/** Runs the one case on one release, installing it first if need be. */
async function measure(
  column: Column,
  options: { version: string; entry: CatalogEntry; cases?: string; onProgress: ReturnType<typeof installProgress> },
): Promise<Outcome> {
  const binary = await releaseBinary(column, options.version, { onProgress: options.onProgress });
  const id = options.entry.case.id;
  const run = await runColumnProcess(column, { binary, entries: [options.entry], filter: id, cases: options.cases });
  // The harness gives every case a result, a crash or timeout where the process never reported one.
  const reported = run.results.find((r) => r.id === id)!;
  const { verdict, observed, detail } = reported.result;
  const said = [observed, detail].filter(Boolean).join(" · ") || run.error || "";
  return { verdict, said: verdict === "pass" ? "" : said };
}

/** A release and its verdict, with what the case saw, on one line of at most about `max` characters. */
function line({ version, outcome }: Tried<Outcome>, max = 120): string {
  const said = outcome.said.replace(/\s+/g, " ");
  return `${version.padEnd(9)} ${outcome.verdict}${said ? `: ${said.length > max ? `${said.slice(0, max - 1)}…` : said}` : ""}`;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
