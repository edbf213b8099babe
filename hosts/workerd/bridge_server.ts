/**
 * The column process's end of the bridge: a loopback HTTP server through
 * which the worker reaches what only a process can (the reference peer the
 * column process started, the lab namespace's socket table). Each peer
 * request is handed to the peer as it came, with two translations: a
 * request the worker names by its own id (`cancel`, `bulk.stop`,
 * `bulk.running`) is named by the peer's id for it, and a column-socket
 * query that names no process names workerd's, where the column's sockets
 * live (the peer's default is its parent, this process).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TcpTableEntry } from "../../core/case.ts";
import { type Op, type Operations, type PeerChannel, toWireError } from "../../peer/wire.ts";
import { BRIDGE_PATHS, type BridgedRequest } from "./protocol.ts";

/** What the bridge reaches. */
export interface BridgeTargets {
  /** The peer's channel; absent where no peer runs. */
  channel?: PeerChannel;
  /** workerd's process id, once it runs. */
  workerdPid(): number | undefined;
  /** The socket table of this namespace; absent outside the lab. */
  tcpSockets?(): Promise<TcpTableEntry[]>;
}

/** A running bridge. */
export interface Bridge {
  url: string;
  close(): Promise<void>;
}

const BY_REQUEST_ID = new Set(["cancel", "bulk.stop", "bulk.running"]);
const OF_A_PROCESS = new Set(["column.find", "column.memory"]);

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8").on("data", (chunk: string) => text += chunk).on("end", () => resolve(text)).on("error", reject);
  });
}

function answer(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

/** Hands one bridged request to the peer and answers with the peer's answer. */
async function forward(targets: BridgeTargets, ids: Map<string, number>, request: BridgedRequest): Promise<unknown> {
  const { channel, id, op } = request;
  const args = { ...request.args };
  if (BY_REQUEST_ID.has(op)) args.target = ids.get(`${channel}:${args.target}`) ?? -1;
  if (OF_A_PROCESS.has(op) && args.pid === undefined) args.pid = targets.workerdPid();
  const sent = targets.channel!.request(op as Op, args as Operations[Op]["args"]);
  ids.set(`${channel}:${id}`, sent.id);
  try {
    return { id, result: await sent.result };
  } catch (err) {
    return { id, error: toWireError(err) };
  } finally {
    ids.delete(`${channel}:${id}`);
  }
}

/**
 * Starts the bridge on 127.0.0.1 (a port the kernel chooses).
 *
 * @example
 * ```ts
 * import { startBridge } from "./bridge_server.ts";
 * const bridge = await startBridge({ workerdPid: () => undefined });
 * console.log(bridge.url);
 * await bridge.close();
 * ```
 */
export async function startBridge(targets: BridgeTargets): Promise<Bridge> {
  const ids = new Map<string, number>();
  const server = createServer(async (request, response) => {
    try {
      const { pathname } = new URL(request.url ?? "/", "http://bridge");
      if (pathname === BRIDGE_PATHS.peer && request.method === "POST" && targets.channel) {
        return answer(response, 200, await forward(targets, ids, JSON.parse(await body(request)) as BridgedRequest));
      }
      if (pathname === BRIDGE_PATHS.tcpSockets && targets.tcpSockets) return answer(response, 200, await targets.tcpSockets());
      answer(response, 404, { message: `no ${request.method} ${pathname} here` });
    } catch (err) {
      answer(response, 500, { message: (err as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
