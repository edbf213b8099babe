/**
 * The workerd column process: `node harness/workerd_main.ts --column ID
 * [--filter GLOBS] [--expectations FILE] [--concurrent] [--lab-unavailable
 * REASON] [--peer]`, started by the workerd host descriptor where the
 * harness starts harness/main.ts, and speaking the same protocol on stdout
 * (harness/protocol.ts). It starts the reference peer where a case needs
 * it, bundles the catalog into the worker (or reads the bundle kept from
 * before), starts `workerd serve` (the
 * binary the descriptor hands over in SOCKCHECK_WORKERD) and runs each case
 * in the worker, one HTTP request each; the peer and the lab's socket table
 * reach the worker through a loopback bridge. Cases run and are judged as
 * in every column process (harness/column.ts), so lab batches, expectations
 * and never-ran verdicts are the harness's own. Where the worker of the same
 * bundle listed its capabilities before and that listing leaves none of the
 * process's cases able to run, workerd is not started at all.
 *
 * @module
 */
import { createHash } from "node:crypto";
import process from "node:process";
import { keep, kept } from "../core/bundle.mjs";
import { findColumn } from "../columns/registry.ts";
import { loadExpectations } from "../columns/expectations.ts";
import type { Adapter } from "../core/adapter.ts";
import type { Case } from "../core/case.ts";
import { ExpectationsError } from "../core/expectations.ts";
import type { CaseResult } from "../core/result.ts";
import { neverRan } from "../core/result.ts";
import { type Host, precheck } from "../core/runner.ts";
import { parseOptions, UsageError } from "./args.ts";
import { selectEntries } from "./cases.ts";
import { blockedHere, type Outcome, type PreparedColumn, runEntry } from "./column.ts";
import { runWithSlowBatch } from "./slow_batch.ts";
import { needsPeer, peerPart } from "./peer.ts";
import { COLUMN_OPTIONS, emit } from "./protocol.ts";
import { peerOver, type PeerChannel, startPeerChannel } from "../peer/mod.ts";
import type { CatalogEntry } from "../suites/catalog.ts";
import { WORKERD, WORKERD_BINARY_ENV } from "../hosts/workerd.ts";
import { type Bridge, startBridge } from "../hosts/workerd/bridge_server.ts";
import { bundleWorker } from "../hosts/workerd/bundle.ts";
import { runInWorkerd } from "../hosts/workerd/client.ts";
import { host as nodeSide } from "../hosts/workerd/host.ts";
import { PATHS, type AdapterListing, type RunRequest } from "../hosts/workerd/protocol.ts";
import { installedWorkerd, startWorkerd, type WorkerdServer } from "../hosts/workerd/serve.ts";

/** What the column process started, to stop at the end. */
interface Started {
  channel?: PeerChannel;
  bridge?: Bridge;
  server?: WorkerdServer;
}

/** The adapter as a worker listed it: its capabilities, never called here. */
function listedAdapter(listing: AdapterListing): Adapter {
  const elsewhere = () => Promise.reject(new Error("the WinterTC adapter runs in the worker, not in the column process"));
  return { api: listing.api, capabilities: new Set(listing.capabilities), tcp: { connect: elsewhere, listen: elsewhere } };
}

/** Where the listing a worker gave for a bundle is kept: named by the bundle's own hash, so never stale. */
function listingName(code: string): string {
  return `worker-listing-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.json`;
}

/** The adapter as the running worker lists it, kept for its bundle. */
async function adapterOf(server: WorkerdServer, code: string): Promise<Adapter> {
  const listing = await (await fetch(`${server.url}${PATHS.adapter}`)).json() as AdapterListing;
  keep(listingName(code), JSON.stringify(listing));
  return listedAdapter(listing);
}

/**
 * The column without workerd, where the listing the same bundle's worker
 * gave before says that no case of `entries` can run here (each is
 * unsupported or skipped before it would reach the worker): starting
 * workerd for them would change nothing but the time taken.
 */
function withoutWorker(
  column: Omit<PreparedColumn, "adapter">,
  options: { code: string; entries: readonly CatalogEntry[] },
): PreparedColumn | undefined {
  // A case against the peer is judged with the peer there: this column has none.
  const listing = needsPeer(options.entries) ? undefined : kept(listingName(options.code));
  if (listing === undefined) return undefined;
  const offline: PreparedColumn = {
    ...column,
    adapter: listedAdapter(JSON.parse(listing) as AdapterListing),
    // As the worker answers a case it cannot run: the same check, over the capabilities it listed.
    runCase: (c, adapter, host) => Promise.resolve(neverRan(c.id, precheck(c, adapter, host)!)),
  };
  return options.entries.every((e) => blockedHere(offline, e.case)) ? offline : undefined;
}

/** Runs a case in the worker; a worker that does not answer gives a `crash` with why. */
function inWorker(server: WorkerdServer, bridge: Bridge): (c: Case, adapter: Adapter, host: Host) => Promise<CaseResult> {
  return async (c, _adapter, host) => {
    const request: RunRequest = { id: c.id, fixtures: host.fixtures, platform: host.platform, bridge: bridge.url };
    if (host.peer) request.peer = await host.peer.ready();
    if (host.lab) request.lab = { profile: host.lab.profile, names: host.lab.names };
    try {
      return await runInWorkerd(server.url, request, { limitMs: c.timeLimitMs });
    } catch (err) {
      const detail = `workerd gave no answer: ${(err as Error).message}\n${server.output().slice(-2000)}`;
      return { id: c.id, verdict: "crash", observed: "no answer", observations: {}, ms: 0, detail };
    }
  };
}

/** Starts the peer (where a case needs it), the bridge and workerd; the column ready to run. */
async function prepare(argv: string[], started: Started): Promise<{ prepared: PreparedColumn; entries: CatalogEntry[]; concurrent: boolean }> {
  const { values } = parseOptions(argv, { options: COLUMN_OPTIONS });
  if (!values.column) throw new UsageError("missing --column");
  const column = findColumn(values.column);
  if (!column) throw new UsageError(`unknown column "${values.column}"`);
  if (values.cases !== undefined) throw new UsageError("the workerd column runs the catalog's cases only: they are bundled into its worker");
  const entries = selectEntries({ filter: values.filter });
  const expectations = loadExpectations(column, { file: values.expectations });
  const labUnavailable = values["lab-unavailable"];
  const fixtures = labUnavailable === undefined ? nodeSide.fixtures : { ...nodeSide.fixtures, lab: { ok: false as const, reason: labUnavailable } };
  const base = { column, expectations, host: { ...nodeSide, fixtures } };
  const concurrent = values.concurrent ?? false;
  const { code } = await bundleWorker();
  const offline = withoutWorker(base, { code, entries });
  if (offline) return { prepared: offline, entries, concurrent };

  const linux = process.platform === "linux";
  started.channel = needsPeer(entries) && linux ? startPeerChannel() : undefined;
  const peer = started.channel && peerOver(started.channel);
  const reason = linux ? undefined : `the reference peer reads the kernel through Linux calls; this is ${process.platform}`;
  const tcpSockets = nodeSide.lab?.tcpSockets;
  started.bridge = await startBridge({ channel: started.channel, workerdPid: () => started.server?.pid, tcpSockets });
  started.server = await startWorkerd(code, { workerd: process.env[WORKERD_BINARY_ENV] });
  const prepared: PreparedColumn = {
    ...base,
    adapter: await adapterOf(started.server, code),
    peer: peerPart(peer ? { peer } : { reason }),
    runCase: inWorker(started.server, started.bridge),
  };
  return { prepared, entries, concurrent };
}

/** Runs the column `argv` names and reports on stdout. */
async function runColumn(argv: string[], started: Started): Promise<void> {
  const { prepared, entries, concurrent } = await prepare(argv, started);
  const { column, host } = prepared;
  const version = process.env[WORKERD_BINARY_ENV] ? await binaryVersion(process.env[WORKERD_BINARY_ENV]!) : host.version;
  emit({ type: "start", column: column.id, runtime: host.runtime, version, api: column.adapter.api, cases: entries.length });
  const report = ({ entry, result, judgement, expectation }: Outcome) =>
    emit({ type: "result", id: entry.case.id, result, judgement, expectation });
  if (concurrent) await runWithSlowBatch(prepared, { entries, report });
  else for (const entry of entries) report(await runEntry(prepared, entry));
  emit({ type: "end" });
}

/** The version the descriptor found for the binary it handed over (`workerd --version`), or the package's. */
async function binaryVersion(binary: string): Promise<string> {
  const lookup = await WORKERD.find(binary === installedWorkerd().path ? undefined : binary);
  return lookup.found ? lookup.version : nodeSide.version;
}

const started: Started = {};
try {
  await runColumn(process.argv.slice(2), started);
} catch (err) {
  // Bad input is reported and ends the process; anything else is a crash, which the parent reports.
  if (!(err instanceof UsageError || err instanceof ExpectationsError)) throw err;
  emit({ type: "error", message: err.message });
  process.exitCode = 2;
} finally {
  await started.server?.stop();
  await started.bridge?.close();
  // Its stdin ends, and it exits; the kernel ends it with this process anyway.
  void started.channel?.close();
}
// Sockets left behind must not keep the process alive.
process.exit();
