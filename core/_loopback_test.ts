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
