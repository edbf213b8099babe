/**
 * The worker's end of the bridge to the reference peer: a PeerChannel whose
 * requests are HTTP requests to the column process, which hands them to
 * the peer process it started and answers with the peer's answer. The
 * worker cannot start processes; the column process, a Node process, can.
 *
 * Request ids are the worker's; the column process maps them to the
 * peer's (`cancel`, `bulk.stop` and `bulk.running` name a request by id).
 *
 * @module
 */
import type { PeerReady } from "../../core/peer.ts";
import { fromWireError, type Op, type Operations, type PeerChannel, type Response } from "../../peer/wire.ts";
import { BRIDGE_PATHS, type BridgedRequest } from "./protocol.ts";

/** A PeerChannel over the column process's bridge at `bridge`, for one case. */
export class BridgeChannel implements PeerChannel {
  readonly ready: Promise<PeerReady>;
  readonly pid: number | undefined;
  #url: string;
  #channel = crypto.randomUUID();
  #nextId = 1;

  constructor(bridge: string, ready: PeerReady) {
    this.#url = `${bridge}${BRIDGE_PATHS.peer}`;
    this.ready = Promise.resolve(ready);
    this.pid = ready.pid;
  }

  request<K extends Op>(op: K, args: Operations[K]["args"]): { id: number; result: Promise<Operations[K]["result"]> } {
    const id = this.#nextId++;
    const body: BridgedRequest = { channel: this.#channel, id, op, args: args as Record<string, unknown> };
    const result = fetch(this.#url, { method: "POST", body: JSON.stringify(body) }).then(async (response) => {
      if (!response.ok) throw new Error(`reference peer bridge: ${response.status} ${(await response.text()).trim()}`);
      const answer = await response.json() as Response;
      if ("error" in answer) throw fromWireError(answer.error);
      return answer.result as Operations[K]["result"];
    });
    return { id, result };
  }

  call<K extends Op>(op: K, args: Operations[K]["args"]): Promise<Operations[K]["result"]> {
    return this.request(op, args).result;
  }

  /** The column process owns the peer: a case never ends it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
