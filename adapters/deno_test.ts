/**
 * The Deno adapter's own tests: reads are pulled (nothing leaves the kernel
 * while no read is pending), errors keep Deno's identity, a close settles
 * only once Deno has let go of what was pending on the resource, and close
 * runs once however often it is called.
 *
 * Run with `deno test -P adapters/deno_test.ts`.
 */
import assert from "node:assert/strict";
import { SocketError } from "../core/errors.ts";
import { ss } from "../test/fixtures/deno_ss.ts";
import { assertReadsPulled } from "../test/fixtures/pull_reads.ts";
import { adapter } from "./deno.ts";

const LOOPBACK = "127.0.0.1";

Deno.test("a refused connect is ECONNREFUSED, with Deno's error class kept as raw", async () => {
  const listener = await adapter.tcp.listen({ hostname: LOOPBACK, port: 0 });
  const { port } = listener.addr;
  await listener.close();
  const err = await adapter.tcp.connect({ hostname: LOOPBACK, port }).then(() => undefined, (e) => e);
  assert.ok(err instanceof SocketError, `not a SocketError: ${err}`);
  assert.equal(err.code, "ECONNREFUSED");
  assert.equal(err.raw.class, "ConnectionRefused");
});

Deno.test("closing a connection resolves only once Deno has rejected the read pending on it (Interrupted)", async () => {
  const listener = await adapter.tcp.listen({ hostname: LOOPBACK, port: 0 });
  const client = await adapter.tcp.connect(listener.addr);
  const server = await listener.accept();
  assert.ok(server);
  let settled = false;
  const reading = server.read().then((value) => value, (err: SocketError) => err.raw.class).finally(() => settled = true);
  await server.close();
  assert.equal(settled, true, "close resolved while Deno still held the pending read");
  // Deno rejects a read pending on a resource this side closed (adapters/deno.ts's header).
  assert.equal(await reading, "Interrupted");
  await Promise.all([client.close(), listener.close()]);
});

Deno.test("close is idempotent: every call shares the first one's outcome", async () => {
  const listener = await adapter.tcp.listen({ hostname: LOOPBACK, port: 0 });
  const first = listener.close();
  const second = listener.close();
  assert.equal(first, second);
  await first;
  await listener.close();
});

Deno.test({
  name: "a writer to a connection with no read pending is held, and nothing left the kernel beyond the one read",
  async fn() {
    // Deno's conn.read() reads only when called: no read-ahead at all.
    const figures = await assertReadsPulled(adapter, { maxReadAhead: 0, ss });
    assert.ok(figures.written > 0);
  },
});
