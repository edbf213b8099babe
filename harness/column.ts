/**
 * One column inside its runtime: its adapter loaded, its expectations read,
 * the host bound to it, and each case run and judged against the column's
 * expectation for it.
 *
 * @module
 */
import process from "node:process";
import os from "node:os";
import type { Adapter } from "../core/adapter.ts";
import { type Case, sidesOf } from "../core/case.ts";
import { type Expectation, type Expectations, type Judgement, judge } from "../core/expectations.ts";
import { type CaseResult, type NeverRan, neverRan } from "../core/result.ts";
import { precheck, runCase } from "../core/runner.ts";
import { type ExpectationsSource, loadExpectations } from "../columns/expectations.ts";
import { type Column, loadAdapter } from "../columns/registry.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import { needsLab } from "../lab/placement.ts";
import { DEFAULT_LAB_PROFILE } from "../lab/profiles.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import type { PeerPart } from "./peer.ts";

/** A column ready to run on a host. */
export interface PreparedColumn {
  column: Column;
  adapter: Adapter;
  expectations: Expectations;
  /** The host as the column's cases see it (see {@linkcode hostFor}). */
  host: RuntimeHost;
  /** Why the column cannot run on this platform: every case is skipped with it. */
  unavailable?: string;
  /**
   * The reference peer's part of the host, once the peer has started (or
   * failed to): the cases that need the peer wait for it, the others never do.
   */
  peer?: Promise<PeerPart>;
  /**
   * Where a case runs: in this process by default (the runner's
   * `runCase`); a host whose runtime runs outside this process (workerd's
   * worker) forwards it there. Never throws, as `runCase`.
   */
  runCase?: typeof runCase;
}

/** Stands in for an adapter that cannot be loaded on this platform; never called. */
function absentAdapter(column: Column): Adapter {
  const absent = () => Promise.reject(new Error(`${column.id} is not available here`));
  return { api: column.adapter.api, capabilities: new Set(), tcp: { connect: absent, listen: absent } };
}

/**
 * Loads a column's expectations (its own, or `source`'s) and, where its
 * adapter works on this platform, the adapter; binds `host` to the column.
 * Throws ExpectationsError for a bad expectations file.
 */
export async function prepareColumn(
  column: Column,
  options: { host: RuntimeHost; source?: ExpectationsSource; peer?: Promise<PeerPart> },
): Promise<PreparedColumn> {
  const expectations = loadExpectations(column, options.source);
  const host = hostFor(column, options.host);
  const { peer } = options;
  const platforms = column.adapter.platforms;
  if (platforms && !platforms.includes(process.platform)) {
    const unavailable = `the ${column.id} column runs on ${platforms.join(", ")} only, not on ${process.platform}`;
    return { column, adapter: absentAdapter(column), expectations, host, unavailable, peer };
  }
  return { column, adapter: await loadAdapter(column), expectations, host, peer };
}

/**
 * The column with the peer's part in its host (the peer, and the `peer` and
 * `peerColumnView` fixtures), once the peer has started or failed to; as it
 * is where this process has no peer.
 */
export async function withPeer(prepared: PreparedColumn): Promise<PreparedColumn> {
  if (!prepared.peer) return prepared;
  const { peer, fixtures } = await prepared.peer;
  const host = { ...prepared.host, peer, fixtures: { ...prepared.host.fixtures, ...fixtures } };
  return { ...prepared, host, peer: undefined };
}

/**
 * The host as a column's cases see it: its socket directory the column's
 * own, where the runtime keeps them at fixed paths.
 */
function hostFor(column: Column, host: RuntimeHost): RuntimeHost {
  const { socketDirFor } = host;
  return socketDirFor ? { ...host, socketDir: () => socketDirFor(column.id) } : host;
}

/** The version a column reports: the runtime's, or for the kernel reference the kernel's release. */
export function columnVersion(column: Column, host: RuntimeHost): string {
  return column.adapter.reference ? `${os.type()} ${os.release()}` : host.version;
}

/** The same column with some of its host's fixtures replaced (the test runners' `lab`). */
export function withFixtures(prepared: PreparedColumn, fixtures: RuntimeHost["fixtures"]): PreparedColumn {
  return { ...prepared, host: { ...prepared.host, fixtures: { ...prepared.host.fixtures, ...fixtures } } };
}

/** Why a case cannot run in this prepared column here, or `undefined`. */
export function blockedHere(prepared: PreparedColumn, c: Case): NeverRan | undefined {
  if (prepared.unavailable) return { verdict: "skipped", detail: prepared.unavailable };
  return precheck(c, prepared.adapter, prepared.host);
}

/** One case's outcome on one column. */
export interface Outcome {
  entry: CatalogEntry;
  result: CaseResult;
  judgement: Judgement;
  expectation?: Expectation;
}

/** Runs one catalog entry and judges it. */
export async function runEntry(column: PreparedColumn, entry: CatalogEntry): Promise<Outcome> {
  const prepared = sidesOf(entry.case) === "column+peer" ? await withPeer(column) : column;
  const { adapter, host, unavailable } = prepared;
  const why = unavailable ? { verdict: "skipped" as const, detail: unavailable } : wrongProfile(entry.case, host);
  const result = why ? neverRan(entry.case.id, why) : await (prepared.runCase ?? runCase)(entry.case, adapter, host);
  return judged(prepared, { entry, result });
}

/** A result held against the column's expectation for its case. */
export function judged(prepared: PreparedColumn, run: { entry: CatalogEntry; result: CaseResult }): Outcome {
  const { entry, result } = run;
  const expectation = prepared.expectations.get(entry.case.id);
  const judgement = judge(result, expectation, { level: entry.case.level, reference: prepared.adapter.reference });
  return { entry, result, judgement, expectation };
}

/** A lab case in a namespace of another profile than the one it needs is skipped, not run. */
function wrongProfile(c: Case, host: RuntimeHost): NeverRan | undefined {
  const needed = c.lab?.profile ?? DEFAULT_LAB_PROFILE;
  if (!host.lab || !needsLab(c) || needed === host.lab.profile) return undefined;
  return { verdict: "skipped", detail: `needs the lab profile ${needed}; this process runs in ${host.lab.profile}` };
}
