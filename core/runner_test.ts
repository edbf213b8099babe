/**
 * The runner's own tests: verdicts, time limits and the leak check, with
 * deliberately bad cases that are not in the catalog.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { adapter } from "../runtimes/node/adapter.ts";
import { host } from "../runtimes/node/host.ts";
import { defineCase } from "./case.ts";
import { SocketError, toSocketError } from "./errors.ts";
import { idFilter } from "./filter.ts";
import { runCase } from "./runner.ts";
import { checkLoopback, LoopbackViolation } from "./_loopback.ts";
import { CATALOG } from "../suites/catalog.ts";

const base = { title: "t", semantic: "s", reference: "r" };

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
  await assert.rejects(adapter.tcp.connect({ hostname: "127.0.0.1", port: listenerPort }), { code: "ECONNREFUSED" });
});

test("a case that leaves a socket open fails the leak check", { skip: host.countSockets ? false : "no descriptor count here" }, async () => {
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

test("errors are normalised from structured identity only", () => {
  assert.equal(toSocketError("read", Object.assign(new Error("x"), { code: "ECONNRESET" })).code, "ECONNRESET");
  assert.equal(toSocketError("read", Object.assign(new Error("x"), { errno: -104 })).code, "ECONNRESET");
  class ConnectionRefused extends Error {}
  assert.equal(toSocketError("connect", new ConnectionRefused("x"), { ConnectionRefused: "ECONNREFUSED" }).code, "ECONNREFUSED");
  // A message that names an errno is not identity.
  const unknown = toSocketError("write", new Error("EPIPE: broken pipe"));
  assert.equal(unknown.code, "UNKNOWN");
  assert.ok(unknown instanceof SocketError);
  assert.equal(unknown.raw.message, "EPIPE: broken pipe");
});

test("a failed name lookup keeps getaddrinfo's name, and its resolver number is never read as an errno", () => {
  const lookup = (fields: Record<string, unknown>) => Object.assign(new Error("getaddrinfo failed"), { syscall: "getaddrinfo", ...fields });
  assert.equal(toSocketError("connect", lookup({ code: "EAI_AGAIN", errno: -3001 })).code, "EAI_AGAIN");
  // c-ares' ARES_ENOTFOUND is 4, which as an errno would be EINTR.
  assert.equal(toSocketError("connect", lookup({ code: "ENOTFOUND", errno: 4 })).code, "UNKNOWN");
  assert.equal(toSocketError("connect", lookup({ code: "ENOTFOUND", errno: -3008 }), { ENOTFOUND: "EAI_NONAME" }).code, "EAI_NONAME");
  const refused = toSocketError("connect", Object.assign(new Error("x"), { code: "ECONNREFUSED", address: "127.0.0.1", port: 9 }));
  assert.deepEqual([refused.raw.address, refused.raw.port], ["127.0.0.1", 9]);
});

test("filters match case ids by comma-separated globs", () => {
  const f = idFilter("tcp.connect.*,*.backlog");
  assert.ok(f("tcp.connect.refused"));
  assert.ok(f("tcp.listen.backlog"));
  assert.ok(!f("tcp.listen.port-zero"));
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

test("wildcard addresses pass the guard only to listen", () => {
  assert.doesNotThrow(() => checkLoopback("listen", [{ hostname: "0.0.0.0", port: 0 }]));
  assert.throws(() => checkLoopback("connect", [{ hostname: "0.0.0.0", port: 1 }]), LoopbackViolation);
  assert.throws(() => checkLoopback("send", [new Uint8Array(1), { hostname: "192.0.2.1", port: 1 }]), LoopbackViolation);
  assert.doesNotThrow(() => checkLoopback("send", [new Uint8Array(1), { hostname: "127.0.0.2", port: 1 }]));
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

test("multicast groups pass the guard only inside the lab, and interfaces must be loopback", () => {
  const join = [{ group: "239.1.2.3", interface: "127.0.0.1" }];
  assert.throws(() => checkLoopback("joinGroup", join), LoopbackViolation);
  assert.doesNotThrow(() => checkLoopback("joinGroup", join, { lab: true }));
  assert.throws(() => checkLoopback("joinGroup", [{ group: "239.1.2.3", interface: "0.0.0.0" }], { lab: true }), LoopbackViolation);
  assert.throws(() => checkLoopback("send", [new Uint8Array(1), { hostname: "239.1.2.3", port: 1 }]), LoopbackViolation);
  assert.doesNotThrow(() => checkLoopback("send", [new Uint8Array(1), { hostname: "239.1.2.3", port: 1 }], { lab: true }));
  assert.throws(() => checkLoopback("send", [new Uint8Array(1), { hostname: "192.0.2.1", port: 1 }], { lab: true }), LoopbackViolation);
});

test("an IPv4-mapped loopback address passes the guard, to connect and to send", () => {
  for (const hostname of ["::ffff:127.0.0.1", "::FFFF:127.1.2.3", "[::ffff:127.0.0.1]"]) {
    assert.doesNotThrow(() => checkLoopback("connect", [{ hostname, port: 1 }]), hostname);
    assert.doesNotThrow(() => checkLoopback("send", [new Uint8Array(1), { hostname, port: 1 }]), hostname);
  }
  assert.throws(() => checkLoopback("connect", [{ hostname: "::ffff:128.0.0.1", port: 1 }]), LoopbackViolation);
});

test("every case in the catalog stays on loopback", async () => {
  const violations: string[] = [];
  for (const { case: c } of CATALOG) {
    const r = await runCase(c, adapter, { fixtures: host.fixtures });
    if (/LoopbackViolation/.test(r.detail ?? "")) violations.push(`${c.id}: ${r.detail}`);
  }
  assert.deepEqual(violations, []);
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
