/** A runtime's synchronous and callback calls as the contract's promises. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SocketError } from "./errors.ts";
import { attempt, viaCallback } from "./settle.ts";

test("a synchronous call resolves with its result and rejects with its throw as a SocketError", async () => {
  assert.equal(await attempt("listen", () => 7), 7);
  const err = await attempt("listen", () => {
    throw Object.assign(new Error("in use"), { code: "EADDRINUSE" });
  }).catch((e) => e);
  assert.ok(err instanceof SocketError);
  assert.deepEqual([err.op, err.code, err.raw.message], ["listen", "EADDRINUSE", "in use"]);
});

test("a synchronous call's error class is read through the adapter's table", async () => {
  class AddrInUse extends Error {}
  const err = await attempt("bind", () => {
    throw new AddrInUse("x");
  }, { AddrInUse: "EADDRINUSE" }).catch((e) => e);
  assert.equal(err.code, "EADDRINUSE");
});

test("a callback call settles when the runtime calls back, with its error if it gives one", async () => {
  await viaCallback("write", (done) => setImmediate(() => done()));
  await viaCallback("write", (done) => setImmediate(() => done(null)));
  const err = await viaCallback("write", (done) => done(Object.assign(new Error("pipe"), { code: "EPIPE" }))).catch((e) => e);
  assert.deepEqual([err.op, err.code], ["write", "EPIPE"]);
});

test("a callback call that throws at once rejects with that throw, and never settles twice", async () => {
  const err = await viaCallback("send", () => {
    throw new TypeError("no such endpoint");
  }).catch((e) => e);
  assert.deepEqual([err.code, err.raw.class], ["UNKNOWN", "TypeError"]);
  let settled = 0;
  await viaCallback("end", (done) => (done(), done(new Error("late")))).then(() => settled++, () => settled++);
  assert.equal(settled, 1);
});
