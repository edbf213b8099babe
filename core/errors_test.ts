/** Socket errors: normalised from structured identity only, the raw error kept. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { errnoName, SocketError, toSocketError } from "./errors.ts";

test("errors are normalised from an errno-name code, a numeric errno or the adapter's class table", () => {
  assert.equal(toSocketError("read", Object.assign(new Error("x"), { code: "ECONNRESET" })).code, "ECONNRESET");
  assert.equal(toSocketError("read", Object.assign(new Error("x"), { errno: -104 })).code, "ECONNRESET");
  class ConnectionRefused extends Error {}
  assert.equal(toSocketError("connect", new ConnectionRefused("x"), { ConnectionRefused: "ECONNREFUSED" }).code, "ECONNREFUSED");
});

test("a message that names an errno is not identity: the error is UNKNOWN with the message kept", () => {
  const unknown = toSocketError("write", new Error("EPIPE: broken pipe"));
  assert.equal(unknown.code, "UNKNOWN");
  assert.ok(unknown instanceof SocketError);
  assert.equal(unknown.raw.message, "EPIPE: broken pipe");
});

test("a SocketError passes through unchanged, and an errno number has the platform's name", () => {
  const error = new SocketError("connect", "ECONNREFUSED", { class: "Errno", message: "refused" });
  assert.equal(toSocketError("read", error), error);
  assert.equal(errnoName(-111), errnoName(111));
  assert.equal(errnoName(999_999), undefined);
});
