/**
 * Where each case runs: on the host, or inside a lab namespace of a given
 * profile. Without the lab, every case runs on the host, where the ones that
 * need the lab are `skipped` with the lab's reason. With it, the column
 * processes (`sockcheck run`, `matrix`) run every case in the lab
 * ({@linkcode labProcessesFor}); a test runner, which runs cases in its own
 * process, sends to the lab only those that need it (the `lab` fixture) or
 * prefer it (`lab.preferred`: wildcard listeners) ({@linkcode placeEntries}).
 *
 * @module
 */
import type { Case, LabProfile } from "../core/case.ts";
import { DEFAULT_LAB_PROFILE } from "./profiles.ts";

/** Whether the case cannot run anywhere but in the lab. */
export function needsLab(c: Case): boolean {
  return c.requires?.fixtures?.includes("lab") ?? false;
}

/** Whether a test runner sends the case to the lab, where there is one: it needs the lab, or prefers it. */
function runsInLab(c: Case): boolean {
  return needsLab(c) || c.lab?.preferred === true;
}

/** Entries split by where they run. */
export interface Placement<E> {
  host: E[];
  /** Profile → entries, for the lab's column processes. Empty without the lab. */
  lab: Map<LabProfile, E[]>;
}

/**
 * Splits `entries` by where they run, keeping their order: what a test
 * runner runs in its own process (`host`), and what it runs in the lab.
 *
 * @example
 * ```ts
 * import { placeEntries } from "./placement.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const { host, lab } = placeEntries(CATALOG, true);
 * console.log(host.length, [...lab.keys()]);
 * ```
 */
export function placeEntries<E extends { case: Case }>(entries: readonly E[], labAvailable: boolean): Placement<E> {
  if (!labAvailable) return { host: [...entries], lab: new Map() };
  return { host: entries.filter((e) => !runsInLab(e.case)), lab: labProcessesFor(entries.filter((e) => runsInLab(e.case))) };
}

/**
 * Splits `entries` among a column's processes in the lab, keeping their
 * order: one process per profile, and the cases that need no namespace of
 * their own run in the default profile's (a namespace the project made,
 * loopback only, whose one changed sysctl matters only to a SYN that gets no
 * answer): a process fewer per column than running them on the host.
 *
 * @example
 * ```ts
 * import { labProcessesFor } from "./placement.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * console.log([...labProcessesFor(CATALOG).keys()]); // ["syn-retries-1", "syn-retries-2-ipv4-only"]
 * ```
 */
export function labProcessesFor<E extends { case: Case }>(entries: readonly E[]): Map<LabProfile, E[]> {
  const places = new Map<LabProfile, E[]>();
  for (const entry of entries) {
    const profile = entry.case.lab?.profile ?? DEFAULT_LAB_PROFILE;
    if (!places.has(profile)) places.set(profile, []);
    places.get(profile)!.push(entry);
  }
  return places;
}
