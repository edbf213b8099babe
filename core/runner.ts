/**
 * The runner core, shared by every host: runs one case on one adapter with
 * a time limit, closes what a hung or leaking case left open, checks that no
 * socket descriptor was left behind, and records what was observed.
 *
 * @module
 */
import { AssertionError } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Adapter } from "./adapter.ts";
import {
  type Case,
  type CaseContext,
  DEFAULT_TIME_LIMIT_MS,
  type DescriptorTable,
  type Fixture,
  type LabContext,
  sidesOf,
} from "./case.ts";
import { ApiMissingError, SocketError } from "./errors.ts";
import { type Peer, UnavailableError } from "./peer.ts";
import { type CaseResult, type NeverRan, neverRan } from "./result.ts";
import { Scope } from "./_scope.ts";
import { describe, show } from "./_describe.ts";

/** Whether a fixture is available here, and if not, why and how to get it. */
export type FixtureStatus = { ok: true } | { ok: false; reason: string };

/** What the host (test runner or column process) knows about the machine. */
export interface Host {
  fixtures: Partial<Record<Fixture, FixtureStatus>>;
  /**
   * Counts this process's open socket descriptors, where the platform lets
   * it (Linux `/proc/self/fd`, macOS `/dev/fd`); absent elsewhere, and the
   * leak check is off: the `socketCount` fixture then says why, and the
   * cases about leaks are skipped.
   */
  countSockets?: () => Promise<number>;
  /** Present when the host runs inside the fault lab; handed to each case. */
  lab?: LabContext;
  /** The operating system (`process.platform`), for cases whose kernel semantics differ on it. */
  platform?: string;
  /** Makes an empty directory for a case's socket files; by default a fresh temporary directory. */
  socketDir?(): string;
  /** Fills this process's descriptor table, where the host can (the `descriptorLimit` fixture). */
  descriptors?: DescriptorTable;
  /**
   * The reference peer this process started, for the cases whose `sides`
   * is `column+peer`; the `peer` fixture says whether it runs, and
   * `peerColumnView` whether it may read this process's sockets.
   */
  peer?: Peer;
}

function freshTempDir(): string {
  return mkdtempSync(join(tmpdir(), "sockcheck-"));
}

/** Why a case cannot run on this adapter or host, or `undefined`. */
export function precheck(c: Case, adapter: Adapter, host: Host): NeverRan | undefined {
  const differs = host.platform ? c.differsOn?.[host.platform] : undefined;
  if (differs) return { verdict: "skipped", detail: `the kernel differs on ${host.platform}: ${differs}` };
  if (c.level === "runtime" && adapter.reference) {
    return { verdict: "unsupported", detail: "a JavaScript-level contract, with no kernel counterpart to check it against" };
  }
  const missing = (c.requires?.capabilities ?? []).filter((cap) => !adapter.capabilities.has(cap));
  if (missing.length) {
    return { verdict: "unsupported", detail: `${adapter.api} has no ${missing.join(", ")}` };
  }
  const implied: Fixture[] = sidesOf(c) === "column+peer" ? ["peer"] : [];
  for (const fixture of [...implied, ...c.requires?.fixtures ?? []]) {
    const status = fixtureStatus(host, fixture);
    if (!status.ok) return { verdict: "skipped", detail: status.reason };
  }
  return undefined;
}

/**
 * Whether a fixture is there: as the host says, or for `socketCount` a host
 * does not mention, whether it can count sockets at all.
 */
export function fixtureStatus(host: Host, fixture: Fixture): FixtureStatus {
  const given = host.fixtures[fixture];
  if (given) return given;
  if (fixture === "socketCount" && host.countSockets) return { ok: true };
  if (fixture === "socketCount") {
    return { ok: false, reason: "this host cannot count the process's socket descriptors, so a leak cannot be seen" };
  }
  if (fixture === "peer" || fixture === "peerColumnView") {
    return { ok: false, reason: "this host runs no reference peer (sockcheck run and the test runners start one)" };
  }
  return { ok: false, reason: `fixture ${fixture} not provided by this host` };
}

/** How long a leaked descriptor may take to be released after the case settles. */
const RELEASE_GRACE_MS = 200;

/** The socket count once it is back at `baseline`, or after a bounded grace. */
export async function socketsSettled(host: Host, baseline: number): Promise<number> {
  const deadline = Date.now() + RELEASE_GRACE_MS;
  let count = await host.countSockets!();
  // Some runtimes release a descriptor on a later loop turn than the close
  // callback; give them a bounded grace before calling it a leak.
  while (count > baseline && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    count = await host.countSockets!();
  }
  return count;
}

/**
 * Runs one case and records its verdict. Never throws.
 *
 * @example
 * ```ts
 * import { runCase } from "./runner.ts";
 * import type { Adapter } from "./adapter.ts";
 * import type { Case } from "./case.ts";
 * declare const c: Case, adapter: Adapter;
 * const result = await runCase(c, adapter, { fixtures: {} });
 * console.log(result.verdict, result.observed);
 * ```
 */
export async function runCase(c: Case, adapter: Adapter, host: Host): Promise<CaseResult> {
  const blocked = precheck(c, adapter, host);
  if (blocked) return neverRan(c.id, blocked);

  const observations: Record<string, unknown> = {};
  const controller = new AbortController();
  // Inside the lab's namespace `lo` is the only interface: multicast cannot leave it,
  // and names resolve through the lab's own files.
  const scope = new Scope({ lab: host.lab !== undefined, names: host.lab?.names });
  // The peer's sockets are tracked like the column's, so what a case leaves open on it is closed too.
  const peer = sidesOf(c) === "column+peer" && host.peer ? scope.wrap(host.peer) : undefined;
  const ctx = caseContext(host, { observations, signal: controller.signal, peer });
  let baseline: number | undefined;
  try {
    baseline = host.countSockets ? await host.countSockets() : undefined;
  } catch (error) {
    const result: CaseResult = { id: c.id, verdict: "crash", observed: "", observations, ms: 0, detail: `the host could not count its sockets before the case: ${messageOf(error)}` };
    result.observed = describe(result, undefined);
    return result;
  }
  const limit = c.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS;

  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => timer = setTimeout(() => resolve("timeout"), limit));
  const body = Promise.resolve().then(() => c.run(scope.wrap(adapter), ctx));
  body.catch(() => {}); // a body abandoned at its time limit may reject later
  let outcome: "timeout" | { error: unknown } | undefined;
  try {
    outcome = await Promise.race([body.then(() => undefined), timedOut]);
  } catch (error) {
    outcome = { error };
  } finally {
    clearTimeout(timer);
  }
  const ms = Math.round((performance.now() - started) * 10) / 10;

  const result: CaseResult = { id: c.id, verdict: "pass", observed: "", observations, ms };
  let actual: string | undefined;
  if (outcome === "timeout") {
    controller.abort();
    result.verdict = "timeout";
    result.detail = `did not settle within ${limit} ms`;
  } else if (outcome) {
    const failure = classify(outcome.error);
    Object.assign(result, failure.partial);
    actual = failure.actual;
  }

  if (outcome !== "timeout" && baseline !== undefined) await checkLeaks(host, { baseline, result });
  const forced = await scope.closeAll();
  if (forced) observations.closedByRunner = forced;
  result.observed = describe(result, actual);
  return result;
}

/** What a case body gets from the host, recording into `observations`. */
function caseContext(
  host: Host,
  options: { observations: Record<string, unknown>; signal: AbortSignal; peer?: Peer },
): CaseContext {
  const { observations, signal, peer } = options;
  return {
    observe(key, value) {
      observations[key] = value;
    },
    signal,
    lab: host.lab,
    descriptors: host.descriptors,
    peer,
    socketDir: () => host.socketDir ? host.socketDir() : freshTempDir(),
  };
}

/** Fails a passing `result` whose case left sockets open beyond `baseline`, and records the count. */
async function checkLeaks(host: Host, options: { baseline: number; result: CaseResult }): Promise<void> {
  const { baseline, result } = options;
  let after: number;
  try {
    after = await socketsSettled(host, baseline);
  } catch (error) {
    // A case that broke its process (a descriptor table left full, say) must show here, not throw.
    result.observations.socketCount = `not counted: ${messageOf(error)}`;
    if (result.verdict === "pass") {
      result.verdict = "crash";
      result.detail = `the host could not count its sockets after the case: ${messageOf(error)}`;
    }
    return;
  }
  if (after <= baseline) return;
  result.observations.leakedSockets = after - baseline;
  if (result.verdict === "pass") {
    result.verdict = "fail";
    result.detail = `left ${after - baseline} socket descriptor(s) open`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/** A failure's verdict, detail, and the value an assertion saw, if any. */
function classify(error: unknown): { partial: Partial<CaseResult>; actual?: string } {
  if (error instanceof AssertionError) {
    const partial: Partial<CaseResult> = { verdict: "fail", detail: error.message.split("\n")[0] };
    // assert.fail and assert.ok carry no comparison worth showing; the message says it.
    if (error.operator === "fail" || (error.operator === "==" && error.expected === true)) return { partial };
    partial.expected = show(error.expected);
    return { partial, actual: show(error.actual) };
  }
  if (error instanceof ApiMissingError) return { partial: { verdict: "fail", detail: error.message } };
  // The peer or its view of the column went away after the precheck: the case could not be asked.
  if (error instanceof UnavailableError) return { partial: { verdict: "skipped", detail: error.reason } };
  if (error instanceof SocketError) {
    return {
      partial: {
        verdict: "fail",
        detail: `unexpected ${error.op} error: ${error.message}`,
        error: { code: error.code, op: error.op, raw: error.raw },
      },
    };
  }
  const e = error as Error;
  return { partial: { verdict: "crash", detail: `${e?.constructor?.name ?? typeof e}: ${e?.message ?? String(e)}` } };
}
