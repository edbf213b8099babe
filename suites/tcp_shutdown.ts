/**
 * shutdown(SHUT_WR): the half-close, and what it allows and forbids.
 *
 * @module
 */
import assert from "node:assert/strict";
import { defineCase } from "../core/case.ts";
import { rejectsWith } from "../core/assert.ts";
import { bytes, connectedPair, readExactly, readToEnd, text } from "./helpers.ts";

export const halfClose = defineCase({
  id: "tcp.shutdown.half-close",
  title: "after shutdown(SHUT_WR) the peer reads EOF and its reply still arrives",
  semantic:
    "shutdown(SHUT_WR) sends FIN after the queued data: the peer reads the request then EOF, and can still send its reply, which the half-closed side reads before its own EOF.",
  reference: "UNP 6.6 (shutdown), 6.7 (str_cli with shutdown); RFC 9293 3.6 (half-closed connections)",
  requires: { capabilities: ["halfClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.write(bytes("request"));
      await pair.client.closeWrite!();
      const request = await readToEnd(pair.server);
      ctx.observe("server read", `${text(request.data)} then EOF`);
      assert.equal(text(request.data), "request");
      await pair.server.write(bytes("reply"));
      await pair.server.closeWrite!();
      const reply = await readToEnd(pair.client);
      ctx.observe("client read", `${text(reply.data)} then EOF`);
      assert.equal(text(reply.data), "reply");
    } finally {
      await pair.close();
    }
  },
});

export const peerCanStillWrite = defineCase({
  id: "tcp.shutdown.peer-can-still-write",
  title: "the side that received the FIN can keep writing later",
  semantic:
    "Receiving a FIN only ends the peer's direction: the receiver's socket stays writable for as long as it likes, so data it writes after later events (here, a message on another connection) still reaches the half-closed peer.",
  reference: "UNP 6.6; RFC 9293 3.6 (CLOSE-WAIT: the receiver may continue to send)",
  requires: { capabilities: ["halfClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    const control = await connectedPair(net);
    try {
      await pair.client.closeWrite!();
      assert.equal((await readToEnd(pair.server)).data.byteLength, 0);
      // Wait for a real later event: a message on another connection.
      await control.client.write(bytes("go"));
      await readExactly(control.server, 2);
      await pair.server.write(bytes("later"));
      await control.client.write(bytes("go"));
      await readExactly(control.server, 2);
      await pair.server.write(bytes("+more"));
      await pair.server.close();
      const got = await readToEnd(pair.client);
      ctx.observe("client read", text(got.data));
      assert.equal(text(got.data), "later+more");
    } finally {
      await Promise.all([pair.close(), control.close()]);
    }
  },
});

export const writeAfterShutdown = defineCase({
  id: "tcp.shutdown.write-after-shutdown",
  title: "writing after shutdown(SHUT_WR) fails with EPIPE",
  semantic:
    "After shutdown(SHUT_WR) the socket can no longer send: write() fails with EPIPE.",
  reference: "POSIX shutdown(), write() [EPIPE]; UNP 5.13 (SIGPIPE), 6.6",
  requires: { capabilities: ["halfClose"] },
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      await pair.client.closeWrite!();
      await rejectsWith(ctx, "write after shutdown", pair.client.write(bytes("late")), "EPIPE");
    } finally {
      await pair.close();
    }
  },
});
