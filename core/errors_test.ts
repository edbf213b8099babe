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

test("a failed name lookup keeps getaddrinfo's name, and its resolver number is never read as an errno", () => {
  const lookup = (fields: Record<string, unknown>) => Object.assign(new Error("getaddrinfo failed"), { syscall: "getaddrinfo", ...fields });
  assert.equal(toSocketError("connect", lookup({ code: "EAI_AGAIN", errno: -3001 })).code, "EAI_AGAIN");
  // c-ares' ARES_ENOTFOUND is 4, which as an errno would be EINTR.
  assert.equal(toSocketError("connect", lookup({ code: "ENOTFOUND", errno: 4 })).code, "UNKNOWN");
  assert.equal(toSocketError("connect", lookup({ code: "ENOTFOUND", errno: -3008 }), { ENOTFOUND: "EAI_NONAME" }).code, "EAI_NONAME");
  const refused = toSocketError("connect", Object.assign(new Error("x"), { code: "ECONNREFUSED", address: "127.0.0.1", port: 9 }));
  assert.deepEqual([refused.raw.address, refused.raw.port], ["127.0.0.1", 9]);
});
