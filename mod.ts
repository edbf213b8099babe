/**
 * sockcheck: what each JavaScript runtime's socket APIs do, measured against
 * the BSD-socket semantics the kernel implements.
 *
 * The catalog of cases, the adapter contract a socket API fills in, the
 * adapter kit (what every adapter needs, so that an adapter is only its
 * translation: addresses, a queue for push events, close-once, a runtime's
 * calls and errors as SocketError promises, report logs, the hand-off
 * protocol between a process and its child), and the runner
 * that holds a case's result against a column's expectations. An adapter
 * importing only this module: examples/node_streams.ts.
 *
 * @example
 * ```ts
 * import { CATALOG, runCase } from "./mod.ts";
 * import type { Adapter } from "./mod.ts";
 * declare const myAdapter: Adapter;
 * for (const { case: c } of CATALOG) {
 *   const result = await runCase(c, myAdapter, { fixtures: {} });
 *   console.log(c.id, result.verdict, result.observed);
 * }
 * ```
 *
 * @module
 */
export type {
  Adapter,
  Address,
  Capability,
  ChildProcess,
  Conn,
  ConnectOptions,
  Datagram,
  DatagramSocket,
  Endpoint,
  EventCount,
  HandOffApi,
  HeldConn,
  HeldListener,
  Listener,
  ListenOptions,
  Report,
  ReportLog,
  TcpApi,
  UdpApi,
  UdpBindOptions,
  UnixApi,
} from "./core/adapter.ts";
export {
  type Case,
  type CaseContext,
  type CasePeer,
  DEFAULT_TIME_LIMIT_MS,
  defineCase,
  type DescriptorTable,
  type FilledTable,
  type Fixture,
  type Sides,
  sidesOf,
} from "./core/case.ts";
export {
  type Backlog,
  type ColumnSocket,
  type ColumnSocketQuery,
  type Peer,
  type PeerReady,
  type SocketOptionName,
  type SocketOptions,
  type TcpInfo,
  UnavailableError,
  type ViewStatus,
} from "./core/peer.ts";
export { ApiMissingError, errnoName, type RawError, SocketError, toSocketError, UNKNOWN } from "./core/errors.ts";
export { ipAddress, unixAddress } from "./core/address.ts";
export { closeOnce } from "./core/close_once.ts";
export { Queue } from "./core/queue.ts";
export { EventCounter, NO_REPORTS, Reports } from "./core/report_log.ts";
export { attempt, type Done, viaCallback } from "./core/settle.ts";
export { type ChildLink, type HandleOf, type HandOffReply, type HandOffRequest, startChild } from "./core/hand_off.ts";
export { type Adopt, echoUpper, type ParentLink, serveParent } from "./core/hand_off_child.ts";
export { type Expectation, type Expectations, ExpectationsError, judge, type Judgement, parseExpectations } from "./core/expectations.ts";
export { type CaseResult, type NeverRan, neverRan, type Verdict, VERDICTS } from "./core/result.ts";
export { type FixtureStatus, type Host, precheck, runCase } from "./core/runner.ts";
export { rejectsWith } from "./core/assert.ts";
export { idFilter } from "./core/filter.ts";
export { CASE_IDS, CATALOG, type CatalogEntry } from "./suites/catalog.ts";
