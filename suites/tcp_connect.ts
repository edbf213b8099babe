/**
 * TCP connect: how an active open succeeds and how it fails on loopback.
 * (Failures that need routes or dropped SYNs live in the lab suite.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { constants } from "node:os";
import type { Conn } from "../core/adapter.ts";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import type { Adapter } from "../core/adapter.ts";
import type { CaseContext } from "../core/case.ts";
import type { SocketError } from "../core/errors.ts";
import { LAB_NAMES } from "../lab/names.ts";
import {
  bytes,
  closedPort,
  connectedPair,
  isAbortError,
  LOOPBACK4,
  LOOPBACK6,
  peerOf,
  readExactly,
  settle,
  stillPendingAfter,
  text,
} from "./helpers.ts";

export const established = defineCase({
  id: "tcp.connect.established",
  title: "connect to a listening port succeeds with the right addresses",
  semantic:
    "connect() to a listening port completes the three-way handshake; getsockname gives a local 127.0.0.1 address and getpeername the listener's address and port, and the server's accepted socket sees the client's address as its peer. The column connects to the reference peer's listener, so the server's view is the kernel's.",
  reference: "UNP 4.3 (connect), 4.10 (getsockname/getpeername); POSIX connect()",
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await peer.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    let client: Conn | undefined;
    let server: Conn | null = null;
    try {
      client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      server = await listener.accept();
      assert.ok(server, "the peer's accept returned no connection");
      ctx.observe("client", `${client.localAddr.hostname}:${client.localAddr.port} -> ${client.remoteAddr.hostname}:${client.remoteAddr.port}`);
      assert.deepEqual(client.remoteAddr, { hostname: LOOPBACK4, port: listener.addr.port, family: "IPv4" });
      assert.equal(client.localAddr.hostname, LOOPBACK4);
      assert.notEqual(client.localAddr.port, 0);
      assert.deepEqual(server.remoteAddr, client.localAddr);
      assert.deepEqual(server.localAddr, client.remoteAddr);
    } finally {
      await Promise.all([client?.close(), server?.close()]);
      await listener.close();
    }
  },
});

export const ephemeralPort = defineCase({
  id: "tcp.connect.ephemeral-port",
  title: "an unbound client gets a kernel-chosen ephemeral port",
  semantic:
    "A socket that connects without bind() is given an ephemeral local port by the kernel: non-zero, and different for two simultaneous connections to the same destination.",
  reference: "UNP 4.3, 4.4 (bind: ephemeral ports); Linux ip(7) ip_local_port_range",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const a = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    const b = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    try {
      ctx.observe("ports", [a.localAddr.port, b.localAddr.port]);
      assert.ok(a.localAddr.port > 0 && b.localAddr.port > 0, "local port is 0");
      assert.notEqual(a.localAddr.port, b.localAddr.port);
    } finally {
      await Promise.all([a.close(), b.close()]);
      for (let n = 0; n < 2; n++) await (await listener.accept())?.close();
      await listener.close();
    }
  },
});

export const sourceAddress = defineCase({
  id: "tcp.connect.source-address",
  title: "the kernel picks a source address matching the destination's family and scope",
  semantic:
    "An unbound socket connecting to 127.0.0.1 gets local address 127.0.0.1, and one connecting to ::1 gets ::1: the kernel chooses the source address from the route to the destination.",
  reference: "UNP 4.3 (connect assigns the local address), 4.10; Linux ip(7), ipv6(7)",
  requires: { capabilities: ["tcpListen"], fixtures: ["ipv6"] },
  async run(net, ctx) {
    for (const hostname of [LOOPBACK4, LOOPBACK6]) {
      const pair = await connectedPair(net, hostname);
      try {
        ctx.observe(hostname, pair.client.localAddr.hostname);
        assert.equal(pair.client.localAddr.hostname, hostname);
        assert.equal(pair.client.localAddr.family, hostname === LOOPBACK6 ? "IPv6" : "IPv4");
      } finally {
        await pair.close();
      }
    }
  },
});

export const refused = defineCase({
  id: "tcp.connect.refused",
  title: "connect to a closed port fails with ECONNREFUSED at once",
  semantic:
    "A SYN to a port with no listener is answered with RST, and connect() fails with ECONNREFUSED within one round trip (well under a second on loopback).",
  reference: "UNP 4.3 (hard error: RST); RFC 9293 3.10.7.3; Linux tcp(7)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const port = await closedPort(net);
    const started = performance.now();
    await rejectsWith(ctx, "connect", net.tcp.connect({ hostname: LOOPBACK4, port }), "ECONNREFUSED");
    const ms = Math.round(performance.now() - started);
    ctx.observe("ms", ms);
    assert.ok(ms < 1000, `refusal took ${ms} ms`);
  },
});

export const completesBeforeAccept = defineCase({
  id: "tcp.connect.completes-before-accept",
  title: "the handshake completes before the server calls accept",
  semantic:
    "The kernel completes the three-way handshake for a listening socket and queues the connection; connect() returns and the client can send before the server calls accept(), and the data is there once it does. No accept is made until the client has connected and written.",
  reference: "UNP 4.5 (listen: incomplete and completed connection queues), 4.6",
  // An API that accepts on readiness takes the connection at once: the premise (no accept yet) cannot be set up.
  requires: { capabilities: ["tcpListen", "acceptOnDemand"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
    try {
      await client.write(bytes("early"));
      ctx.observe("connected", "before accept");
      const server = await listener.accept();
      assert.ok(server, "accept returned no connection");
      try {
        assert.equal(text(await readExactly(server, 5)), "early");
      } finally {
        await server.close();
      }
    } finally {
      await client.close();
      await listener.close();
    }
  },
});

export const beforePeerAccepts = defineCase({
  id: "tcp.connect.before-peer-accepts",
  title: "connect completes and data can be sent before the server calls accept",
  semantic:
    "The kernel completes the three-way handshake for a listening socket and queues the connection: the client's connect() returns and it can send before the server calls accept(). The column connects to the reference peer's listener, which accepts only after the column has connected and written: the connection waits in its accept queue meanwhile, and the data is there once it accepts. (tcp.connect.completes-before-accept has the column on both ends, so it needs an API that accepts on demand.)",
  reference: "UNP 4.5 (listen: incomplete and completed connection queues), 4.6; RFC 9293 3.5",
  sides: "column+peer",
  async run(net, ctx) {
    const peer = peerOf(ctx);
    const listener = await peer.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    let client: Conn | undefined;
    let server: Conn | null = null;
    try {
      client = await net.tcp.connect({ hostname: LOOPBACK4, port: listener.addr.port });
      await client.write(bytes("early"));
      // For a listener, TCP_INFO's unacked is the number of connections waiting for accept().
      const queued = (await peer.tcpInfo(listener)).unacked;
      ctx.observe("waiting in the peer's accept queue", queued);
      assert.equal(queued, 1, "the column's connection was not waiting in the peer's accept queue");
      server = await listener.accept();
      assert.ok(server, "the peer's accept returned no connection");
      assert.equal(text(await readExactly(server, 5)), "early");
    } finally {
      await Promise.all([client?.close(), server?.close()]);
      await listener.close();
    }
  },
});

const REFUSED_CONNECTS = 200;

export const failureLeaksNothing = defineCase({
  id: "tcp.connect.failure-leaks-nothing",
  title: "200 refused connects leave no descriptor behind",
  semantic:
    "A socket whose connect() failed is still a descriptor the caller must close; an API that hides the socket must close it. After 200 refused connects the process holds no more sockets than before (counted by the runner from the process's descriptor table).",
  reference: "UNP 4.3 (a failed connect leaves the socket unusable and to be closed); POSIX connect(), close()",
  requires: { capabilities: ["tcpListen"], fixtures: ["socketCount"] },
  async run(net, ctx) {
    const port = await closedPort(net);
    const codes = new Map<string, number>();
    // In batches of 20 so the test stays fast without exhausting descriptors.
    for (let done = 0; done < REFUSED_CONNECTS; done += 20) {
      await Promise.all(Array.from({ length: 20 }, async () => {
        try {
          const conn = await net.tcp.connect({ hostname: LOOPBACK4, port });
          await conn.close();
          codes.set("connected", (codes.get("connected") ?? 0) + 1);
        } catch (err) {
          const code = (err as { code?: string }).code ?? "thrown";
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
      }));
    }
    ctx.observe("outcomes", Object.fromEntries(codes));
    assert.deepEqual(Object.fromEntries(codes), { ECONNREFUSED: REFUSED_CONNECTS });
  },
});

/** One field of a raw error as recorded: its value, or `none`. */
function field(value: unknown): string {
  return value === undefined ? "none" : String(value);
}

export const errorIdentity = defineCase({
  id: "tcp.connect.error-identity",
  title: "a refused connect's error names the errno and its number, the call, and the destination address and port",
  semantic:
    "connect() to a closed port fails with errno ECONNREFUSED (111 on Linux), set by the connect call toward that address and port. The API's error carries all five: the errno's name and number, the system call (`connect`), and the destination address and port, as node:net documents for its system errors.",
  reference: "UNP 4.3 (connect), 1.4 (errno); POSIX connect() [ECONNREFUSED]; Linux errno(3); node:net docs, class SystemError (address, code, errno, port, syscall)",
  requires: { capabilities: ["tcpListen"] },
  async run(net, ctx) {
    const port = await closedPort(net);
    const connected = await settle(net.tcp.connect({ hostname: LOOPBACK4, port }));
    if (connected.ok) {
      await connected.value.close();
      assert.fail(`connect to the closed port ${port} succeeded`);
    }
    const { code, raw } = connected.error;
    // libuv reports errno negated; the number is the same.
    const seen = {
      name: code,
      errno: raw.errno === undefined ? undefined : Math.abs(raw.errno),
      syscall: raw.syscall,
      address: raw.address,
      port: raw.port,
    };
    ctx.observe("error", Object.entries(seen).map(([key, value]) => `${key} ${field(value)}`).join(", "));
    ctx.observe("raw", `${raw.class}: ${raw.message}`);
    assert.deepEqual(seen, { name: "ECONNREFUSED", errno: constants.errno.ECONNREFUSED, syscall: "connect", address: LOOPBACK4, port });
  },
});

/** How long a connect whose signal was aborted before the call may take to reject. */
const ABORTED_REJECTS_MS = 500;

export const abortBeforeStart = defineCase({
  id: "tcp.connect.abort-before-start",
  title: "a connect given a signal that is already aborted rejects at once and makes no connection",
  semantic:
    "A connect whose AbortSignal was aborted before the call is never started: it rejects at once with the API's abort error, and no socket is made, so no SYN reaches the listener at the destination: the first connection the listener accepts afterwards is a later client's.",
  reference: "DOM Standard, AbortSignal (an aborted signal rejects before the operation starts); UNP 4.3 (connect sends the SYN), 4.5 (accept queue, in arrival order); node:net socket.connect(options.signal)",
  requires: { capabilities: ["tcpListen", "connectAbort"] },
  async run(net, ctx) {
    const listener = await net.tcp.listen({ hostname: LOOPBACK4, port: 0 });
    const target = { hostname: LOOPBACK4, port: listener.addr.port };
    const opened: Conn[] = [];
    try {
      const controller = new AbortController();
      controller.abort();
      const started = performance.now();
      const aborted = await settle(net.tcp.connect({ ...target, signal: controller.signal }));
      const ms = Math.round(performance.now() - started);
      if (aborted.ok) opened.push(aborted.value);
      ctx.observe("aborted connect", aborted.ok ? "resolved" : abortShown(aborted.error));
      ctx.observe("settled after ms", ms);
      assert.ok(!aborted.ok, "the connect resolved with a connection although its signal was aborted before the call");
      assert.ok(isAbortError(aborted.error, controller.signal.reason), `the connect rejected with ${abortShown(aborted.error)}, not an abort error`);
      assert.ok(ms < ABORTED_REJECTS_MS, `the aborted connect took ${ms} ms to reject`);

      const later = await net.tcp.connect(target);
      opened.push(later);
      const first = await listener.accept();
      assert.ok(first, "accept returned no connection");
      opened.push(first);
      const fromLater = first.remoteAddr.port === later.localAddr.port;
      ctx.observe("first accepted", fromLater ? "the later client's connection" : `a connection from port ${first.remoteAddr.port}`);
      if (!fromLater) {
        // The later client's connection is still queued: take it too, so it is closed.
        const next = await listener.accept();
        if (next) opened.push(next);
      }
      assert.ok(fromLater, `the listener's first connection came from port ${first.remoteAddr.port}, not from the later client: the aborted connect connected`);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
      await listener.close();
    }
  },
});

function abortShown(error: SocketError): string {
  const { raw } = error;
  return `${error.code} (${raw.class}${raw.name ? ` ${raw.name}` : ""}${raw.code !== undefined ? ` ${raw.code}` : ""})`;
}

const CONCURRENT_CONNECTS = 100;
/** One round trip on loopback, many times over: a refusal is one RST away. */
const PROMPT_MS = 1000;
/** Bounded wait: connects still pending this long after the first refusal hang. */
const HANG_MS = 2000;

export const refusedManyConcurrent = defineCase({
  id: "tcp.connect.refused-many-concurrent",
  title: "100 connects at once to a closed port all fail with ECONNREFUSED promptly, and leave no descriptor",
  semantic:
    "Each of 100 connects in flight at the same time toward a port with no listener gets its own RST and fails with ECONNREFUSED within a round trip: none succeeds, none waits on another or hangs, and each failed socket is closed, so the process holds no more sockets than before (counted by the runner). (tcp.connect.failure-leaks-nothing makes its connects 20 at a time and checks only the count; here all 100 are in flight at once and each must fail promptly.)",
  reference: "UNP 4.3 (RST: a hard error, ECONNREFUSED at once), 16.3 (nonblocking connect); RFC 9293 3.10.7.1; POSIX connect()",
  requires: { capabilities: ["tcpListen"], fixtures: ["socketCount"] },
  async run(net, ctx) {
    const port = await closedPort(net);
    const started = performance.now();
    let pending = CONCURRENT_CONNECTS;
    const all = Promise.all(Array.from({ length: CONCURRENT_CONNECTS }, async () => {
      const connected = await settle(net.tcp.connect({ hostname: LOOPBACK4, port }));
      pending--;
      const ms = performance.now() - started;
      if (connected.ok) await connected.value.close();
      return { outcome: connected.ok ? "connected" : connected.error.code, ms };
    }));
    const hangs = await stillPendingAfter(all, HANG_MS);
    ctx.observe("still pending", hangs ? `${pending} after ${HANG_MS} ms` : 0);
    assert.ok(!hangs, `${pending} of ${CONCURRENT_CONNECTS} connects were still pending ${HANG_MS} ms after they started`);
    const results = await all;
    const outcomes: Record<string, number> = {};
    for (const { outcome } of results) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    const slowest = Math.round(Math.max(...results.map((r) => r.ms)));
    ctx.observe("outcomes", outcomes);
    ctx.observe("slowest ms", slowest);
    assert.deepEqual(outcomes, { ECONNREFUSED: CONCURRENT_CONNECTS });
    assert.ok(slowest < PROMPT_MS, `the slowest refusal took ${slowest} ms`);
  },
});

/**
 * Listens on `hostname` alone, connects to the lab's `localhost` on that
 * port, and checks the listener got the connection, at `hostname`.
 */
async function reachedByName(net: Adapter, ctx: CaseContext, hostname: string): Promise<void> {
  const listener = await net.tcp.listen({ hostname, port: 0 });
  const opened: Conn[] = [];
  try {
    const client = await net.tcp.connect({ hostname: LAB_NAMES.localhost, port: listener.addr.port });
    opened.push(client);
    ctx.observe("connected to", client.remoteAddr.hostname);
    const server = await listener.accept();
    assert.ok(server, "accept returned no connection");
    opened.push(server);
    assert.equal(client.remoteAddr.hostname, hostname);
    assert.equal(server.remoteAddr.port, client.localAddr.port, "the listener's connection is not the client's");
  } finally {
    await Promise.all(opened.map((c) => c.close()));
    await listener.close();
  }
}

export const localhostV4OnlyServer = defineCase({
  id: "tcp.connect.localhost-v4-only-server",
  title: "connect(\"localhost\") reaches a server listening on 127.0.0.1 only",
  semantic:
    "With localhost both ::1 and 127.0.0.1 in the hosts file, getaddrinfo gives ::1 first (RFC 6724 rule 6: ::1 has precedence 50, IPv4 35). A client connecting to a name tries each address in that order until one connects: ::1 refuses (no listener there), 127.0.0.1 answers. So a server on 127.0.0.1 alone is reached by connect(\"localhost\"). In the lab, whose own hosts file says exactly that.",
  reference: "UNP 11.6 (getaddrinfo), 11.12 (tcp_connect: try each address in turn); getaddrinfo(3), gai.conf(5); RFC 6724 section 6 (rule 6) and 2.1 (default policy table); RFC 8305 (Happy Eyeballs)",
  requires: { capabilities: ["tcpListen"], fixtures: ["lab", "ipv6"] },
  async run(net, ctx) {
    await reachedByName(net, ctx, LOOPBACK4);
  },
});

export const localhostV6OnlyServer = defineCase({
  id: "tcp.connect.localhost-v6-only-server",
  title: "connect(\"localhost\") reaches a server listening on ::1 only",
  semantic:
    "With localhost both ::1 and 127.0.0.1 in the hosts file, getaddrinfo gives ::1 first (RFC 6724 rule 6), and a client connecting to the name tries each address until one connects: ::1 answers at once. So a server on ::1 alone is reached by connect(\"localhost\"), never refused because 127.0.0.1 was tried alone. In the lab, whose own hosts file says exactly that.",
  reference: "UNP 11.6 (getaddrinfo), 11.12 (tcp_connect: try each address in turn); getaddrinfo(3), gai.conf(5); RFC 6724 section 6 (rule 6); RFC 8305 (Happy Eyeballs)",
  requires: { capabilities: ["tcpListen"], fixtures: ["lab", "ipv6"] },
  async run(net, ctx) {
    await reachedByName(net, ctx, LOOPBACK6);
  },
});

export const ipv4OnlyNamespace = defineCase({
  id: "tcp.connect.ipv4-only-namespace",
  title: "with IPv6 disabled, connect(\"localhost\") succeeds over 127.0.0.1",
  semantic:
    "Where IPv6 is disabled (no ::1 on any interface) but the hosts file still lists ::1 for localhost, getaddrinfo puts 127.0.0.1 first (RFC 6724 rule 1: avoid unusable destinations, ::1 has no source address), and a connect to localhost succeeds over 127.0.0.1; an attempt on ::1 fails at once and is passed over. In the lab's namespace with net.ipv6.conf.all.disable_ipv6=1.",
  reference: "UNP 11.12 (tcp_connect: try each address in turn); getaddrinfo(3); RFC 6724 section 6 (rule 1); Linux ipv6(7), ip-sysctl (disable_ipv6)",
  requires: { capabilities: ["tcpListen"], fixtures: ["lab"] },
  lab: { profile: "syn-retries-2-ipv4-only" },
  async run(net, ctx) {
    await reachedByName(net, ctx, LOOPBACK4);
  },
});

/** A lookup answered from a file needs no wait at all. */
const LOOKUP_AT_ONCE_MS = 1000;

export const unknownHost = defineCase({
  id: "tcp.connect.unknown-host",
  title: "connect to a name in no names file fails at once with name-not-found (EAI_NONAME)",
  semantic:
    "Where names come from the hosts file alone (nsswitch `hosts: files`), getaddrinfo fails for a name in no file with EAI_NONAME at once, without asking any nameserver, and connect rejects with the API's name-not-found error (EAI_NONAME; node:net calls it ENOTFOUND) before any connection is tried. In the lab, whose resolv.conf names a nameserver inside the namespace where nothing listens, so a resolver that asks one anyway is refused there: nothing leaves the namespace.",
  reference: "UNP 11.6 (getaddrinfo: EAI_NONAME); POSIX getaddrinfo() [EAI_NONAME]; getaddrinfo(3), nsswitch.conf(5), resolv.conf(5); RFC 6761 6.4 (.invalid)",
  requires: { fixtures: ["lab"] },
  async run(net, ctx) {
    const started = performance.now();
    await rejectsWith(ctx, "connect", net.tcp.connect({ hostname: LAB_NAMES.unknown, port: 9 }), "EAI_NONAME");
    const ms = Math.round(performance.now() - started);
    ctx.observe("ms", ms);
    assert.ok(ms < LOOKUP_AT_ONCE_MS, `the failed lookup took ${ms} ms; a name in no file fails at once`);
  },
});
