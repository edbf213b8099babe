/**
 * The catalog: every case of every suite, in a stable order.
 *
 * @module
 */
import type { Case } from "../core/case.ts";
import * as tcpConnect from "./tcp_connect.ts";
import * as tcpListen from "./tcp_listen.ts";
import * as tcpAccept from "./tcp_accept.ts";
import * as tcpData from "./tcp_data.ts";
import * as tcpShutdown from "./tcp_shutdown.ts";
import * as tcpClose from "./tcp_close.ts";
import * as tcpTimeout from "./tcp_timeout.ts";
import * as tcpFork from "./tcp_fork.ts";
import * as tcpOptions from "./tcp_options.ts";
import * as udp from "./udp.ts";
import * as udpDeadPort from "./udp_dead_port.ts";
import * as udpOptions from "./udp_options.ts";
import * as ipv6 from "./ipv6.ts";
import * as unix from "./unix.ts";
import * as tcpFaults from "./tcp_faults.ts";
import * as udpFaults from "./udp_faults.ts";
import * as socketsApi from "./sockets_api.ts";

const suites: Record<string, Record<string, Case>> = {
  tcp_connect: tcpConnect,
  tcp_listen: tcpListen,
  tcp_accept: tcpAccept,
  tcp_data: tcpData,
  tcp_shutdown: tcpShutdown,
  tcp_close: tcpClose,
  tcp_timeout: tcpTimeout,
  tcp_fork: tcpFork,
  tcp_options: tcpOptions,
  udp,
  udp_dead_port: udpDeadPort,
  udp_options: udpOptions,
  ipv6,
  unix,
  tcp_faults: tcpFaults,
  udp_faults: udpFaults,
  sockets_api: socketsApi,
};

/** A case with the suite (topic) it belongs to. */
export interface CatalogEntry {
  topic: string;
  case: Case;
}

/** Every case, grouped by suite in declaration order. */
export const CATALOG: readonly CatalogEntry[] = Object.entries(suites).flatMap(([topic, mod]) =>
  Object.values(mod).map((c) => ({ topic, case: c }))
);

const seen = new Set<string>();
for (const { case: c } of CATALOG) {
  if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
  seen.add(c.id);
}

/** Every case id. */
export const CASE_IDS: ReadonlySet<string> = seen;
