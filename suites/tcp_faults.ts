/**
 * TCP faults the kernel makes inside the fault lab (lab/): the ways
 * connect() fails besides a refusal (UNP 4.3: no answer to the SYN, an
 * unreachable destination), the listen backlog dropping SYNs, aborting a
 * connect that is waiting on one, and what all of that leaves behind.
 *
 * The lab's addresses (lab/topology.ts): 127.0.0.10 has an `unreachable`
 * route, 127.0.0.11 a `prohibit` route, 127.0.0.12 no route, and SYNs to
 * 127.0.0.13 are dropped without an answer. Listeners live on 127.0.0.1;
 * in the backlog case's profile `net.core.somaxconn=0` leaves room for one
 * unaccepted connection.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter, Conn } from "../core/adapter.ts";
import { rejectsWith } from "../core/assert.ts";
import { type CaseContext, defineCase, type LabContext } from "../core/case.ts";
import { SocketError } from "../core/errors.ts";
import { LAB_ADDRESSES } from "../lab/topology.ts";
import { isAbortError, settlement, stillPendingAfter, within } from "./helpers.ts";

const { local, unreachable: UNREACHABLE, prohibited: PROHIBITED, noRoute: NO_ROUTE, silent: SILENT } = LAB_ADDRESSES;

/** Any port: the route fails before a port matters. */
const ANY_PORT = 9;

/**
 * Ports on the silent address, one per case, so that cases running at the
 * same time can tell their own SYN_SENT sockets from the others'.
 */
const SILENT_PORT = { timeout: 7001, abort: 7002, leaks: 7003 } as const;

/** A route error is decided by the route lookup inside connect(): no packet, no wait. */
const AT_ONCE_MS = 1000;

async function failsAtOnce(net: Adapter, ctx: CaseContext, hostname: string, code: string): Promise<void> {
  const started = performance.now();
  await rejectsWith(ctx, "connect", net.tcp.connect({ hostname, port: ANY_PORT }), code);
  const ms = Math.round(performance.now() - started);
  ctx.observe("ms", ms);
  assert.ok(ms < AT_ONCE_MS, `connect took ${ms} ms to fail; the route lookup fails at once`);
}

export const unreachable = defineCase({
  id: "tcp.connect.unreachable",
  title: "connect toward an unreachable route fails with EHOSTUNREACH at once",
  semantic:
    "When the route to the destination is of type unreachable, the route lookup in connect() fails before any SYN is sent and connect() returns EHOSTUNREACH at once (in the lab, 127.0.0.10 has an `unreachable` route). Every column must surface EHOSTUNREACH, not another error.",
  reference: "UNP 4.3 (connect: destination unreachable → EHOSTUNREACH); Linux connect(2), ip(7); ip-route(8) (unreachable: local senders get EHOSTUNREACH)",
  requires: { fixtures: ["lab"] },
  async run(net, ctx) {
    await failsAtOnce(net, ctx, UNREACHABLE, "EHOSTUNREACH");
  },
});

export const noRoute = defineCase({
  id: "tcp.connect.no-route",
  title: "connect toward an address with no route fails with ENETUNREACH at once",
  semantic:
    "When no route matches the destination at all, the route lookup in connect() fails and connect() returns ENETUNREACH at once (in the lab, 127.0.0.12 matches no route). Every column must surface ENETUNREACH, not another error.",
  reference: "UNP 4.3 (no route in the local forwarding table: ENETUNREACH without waiting); Linux connect(2) (ENETUNREACH), ip(7)",
  requires: { fixtures: ["lab"] },
  async run(net, ctx) {
    await failsAtOnce(net, ctx, NO_ROUTE, "ENETUNREACH");
  },
});

export const prohibited = defineCase({
  id: "tcp.connect.prohibited",
  title: "connect toward a prohibit route fails with EACCES at once",
  semantic:
    "When the route to the destination is of type prohibit (administratively prohibited), the route lookup in connect() fails and connect() returns EACCES at once (in the lab, 127.0.0.11 has a `prohibit` route). Every column must surface EACCES, not another error.",
  reference: "Linux connect(2), ip(7); ip-route(8) (prohibit: local senders get EACCES); UNP 4.3",
  requires: { fixtures: ["lab"] },
  async run(net, ctx) {
    await failsAtOnce(net, ctx, PROHIBITED, "EACCES");
  },
});

/** The window for ETIMEDOUT with tcp_syn_retries=1: the kernel gives up at 1 + 2 s (measured 3.05 s). */
const TIMEOUT_WINDOW_MS = [2500, 6000] as const;

export const timeout = defineCase({
  id: "tcp.connect.timeout",
  title: "connect whose SYN is never answered fails with ETIMEDOUT after the kernel's retransmissions",
  semantic:
    "A SYN that gets no answer at all is retransmitted net.ipv4.tcp_syn_retries times with exponential backoff from an initial RTO of 1 s; then connect() fails with ETIMEDOUT. In the lab (tcp_syn_retries=1, SYNs to 127.0.0.13 dropped) the kernel gives up after 1 + 2 = 3 s: every column must report ETIMEDOUT between 2.5 s and 6 s, neither sooner (a timer of its own) nor much later.",
  reference: "UNP 4.3 (no response to the SYN: ETIMEDOUT); Linux tcp(7) (tcp_syn_retries), connect(2) (ETIMEDOUT); RFC 9293 3.8.1; RFC 6298 2.1 (initial RTO)",
  requires: { fixtures: ["lab"] },
  lab: { profile: "syn-retries-1" },
  slow: true,
  timeLimitMs: 10_000,
  async run(net, ctx) {
    const started = performance.now();
    await rejectsWith(ctx, "connect", net.tcp.connect({ hostname: SILENT, port: SILENT_PORT.timeout }), "ETIMEDOUT");
    const ms = Math.round(performance.now() - started);
    ctx.observe("ms", ms);
    const [low, high] = TIMEOUT_WINDOW_MS;
    assert.ok(ms >= low && ms <= high, `ETIMEDOUT after ${ms} ms; the kernel gives up after about 3000 ms (window ${low}-${high} ms)`);
  },
});

/** How long the second connect must stay pending while the queue is full (its first SYN is dropped). */
const STILL_PENDING_MS = 500;

export const backlogFullDropsSyn = defineCase({
  id: "tcp.listen.backlog-full-drops-syn",
  title: "a SYN to a listener whose accept queue is full is dropped, and gets in on a retransmission once the server accepts",
  semantic:
    "The kernel queues completed connections for accept() up to the listen backlog; while that queue is full, a new SYN is dropped (no RST: the client retransmits). Once the server accepts one connection, the next retransmitted SYN (1 s after the first) gets in and the pending connect completes. In the lab somaxconn=0 leaves room for one connection and tcp_syn_retries=2 gives retransmissions at 1 s and 3 s.",
  reference: "UNP 4.5 (listen: the completed connection queue; a full queue makes TCP ignore the SYN); Linux listen(2), tcp(7) (tcp_syn_retries, somaxconn)",
  // The queue fills only where the API leaves connections in it until asked to accept.
  requires: { capabilities: ["tcpListen", "acceptOnDemand"], fixtures: ["lab"] },
  lab: { profile: "syn-retries-2-ipv4-only" },
  slow: true,
  timeLimitMs: 10_000,
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: local, port: 0 });
    const clients: Conn[] = [];
    const servers: Conn[] = [];
    try {
      const target = { hostname: local, port: listener.addr.port };
      clients.push(await net.tcp.connect(target)); // takes the queue's one place
      const started = performance.now();
      const second = net.tcp.connect(target);
      second.then((c) => clients.push(c), () => {});
      const pending = await stillPendingAfter(second, STILL_PENDING_MS);
      ctx.observe(`second connect at ${STILL_PENDING_MS} ms`, pending ? "pending" : await settlement(second));
      assert.ok(pending, `the second connect settled within ${STILL_PENDING_MS} ms while the accept queue was full (its SYN was not dropped)`);

      const first = await listener.accept(); // frees the place
      assert.ok(first, "accept returned no connection");
      servers.push(first);
      await second;
      const ms = Math.round(performance.now() - started);
      ctx.observe("second connected after ms", ms);
      assert.ok(ms >= 900 && ms <= 4000, `the second connect completed after ${ms} ms; the retransmitted SYN gets in at about 1000 ms`);
    } finally {
      // Every client whose connect completed has its server side waiting
      // (in the kernel's queue, or taken early by the runtime): take those
      // too, so that they are closed. Bounded, in case one never shows.
      while (servers.length < clients.length) {
        let timer: ReturnType<typeof setTimeout> | undefined; // bounded: a connection may never show
        const bounded = new Promise<null>((resolve) => timer = setTimeout(resolve, 1000, null));
        const conn = await Promise.race([listener.accept(), bounded]).finally(() => clearTimeout(timer));
        if (!conn) break;
        servers.push(conn);
      }
      await Promise.all([...clients, ...servers].map((c) => c.close()));
      await listener.close();
    }
  },
});

/** The kernel's sockets toward `remote` in state SYN_SENT. */
async function synSentTo(lab: LabContext, remote: string): Promise<number> {
  return (await lab.tcpSockets()).filter((s) => s.state === "SYN_SENT" && s.remote === remote).length;
}

/** How long an aborted connect may take to settle, and its socket to leave the table. */
const ABORT_SETTLES_MS = 500;
const SOCKET_RELEASE_MS = 200;

export const abortPending = defineCase({
  id: "tcp.connect.abort-pending",
  title: "a connect waiting on an unanswered SYN can be aborted, settles at once and leaves no SYN_SENT socket",
  semantic:
    "A connect() whose SYN goes unanswered sits in SYN_SENT for seconds; closing the socket ends it at once, and the kernel drops the SYN_SENT socket. Through the API's own abort (an AbortSignal), the pending connect must settle promptly with an abort error, and the kernel's socket table (in the lab's namespace) must hold no SYN_SENT socket toward the destination afterwards.",
  reference: "UNP 4.3, 16.3 (nonblocking connect, closing a pending connect); RFC 9293 3.10.4 (CLOSE in SYN-SENT: delete the TCB); Linux tcp(7), /proc/net/tcp",
  requires: { capabilities: ["connectAbort"], fixtures: ["lab"] },
  async run(net, ctx) {
    const lab = ctx.lab;
    assert.ok(lab, "the lab's socket table is not available to this case");
    const remote = `${SILENT}:${SILENT_PORT.abort}`;
    const controller = new AbortController();
    const pending = net.tcp.connect({ hostname: SILENT, port: SILENT_PORT.abort, signal: controller.signal });
    pending.then((c) => c.close(), () => {});
    const listed = await within(1000, async () => (await synSentTo(lab, remote)) > 0);
    assert.ok(listed, `no SYN_SENT socket toward ${remote} while the connect was pending`);

    const abortedAt = performance.now();
    controller.abort();
    let error: unknown;
    let resolved = false;
    try {
      await pending;
      resolved = true;
    } catch (err) {
      error = err;
    }
    const ms = Math.round(performance.now() - abortedAt);
    const seen = resolved ? "resolved" : error instanceof SocketError
      ? `${error.code} (${error.raw.class}${error.raw.name ? ` ${error.raw.name}` : ""}${error.raw.code !== undefined ? ` ${error.raw.code}` : ""})`
      : `${(error as Error)?.constructor?.name} ${(error as Error)?.name}`;
    ctx.observe("abort", seen);
    ctx.observe("settled after ms", ms);
    assert.ok(!resolved, "the aborted connect resolved with a connection");
    assert.ok(isAbortError(error, controller.signal.reason), `the aborted connect rejected with ${seen}, not an abort error`);
    assert.ok(ms < ABORT_SETTLES_MS, `the aborted connect took ${ms} ms to settle`);

    const gone = await within(SOCKET_RELEASE_MS, async () => (await synSentTo(lab, remote)) === 0);
    const left = gone ? 0 : await synSentTo(lab, remote);
    ctx.observe("SYN_SENT left", left);
    assert.ok(gone, `${left} SYN_SENT socket(s) toward ${remote} left after the abort`);
  },
});

const UNREACHABLE_CONNECTS = 100;
const TIMED_OUT_CONNECTS = 20;

export const faultLeaksNothing = defineCase({
  id: "tcp.connect.fault-leaks-nothing",
  title: "100 unreachable and 20 timed-out connects leave no descriptor behind",
  semantic:
    "A socket whose connect() failed (EHOSTUNREACH at once, ETIMEDOUT after the retransmissions) is still a descriptor that must be closed; an API that hides the socket must close it. After 100 connects toward an unreachable route and 20 whose SYNs go unanswered, the process holds no more sockets than before (counted by the runner from the process's descriptor table).",
  reference: "UNP 4.3 (a failed connect leaves the socket unusable and to be closed); POSIX connect(), close(); Linux tcp(7)",
  requires: { fixtures: ["lab", "socketCount"] },
  lab: { profile: "syn-retries-1" },
  slow: true,
  timeLimitMs: 10_000,
  async run(net, ctx) {
    const outcomes = new Map<string, number>();
    const attempt = async (hostname: string, port: number) => {
      let outcome: string;
      try {
        await (await net.tcp.connect({ hostname, port })).close();
        outcome = "connected";
      } catch (err) {
        outcome = err instanceof SocketError ? err.code : "thrown";
      }
      const key = `${hostname} ${outcome}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    };
    const timedOut = Promise.all(Array.from({ length: TIMED_OUT_CONNECTS }, () => attempt(SILENT, SILENT_PORT.leaks)));
    // In batches of 20 while the timed-out ones wait, so no descriptor limit is near.
    for (let done = 0; done < UNREACHABLE_CONNECTS; done += 20) {
      await Promise.all(Array.from({ length: 20 }, () => attempt(UNREACHABLE, ANY_PORT)));
    }
    await timedOut;
    const seen = Object.fromEntries(outcomes);
    ctx.observe("outcomes", seen);
    const connected = [...outcomes].filter(([key]) => key.endsWith(" connected")).reduce((n, [, count]) => n + count, 0);
    assert.equal(connected, 0, "a connect toward an address that cannot answer succeeded");
  },
});
