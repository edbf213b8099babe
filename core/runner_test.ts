/**
 * The runner's own tests: verdicts, time limits, the leak check and the
 * loopback guard, with deliberately bad cases that are not in the catalog,
 * on a fake adapter whose open handles are the host's socket count.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fakeNet } from "../test/fixtures/fake_adapter.ts";
import { checkLoopback, LoopbackViolation } from "./_loopback.ts";
import { defineCase } from "./case.ts";
import { type Peer, UnavailableError } from "./peer.ts";
import { type Host, runCase } from "./runner.ts";

const base = { title: "t", semantic: "s", reference: "r" };
const { adapter, open } = fakeNet();
/** A host that counts the fake adapter's open handles as its sockets. */
const host: Host = { fixtures: {}, countSockets: () => Promise.resolve(open.size) };

test("a case that passes its assertions passes, with its observations", async () => {
  const c = defineCase({ ...base, id: "test.ok", async run(_net, ctx) { ctx.observe("seen", 1); } });
  const r = await runCase(c, adapter, host);
  assert.equal(r.verdict, "pass");
  assert.equal(r.observed, "seen=1");
});

test("a failed assertion is a fail showing expected and observed", async () => {
  const c = defineCase({ ...base, id: "test.fail", async run() { assert.equal("EOF", "ECONNRESET"); } });
  const r = await runCase(c, adapter, host);
  assert.equal(r.verdict, "fail");
  assert.equal(r.expected, "ECONNRESET");
  assert.match(r.observed, /EOF/);
});

test("an unexpected socket error is a fail that keeps the raw error", async () => {
  const c = defineCase({
    ...base,
    id: "test.socket-error",
    async run(net) {
      await net.tcp.connect({ hostname: "127.0.0.1", port: 1 });
    },
  });
  const r = await runCase(c, adapter, host);
  assert.equal(r.verdict, "fail");
  assert.equal(r.error?.code, "ECONNREFUSED");
  assert.equal(r.error?.raw.syscall, "connect");
  assert.match(r.observed, /ECONNREFUSED on connect \(Error ECONNREFUSED\)/);
});

test("anything else thrown is a crash", async () => {
  const c = defineCase({ ...base, id: "test.crash", async run() { throw new TypeError("bug"); } });
  assert.equal((await runCase(c, adapter, host)).verdict, "crash");
});

test("a case that never settles times out and the runner closes what it opened", async () => {
  let listenerPort = 0;
  const c = defineCase({
    ...base,
    id: "test.hang",
    timeLimitMs: 200,
    async run(net) {
      const listener = await net.tcp.listen({ hostname: "127.0.0.1", port: 0 });
      listenerPort = listener.addr.port;
      await new Promise(() => {}); // never settles
    },
  });
  const r = await runCase(c, adapter, host);
  assert.equal(r.verdict, "timeout");
  assert.equal(r.observations.closedByRunner, 1);
  // The listener is really gone: its port refuses connections now.
  assert.equal(open.size, 0);
  await assert.rejects(adapter.tcp.connect({ hostname: "127.0.0.1", port: listenerPort }), { code: "ECONNREFUSED" });
});

test("a case that leaves a socket open fails the leak check", async () => {
  const c = defineCase({
    ...base,
    id: "test.leak",
    async run(net) {
      await net.tcp.listen({ hostname: "127.0.0.1", port: 0 }); // never closed
    },
  });
  const r = await runCase(c, adapter, host);
  assert.equal(r.verdict, "fail");
  assert.match(r.detail ?? "", /left 1 socket descriptor/);
  assert.equal(r.observations.closedByRunner, 1);
});

test("a case after which the host cannot count its sockets is a crash saying why, never a throw", async () => {
  let counts = 0;
  const failing: Host = {
    fixtures: {},
    countSockets: () => ++counts === 1 ? Promise.resolve(0) : Promise.reject(new Error("EMFILE: too many open files")),
  };
  const c = defineCase({ ...base, id: "test.uncounted", async run() {} });
  const after = await runCase(c, adapter, failing);
  assert.equal(after.verdict, "crash");
  assert.match(after.detail ?? "", /could not count its sockets after the case: EMFILE/);
  const before = await runCase(c, adapter, { fixtures: {}, countSockets: () => Promise.reject(new Error("EMFILE")) });
  assert.equal(before.verdict, "crash");
  assert.match(before.detail ?? "", /before the case: EMFILE/);
});

test("a case needing a capability the adapter lacks is unsupported, not run", async () => {
  let ran = false;
  const c = defineCase({
    ...base,
    id: "test.unsupported",
    requires: { capabilities: ["unixDgram"] },
    async run() { ran = true; },
  });
  const r = await runCase(c, { ...adapter, capabilities: new Set() }, host);
  assert.equal(r.verdict, "unsupported");
  assert.equal(ran, false);
});

test("a case needing a missing fixture is skipped with the reason", async () => {
  const c = defineCase({ ...base, id: "test.skipped", requires: { fixtures: ["lab"] }, async run() {} });
  const r = await runCase(c, adapter, { fixtures: { lab: { ok: false, reason: "no namespaces here" } } });
  assert.equal(r.verdict, "skipped");
  assert.equal(r.detail, "no namespaces here");
});

test("a case about leaks is skipped with the reason where the host cannot count sockets, never passed", async () => {
  let ran = false;
  const c = defineCase({ ...base, id: "test.leaks-nothing", requires: { fixtures: ["socketCount"] }, async run() { ran = true; } });
  const uncounted = await runCase(c, adapter, { fixtures: {} });
  assert.equal(uncounted.verdict, "skipped");
  assert.match(uncounted.detail ?? "", /cannot count the process's socket descriptors/);
  const said = await runCase(c, adapter, { fixtures: { socketCount: { ok: false, reason: "no /dev/fd here" } } });
  assert.deepEqual([said.verdict, said.detail], ["skipped", "no /dev/fd here"]);
  assert.equal(ran, false);
  const counted = await runCase(c, adapter, { fixtures: {}, countSockets: () => Promise.resolve(0) });
  assert.equal(counted.verdict, "pass");
  assert.equal(ran, true);
});

test("an address beyond loopback is refused before the runtime sees it", async () => {
  for (const hostname of ["10.0.0.1", "8.8.8.8", "::ffff:10.0.0.1", "example.com", "2001:db8::1"]) {
    const c = defineCase({
      ...base,
      id: "test.off-loopback",
      async run(net) {
        await net.tcp.connect({ hostname, port: 9 });
      },
    });
    const r = await runCase(c, adapter, host);
    assert.equal(r.verdict, "crash", hostname);
    assert.match(r.detail ?? "", /LoopbackViolation: connect: .* is not a loopback address/);
  }
});

test("a host name passes the guard only where the host declares it (inside the lab, the lab's names)", async () => {
  assert.throws(() => checkLoopback("connect", [{ hostname: "localhost", port: 1 }]), LoopbackViolation);
  assert.throws(() => checkLoopback("listen", [{ hostname: "localhost", port: 0 }], { names: ["nowhere.invalid"] }), LoopbackViolation);
  assert.doesNotThrow(() => checkLoopback("connect", [{ hostname: "localhost", port: 1 }], { names: ["localhost"] }));
  const c = defineCase({
    ...base,
    id: "test.name",
    async run(net) {
      await net.tcp.connect({ hostname: "example.com", port: 9 });
    },
  });
  const inLab = { ...host, lab: { profile: "syn-retries-1" as const, tcpSockets: () => Promise.resolve([]), names: ["localhost"] } };
  const r = await runCase(c, adapter, inLab);
  assert.equal(r.verdict, "crash");
  assert.match(r.detail ?? "", /LoopbackViolation: connect: example\.com is not a loopback address/);
});

test("a case whose kernel semantics differ on this platform is skipped there with the reason", async () => {
  let ran = false;
  const c = defineCase({
    ...base,
    id: "test.differs",
    differsOn: { plan9: "no BSD sockets at all" },
    async run() {
      ran = true;
    },
  });
  const r = await runCase(c, adapter, { ...host, platform: "plan9" });
  assert.equal(r.verdict, "skipped");
  assert.equal(r.detail, "the kernel differs on plan9: no BSD sockets at all");
  assert.equal(ran, false);
  assert.equal((await runCase(c, adapter, host)).verdict, "pass");
});

/** A stand-in for the reference peer: the fake adapter, plus the peer's own operations (never called here). */
function fakePeer(): { peer: Peer; open: Set<object> } {
  const { adapter: peerNet, open } = fakeNet();
  const never = () => Promise.reject(new Error("not in this fake"));
  const peer: Peer = {
    ...peerNet,
    udp: { bind: never },
    pid: 1,
    ready: () => Promise.resolve({ pid: 1, columnView: { ok: true }, startMs: 0 }),
    inq: never,
    outq: never,
    tcpInfo: never,
    soError: never,
    columnSocket: () => Promise.reject(new UnavailableError("pidfd_getfd: EPERM")),
    close: () => Promise.resolve(),
  };
  return { peer, open };
}

test("a column+peer case without a peer on its host is skipped with the host's reason", async () => {
  const c = defineCase({ ...base, id: "test.peer-missing", sides: "column+peer", async run() {} });
  const none = await runCase(c, adapter, host);
  assert.deepEqual([none.verdict, none.detail], ["skipped", "this host runs no reference peer (sockcheck run and the test runners start one)"]);
  const failed = await runCase(c, adapter, { ...host, fixtures: { peer: { ok: false, reason: "cannot start deno" } } });
  assert.deepEqual([failed.verdict, failed.detail], ["skipped", "cannot start deno"]);
});

test("a column+peer case gets the peer, and the runner closes what the case left open on it", async () => {
  const { peer, open: peerOpen } = fakePeer();
  const withPeer: Host = { ...host, peer, fixtures: { peer: { ok: true } } };
  const c = defineCase({
    ...base,
    id: "test.peer-leaves-listener",
    sides: "column+peer",
    async run(_net, ctx) {
      assert.ok(ctx.peer, "no peer in the context");
      await ctx.peer.tcp.listen({ hostname: "127.0.0.1", port: 0 });
    },
  });
  const r = await runCase(c, adapter, withPeer);
  assert.equal(r.verdict, "pass");
  assert.equal(r.observations.closedByRunner, 1);
  assert.equal(peerOpen.size, 0);
});

test("a column case never sees the peer, even where the host has one", async () => {
  const { peer } = fakePeer();
  let seen: unknown = "not run";
  const c = defineCase({ ...base, id: "test.column-only", async run(_net, ctx) { seen = ctx.peer; } });
  assert.equal((await runCase(c, adapter, { ...host, peer, fixtures: { peer: { ok: true } } })).verdict, "pass");
  assert.equal(seen, undefined);
});

test("a case that reads the column's sockets is skipped where the peer may not, and an unavailable view mid-case is skipped too", async () => {
  const { peer } = fakePeer();
  const viewless: Host = { ...host, peer, fixtures: { peer: { ok: true }, peerColumnView: { ok: false, reason: "no CAP_SYS_PTRACE" } } };
  const needsView = defineCase({
    ...base,
    id: "test.peer-view",
    sides: "column+peer",
    requires: { fixtures: ["peerColumnView"] },
    async run() {},
  });
  assert.deepEqual((await runCase(needsView, adapter, viewless)).detail, "no CAP_SYS_PTRACE");
  const asks = defineCase({
    ...base,
    id: "test.peer-view-mid-case",
    sides: "column+peer",
    async run(_net, ctx) {
      await ctx.peer!.columnSocket({ local: { hostname: "127.0.0.1", port: 1 } });
    },
  });
  const r = await runCase(asks, adapter, { ...host, peer, fixtures: { peer: { ok: true } } });
  assert.deepEqual([r.verdict, r.detail], ["skipped", "pidfd_getfd: EPERM"]);
});

test("a case says its sides plainly: column+peer for the peer, never the peer fixture", () => {
  assert.throws(() => defineCase({ ...base, id: "test.sides-bad", sides: "peer" as "column", async run() {} }), /sides must be/);
  assert.throws(
    () => defineCase({ ...base, id: "test.sides-fixture", requires: { fixtures: ["peer"] }, async run() {} }),
    /say sides: "column\+peer"/,
  );
  assert.throws(
    () => defineCase({ ...base, id: "test.sides-view", requires: { fixtures: ["peerColumnView"] }, async run() {} }),
    /needs sides: "column\+peer"/,
  );
});
