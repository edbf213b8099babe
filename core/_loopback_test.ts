/** The loopback guard: loopback everywhere, a wildcard only to listen or bind. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkLoopback, LoopbackViolation } from "./_loopback.ts";

test("wildcard addresses pass the guard only to listen", () => {
  assert.doesNotThrow(() => checkLoopback("listen", [{ hostname: "0.0.0.0", port: 0 }]));
  assert.throws(() => checkLoopback("connect", [{ hostname: "0.0.0.0", port: 1 }]), LoopbackViolation);
  assert.throws(() => checkLoopback("send", [new Uint8Array(1), { hostname: "192.0.2.1", port: 1 }]), LoopbackViolation);
  assert.doesNotThrow(() => checkLoopback("send", [new Uint8Array(1), { hostname: "127.0.0.2", port: 1 }]));
});

test("IPv6 loopback, bracketed or mapped, passes; a name is never resolved, so it does not", () => {
  for (const hostname of ["::1", "[::1]", "::ffff:127.0.0.1", "127.255.0.9"]) {
    assert.doesNotThrow(() => checkLoopback("connect", [{ hostname, port: 1 }]), hostname);
  }
  for (const hostname of ["localhost", "::ffff:10.0.0.1", "128.0.0.1", "127.0.0.256"]) {
    assert.throws(() => checkLoopback("connect", [{ hostname, port: 1 }]), LoopbackViolation, hostname);
  }
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
