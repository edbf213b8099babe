/**
 * The Node peers the workerd host's test connects to: the other side of
 * its client-side cases, on 127.0.0.1.
 *
 * @module
 */
import net from "node:net";
import type { PeerName } from "./_client_cases.ts";

/** The running peers: their ports, what the FIN-first peer heard after its FIN, and a way to stop them. */
export interface NodePeers {
  ports: Record<PeerName, number>;
  /** What the next `finFirst` connection to close received (all of it after its own FIN). */
  nextHeardAfterFin(): Promise<string>;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts every peer; `closed` is a port bound by the kernel and then released. */
export async function startNodePeers(): Promise<NodePeers> {
  const heard: string[] = [];
  const waiting: ((text: string) => void)[] = [];
  const hear = (text: string) => (waiting.length ? waiting.shift()!(text) : heard.push(text));
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => (sockets.add(socket), socket.on("close", () => sockets.delete(socket)));
  const echo = net.createServer({ allowHalfOpen: true }, (s) => track(s).pipe(s));
  const replyAfterFin = net.createServer({ allowHalfOpen: true }, (s) => {
    let got = "";
    track(s).on("data", (d) => got += d).on("end", () => s.end(`got:${got}`));
  });
  const finFirst = net.createServer({ allowHalfOpen: true }, (s) => {
    let got = "";
    track(s).on("data", (d) => got += d).on("close", () => hear(got)).on("error", () => {});
    s.end("x");
  });
  const spare = net.createServer();
  const servers = [echo, replyAfterFin, finFirst];
  const ports = {
    echo: await listen(echo),
    replyAfterFin: await listen(replyAfterFin),
    finFirst: await listen(finFirst),
    closed: await listen(spare),
  };
  await closeServer(spare);
  return {
    ports,
    nextHeardAfterFin: () =>
      heard.length ? Promise.resolve(heard.shift()!) : new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map(closeServer));
    },
  };
}
