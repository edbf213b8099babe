/** The scope: handles a case passes back to the adapter reach it as the adapter made them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Scope } from "./_scope.ts";

test("an adapter's own handle passed back to it is unwrapped, and the handles it returns are tracked", async () => {
  class Handle {
    closed = false;
    close() {
      this.closed = true;
    }
  }
  const made = new Handle();
  let given: unknown;
  const adapter = { open: () => made, take: (h: unknown) => (given = h, new Handle()) };
  const scope = new Scope();
  const wrapped = scope.wrap(adapter);
  const handle = wrapped.open();
  assert.notEqual(handle, made);
  wrapped.take(handle);
  assert.equal(given, made);
  assert.equal(await scope.closeAll(), 2);
  assert.ok(made.closed);
});
