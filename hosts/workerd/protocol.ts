/**
 * What the host and the worker say to each other over HTTP: the host asks
 * for the case list (`GET /cases`) and runs one case per request
 * (`POST /run`), so a case's sockets live and die within its own request,
 * as workerd requires of sockets.
 *
 * @module
 */
import type { Capability } from "../../core/adapter.ts";
import type { Fixture, LabProfile } from "../../core/case.ts";
import type { PeerReady } from "../../core/peer.ts";
import type { FixtureStatus } from "../../core/runner.ts";

/** One case to run, and what the host knows that the worker cannot see. */
export interface RunRequest {
  id: string;
  /** The fixtures as the host found them (the worker cannot look at the machine). */
  fixtures?: Partial<Record<Fixture, FixtureStatus>>;
  /** The host's `process.platform`. */
  platform?: string;
  /** Ports of peers the host started, by name, for cases whose other side runs outside workerd. */
  ports?: Record<string, number>;
  /**
   * The column process's bridge (`http://127.0.0.1:<port>`): the reference
   * peer's requests ({@linkcode BRIDGE_PATHS}.peer) and the lab's socket
   * table ({@linkcode BRIDGE_PATHS}.tcpSockets) go there.
   */
  bridge?: string;
  /** The reference peer, for a `column+peer` case: as it said it runs. */
  peer?: PeerReady;
  /** The lab namespace workerd runs in, for a lab case: its profile and the names its files answer for. */
  lab?: { profile: LabProfile; names: readonly string[] };
}

/** One request to the reference peer through the bridge: the wire protocol's, with the worker's own channel. */
export interface BridgedRequest {
  /** Names the worker-side channel, so that request ids of concurrent cases never meet. */
  channel: string;
  id: number;
  op: string;
  args: Record<string, unknown>;
}

/** What `GET /adapter` answers: the adapter as the worker has it. */
export interface AdapterListing {
  api: string;
  capabilities: Capability[];
}

/** A line of `GET /cases`. */
export interface CaseListing {
  id: string;
  topic: string;
}

/** The paths the worker answers. */
export const PATHS = { cases: "/cases", run: "/run", adapter: "/adapter" } as const;

/** The paths the column process's bridge answers. */
export const BRIDGE_PATHS = { peer: "/peer", tcpSockets: "/tcp-sockets" } as const;
