/**
 * sockcheck: what each JavaScript runtime's socket APIs do, measured against
 * the BSD-socket semantics the kernel implements.
 *
 * The catalog of cases, the adapter contract a socket API fills in, and the
 * runner that holds a case's result against a column's expectations.
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
  Conn,
  ConnectOptions,
  Datagram,
  DatagramSocket,
  Endpoint,
  EventCount,
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
  DEFAULT_TIME_LIMIT_MS,
  defineCase,
  type DescriptorTable,
  type FilledTable,
  type Fixture,
} from "./core/case.ts";
export { ApiMissingError, errnoName, type RawError, SocketError, toSocketError, UNKNOWN } from "./core/errors.ts";
export { EventCounter, NO_REPORTS, Reports } from "./core/report_log.ts";
export { type Expectation, type Expectations, ExpectationsError, judge, type Judgement, parseExpectations } from "./core/expectations.ts";
export { type CaseResult, type Verdict, VERDICTS } from "./core/result.ts";
export { type FixtureStatus, type Host, precheck, runCase } from "./core/runner.ts";
export { rejectsWith } from "./core/assert.ts";
export { idFilter } from "./core/filter.ts";
export { CASE_IDS, CATALOG, type CatalogEntry } from "./suites/catalog.ts";
