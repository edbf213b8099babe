/**
 * Where each case runs: on the host, or inside a lab namespace of a given
 * profile. A case runs in the lab when the lab can be made and the case
 * either needs it (the `lab` fixture) or prefers it (`lab.preferred`:
 * wildcard listeners). Without the lab, every case runs on the host, where
 * the ones that need the lab are `skipped` with the lab's reason.
 *
 * @module
 */
import type { Case, LabProfile } from "../core/case.ts";
import { DEFAULT_LAB_PROFILE } from "./profiles.ts";

/** Whether the case cannot run anywhere but in the lab. */
export function needsLab(c: Case): boolean {
  return c.requires?.fixtures?.includes("lab") ?? false;
}

/** The profile the case runs in when the lab is available, or `undefined` for the host. */
function labProfileOf(c: Case): LabProfile | undefined {
  return needsLab(c) || c.lab?.preferred ? c.lab?.profile ?? DEFAULT_LAB_PROFILE : undefined;
}

/** Entries split by where they run. */
export interface Placement<E> {
  host: E[];
  /** Profile → entries, for the lab's column processes. Empty without the lab. */
  lab: Map<LabProfile, E[]>;
}

/**
 * Splits `entries` by where they run, keeping their order.
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
  const placement: Placement<E> = { host: [], lab: new Map() };
  for (const entry of entries) {
    const profile = labAvailable ? labProfileOf(entry.case) : undefined;
    if (!profile) placement.host.push(entry);
    else placement.lab.set(profile, [...placement.lab.get(profile) ?? [], entry]);
  }
  return placement;
}
