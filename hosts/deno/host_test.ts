/**
 * The Deno host's socket count, as the leak check uses it: a listener is
 * counted while open and not once closed, and counts asked at once each get
 * their own answer.
 */
import assert from "node:assert/strict";
import { host } from "./host.ts";

Deno.test({
  name: "the Deno host counts a listener while it is open and not once it is closed",
  ignore: Deno.build.os !== "linux",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const count = host.countSockets!;
    const before = await count();
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const [first, second] = await Promise.all([count(), count()]);
      assert.deepEqual([first, second], [before + 1, before + 1]);
    } finally {
      listener.close();
    }
    assert.equal(await count(), before);
  },
});
