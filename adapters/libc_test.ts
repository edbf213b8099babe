/**
 * The kernel column reports errno exactly as the kernel returned it: the
 * name is the platform's name for the number, and the number is kept.
 */
import assert from "node:assert/strict";
import { constants } from "node:os";
import { SocketError } from "../core/errors.ts";
import { ss } from "../test/fixtures/deno_ss.ts";
import { assertReadsPulled } from "../test/fixtures/pull_reads.ts";
import { adapter } from "./libc.ts";

async function failure(operation: Promise<unknown>): Promise<SocketError> {
  try {
    await operation;
  } catch (err) {
    assert.ok(err instanceof SocketError, `not a SocketError: ${err}`);
    return err;
  }
  throw new Error("the operation succeeded");
}

function assertRaw(err: SocketError, name: keyof typeof constants.errno, syscall: string) {
  assert.equal(err.code, name);
  assert.equal(err.raw.class, "Errno");
  assert.equal(err.raw.errno, constants.errno[name], `${name} is not errno ${constants.errno[name]}`);
  assert.equal(err.raw.syscall, syscall);
}

Deno.test("a refused connect reports ECONNREFUSED with the kernel's errno", async () => {
  const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  await listener.close();
  const err = await failure(adapter.tcp.connect({ hostname: "127.0.0.1", port }));
  assertRaw(err, "ECONNREFUSED", "connect");
  // connect's own destination, as node:net reports it.
  assert.deepEqual([err.raw.address, err.raw.port], ["127.0.0.1", port]);
});

Deno.test("a second listener on a port reports EADDRINUSE with the kernel's errno", async () => {
  const first = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    assertRaw(await failure(adapter.tcp.listen({ hostname: "127.0.0.1", port: first.addr.port })), "EADDRINUSE", "bind");
  } finally {
    await first.close();
  }
});

Deno.test("a UDP datagram of 65508 bytes reports EMSGSIZE with the kernel's errno", async () => {
  const receiver = await adapter.udp!.bind({ hostname: "127.0.0.1", port: 0 });
  const sender = await adapter.udp!.bind({ hostname: "127.0.0.1", port: 0 });
  try {
    const err = await failure(sender.send(new Uint8Array(65508), { hostname: "127.0.0.1", port: receiver.address().port }));
    assertRaw(err, "EMSGSIZE", "sendto");
  } finally {
    await Promise.all([sender.close(), receiver.close()]);
  }
});

Deno.test({
  name: "a writer to a connection with no read pending is held, and nothing left the kernel beyond the one read",
  async fn() {
    // One recv per read(): the libc adapter takes nothing from the kernel unasked.
    const figures = await assertReadsPulled(adapter, { maxReadAhead: 0, ss });
    assert.ok(figures.written > 0);
  },
});
