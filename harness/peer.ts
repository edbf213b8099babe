/**
 * The reference peer of a column process or a test process: started once,
 * early, before any case takes its socket baseline (Node's child stdio pipes
 * are socket pairs, so the peer's pipes are counted in every baseline and
 * never taken for a leak), as this process's child, so inside its network
 * namespace (a lab namespace included). It ends with the process: closed at
 * the end of a column run, and killed by the kernel however the process
 * dies (peer/main.ts).
 *
 * The cases whose `sides` is `column+peer` wait for it to run; the others
 * never do, so its start overlaps the first cases.
 *
 * @module
 */
import process from "node:process";
import { sidesOf } from "../core/case.ts";
import { type Peer, UnavailableError } from "../core/peer.ts";
import type { FixtureStatus } from "../core/runner.ts";
import { startPeer } from "../peer/mod.ts";
import type { CatalogEntry } from "../suites/catalog.ts";

/** What the peer adds to a host once it has started, or failed to. */
export interface PeerPart {
  peer?: Peer;
  fixtures: { peer: FixtureStatus; peerColumnView: FixtureStatus };
}

/**
 * Whether any of `entries` needs the peer.
 *
 * @example
 * ```ts
 * import { needsPeer } from "./peer.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * needsPeer(CATALOG); // true: some cases run against the reference peer
 * ```
 */
export function needsPeer(entries: readonly CatalogEntry[]): boolean {
  return entries.some((e) => sidesOf(e.case) === "column+peer");
}

/**
 * Starts the peer where one of `entries` needs it (Linux only: the peer
 * reads the kernel through Linux calls); `undefined` otherwise, or the
 * reason there is none.
 *
 * @example
 * ```ts
 * import { startColumnPeer } from "./peer.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const started = startColumnPeer(CATALOG);
 * await started.peer?.close();
 * ```
 */
export function startColumnPeer(entries: readonly CatalogEntry[]): { peer?: Peer; reason?: string } {
  if (!needsPeer(entries)) return {};
  if (process.platform !== "linux") {
    return { reason: `the reference peer reads the kernel through Linux calls; this is ${process.platform}` };
  }
  return { peer: startPeer() };
}

/**
 * The peer of a column process whose parent asked for one (`--peer` among
 * `argv`), started before anything else loads; `undefined` otherwise, and
 * the column process starts one itself if its cases need it.
 *
 * @example
 * ```ts
 * import { startEarlyPeer } from "./peer.ts";
 * const peer = startEarlyPeer(["--column=node", "--peer"]);
 * await peer?.close();
 * ```
 */
export function startEarlyPeer(argv: readonly string[]): Peer | undefined {
  return argv.includes("--peer") && process.platform === "linux" ? startPeer() : undefined;
}

/**
 * The fixtures the peer gives once it has started: `peer` whether it runs,
 * `peerColumnView` whether it may read this process's sockets; both with
 * the reason where not.
 *
 * @example
 * ```ts
 * import { peerPart, startColumnPeer } from "./peer.ts";
 * import { CATALOG } from "../suites/catalog.ts";
 * const part = await peerPart(startColumnPeer(CATALOG));
 * console.log(part.fixtures.peer);
 * ```
 */
export async function peerPart(started: { peer?: Peer; reason?: string }): Promise<PeerPart> {
  const { peer } = started;
  if (!peer) {
    const reason = started.reason ?? "this process started no reference peer";
    return { fixtures: { peer: { ok: false, reason }, peerColumnView: { ok: false, reason } } };
  }
  try {
    const { columnView } = await peer.ready();
    const view: FixtureStatus = columnView.ok
      ? { ok: true }
      : { ok: false, reason: `the reference peer may not read this process's sockets: ${columnView.reason}` };
    return { peer, fixtures: { peer: { ok: true }, peerColumnView: view } };
  } catch (err) {
    const reason = err instanceof UnavailableError ? err.reason : (err as Error).message;
    return { fixtures: { peer: { ok: false, reason }, peerColumnView: { ok: false, reason } } };
  }
}
