/**
 * `sockcheck timeline`: one column on several releases of its runtime, each
 * installed into sockcheck's cache first, then run as many at once as the
 * machine has cores; the report says, per case, the verdict on each release
 * and where it changed.
 *
 * @module
 */
import os from "node:os";
import { resolve } from "node:path";
import process from "node:process";
import { findColumn } from "../columns/registry.ts";
import { parseOptions, UsageError } from "../harness/args.ts";
import { casesFrom } from "../harness/cases.ts";
import { pool, runColumnProcess } from "../harness/start.ts";
import { buildTimeline, type Timeline, type VersionRun, writeTimeline } from "../report/mod.ts";
import { casesInOrder } from "../report/timeline.ts";
import { installProgress } from "./install_progress.ts";
import { checkExpectations, entriesFor, unknownColumn } from "./options.ts";
import { progress } from "./progress.ts";
import { releaseBinary, releasedRuntime, timelineReleases } from "./releases.ts";

const OPTIONS = {
  runtime: { type: "string" },
  versions: { type: "string" },
  since: { type: "string" },
  last: { type: "string" },
  out: { type: "string" },
  filter: { type: "string" },
  cases: { type: "string" },
} as const;

/**
 * `sockcheck timeline --runtime COLUMN (--versions A,B,... | --since X) [--last N] [--out DIR] [--filter GLOBS] [--cases FILE]`.
 * Writes `timeline.json`, `timeline.md` and `timeline.html`; exits 0 once
 * they are written, 1 when a release's column could not run at all, 2 on
 * bad usage (an unknown release, an unreachable registry, ...).
 *
 * @example
 * ```ts
 * import { timelineCommand } from "./timeline.ts";
 * process.exitCode = await timelineCommand(["--runtime", "node", "--versions", "20.20.2,22.23.3"]);
 * ```
 */
export async function timelineCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { options: OPTIONS });
  if (!values.runtime) throw new UsageError("timeline needs --runtime COLUMN");
  const column = findColumn(values.runtime) ?? unknownColumn(values.runtime);
  const cases = values.cases === undefined ? undefined : resolve(values.cases);
  const extra = cases === undefined ? undefined : await casesFrom(cases);
  const entries = entriesFor({ filter: values.filter, extra });
  checkExpectations(column, { extraIds: extra?.map((c) => c.id) });
  const versions = await timelineReleases(releasedRuntime(column), values);
  const out = values.out ?? "sockcheck-timeline";
  // Every release is in the cache before anything runs, so a bad one stops the timeline at once.
  const onProgress = installProgress();
  const binaries: string[] = [];
  for (const version of versions) binaries.push(await releaseBinary(column, version, { onProgress }));
  process.stderr.write(
    `${column.id} (${column.adapter.api}) on ${column.host.name} ${versions.join(", ")}: ${entries.length} cases each\n`,
  );

  const bar = progress(entries.length);
  const runs = await pool(versions.map((version, i) => async (): Promise<VersionRun> => {
    bar.start(version);
    const run = await runColumnProcess(column, {
      binary: binaries[i],
      entries,
      filter: values.filter,
      cases,
      onResult: (_, n) => bar.step(version, n),
    });
    bar.finish(run, version);
    return { version, run };
  }), os.availableParallelism?.() ?? os.cpus().length);
  bar.end();

  const timeline = buildTimeline(runs, entries);
  writeTimeline(timeline, out);
  process.stdout.write(summary(timeline, out));
  return runs.some(({ run }) => run.error && !run.results.length) ? 1 : 0;
}

/** The cases that changed, one line each, then the totals. */
function summary(t: Timeline, out: string): string {
  const changed = casesInOrder(t).filter((c) => t.cases[c.id]?.changes.length);
  const width = Math.max(0, ...changed.map((c) => c.id.length));
  const lines = changed.map((c) => {
    const tc = t.cases[c.id]!;
    const first = t.versions.find((v) => tc.cells[v.version])?.version ?? "";
    const steps = tc.changes.map((ch) => `${ch.to} from ${ch.version}`).join(", ");
    return `${c.id.padEnd(width)}  ${tc.changes[0]!.from} at ${first}, ${steps}`;
  });
  for (const v of t.versions) if (v.error) lines.push(`${v.version}: ${v.error}`);
  const versions = t.versions.map((v) => v.version);
  lines.push(
    `${t.column.id} over ${versions.length} releases (${versions[0]} → ${versions.at(-1)}): ` +
      `${changed.length} of ${t.catalog.length} cases change verdict; report in ${out}/`,
  );
  return lines.join("\n") + "\n";
}
