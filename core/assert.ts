/**
 * Assertions for case bodies beyond `node:assert/strict`: socket errors
 * compared by errno name, with what was seen recorded either way.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CaseContext } from "./case.ts";
import { SocketError } from "./errors.ts";

/**
 * Awaits `operation`, asserts it rejects with a SocketError whose code is one
 * of `codes`, records the code and raw error under `key`, and returns the
 * error. If the operation succeeds instead, the assertion fails (the runner
 * closes whatever it opened).
 *
 * @example
 * ```ts
 * import { rejectsWith } from "./assert.ts";
 * import type { Adapter } from "./adapter.ts";
 * import type { CaseContext } from "./case.ts";
 * declare const net: Adapter, ctx: CaseContext;
 * await rejectsWith(ctx, "connect", net.tcp.connect({ hostname: "127.0.0.1", port: 1 }), "ECONNREFUSED");
 * ```
 */
export async function rejectsWith(
  ctx: CaseContext,
  key: string,
  operation: Promise<unknown>,
  ...codes: string[]
): Promise<SocketError> {
  let outcome: unknown;
  try {
    outcome = await operation;
  } catch (err) {
    if (!(err instanceof SocketError)) throw err;
    ctx.observe(key, `${err.code} (${err.raw.class}${err.raw.code !== undefined ? ` ${err.raw.code}` : ""})`);
    assert.ok(codes.includes(err.code), new assert.AssertionError({
      message: `${key} failed with ${err.code}, expected ${codes.join(" or ")}`,
      actual: `${err.code}: ${err.raw.class}: ${err.raw.message}`,
      expected: codes.join(" or "),
      operator: "rejectsWith",
    }));
    return err;
  }
  const seen = outcome === null ? "EOF (null)" : outcome instanceof Uint8Array ? `${outcome.byteLength} bytes` : "success";
  ctx.observe(key, seen);
  throw new assert.AssertionError({
    message: `${key} gave ${seen}, expected ${codes.join(" or ")}`,
    actual: seen,
    expected: codes.join(" or "),
    operator: "rejectsWith",
  });
}
