/**
 * Idle timeouts: a JavaScript contract (node:net `setTimeout` and its
 * `timeout` event) with no kernel counterpart, so every case here is
 * `level: "runtime"`. The runtime's own timer fires; the adapter only
 * relays it, and the cases wait for its report, with bounded waits only
 * to show that it does not fire.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Conn } from "../core/adapter.ts";
import { type Case, type CaseContext, defineCase } from "../core/case.ts";
import { bytes, connectedPair, readExactly, stillPendingAfter, text } from "./helpers.ts";

/** The idle timeout every case sets. */
const IDLE_MS = 200;
/** How early a timer may fire and still count as the one set (timer clocks round). */
const EARLY_MS = 20;
/** A gap in traffic shorter than the timeout, and how many gaps make more than one timeout's worth. */
const GAP_MS = 100;
const GAPS = 3;

/** What every case here shares: its reference, its level, what it needs. */
const TIMEOUT_CASE: Pick<Case, "reference" | "level" | "requires"> = {
  reference:
    "node:net socket.setTimeout() and the 'timeout' event; no BSD socket counterpart (SO_RCVTIMEO bounds one blocking call, not idleness)",
  level: "runtime",
  requires: { capabilities: ["tcpListen", "idleTimeout"] },
};

/** Asserts the first firing came no earlier than the timeout after `since`; records when. */
async function firesAfter(ctx: CaseContext, options: { conn: Conn; since: number }): Promise<void> {
  const { conn, since } = options;
  await conn.idleTimeouts!.reached(1);
  const after = Math.round(performance.now() - since);
  ctx.observe("fired after quiet of", `${after} ms`);
  assert.ok(after >= IDLE_MS - EARLY_MS, `the ${IDLE_MS} ms idle timeout fired after ${after} ms of quiet`);
}

/** One byte from `from`, read by `to`. */
async function oneByte(from: Conn, to: Conn): Promise<void> {
  await from.write(bytes("."));
  assert.equal(text(await readExactly(to, 1)), ".");
}

export const idleFires = defineCase({
  id: "tcp.timeout.idle-fires",
  title: "an idle timeout fires once when no data moves, and the connection stays open",
  semantic:
    "With a 200 ms idle timeout set and no traffic, the runtime reports the timeout once, about 200 ms later, and not again while nothing happens; the report alone closes nothing: data still flows both ways afterwards.",
  ...TIMEOUT_CASE,
  slow: true,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const set = performance.now();
      pair.client.setIdleTimeout!(IDLE_MS);
      await firesAfter(ctx, { conn: pair.client, since: set });
      const once = await stillPendingAfter(pair.client.idleTimeouts!.reached(2), IDLE_MS + GAP_MS); // bounded: no second firing
      ctx.observe("firings", pair.client.idleTimeouts!.count);
      assert.ok(once, "the idle timeout fired again with nothing in between");
      await oneByte(pair.client, pair.server);
      await oneByte(pair.server, pair.client);
      ctx.observe("after the timeout", "data flows both ways");
    } finally {
      await pair.close();
    }
  },
});

/** Keeps traffic going for GAPS gaps, each shorter than the timeout, and asserts the timeout never fires. */
async function busyFor(ctx: CaseContext, options: { watched: Conn; traffic: () => Promise<void> }): Promise<void> {
  const { watched, traffic } = options;
  const fired = watched.idleTimeouts!.reached(1);
  for (let i = 0; i < GAPS; i++) {
    const quiet = await stillPendingAfter(fired, GAP_MS); // bounded: no firing within a gap shorter than the timeout
    assert.ok(quiet, `the idle timeout fired ${i * GAP_MS + GAP_MS} ms in, with data every ${GAP_MS} ms`);
    await traffic();
  }
  ctx.observe(`with data every ${GAP_MS} ms for ${GAPS * GAP_MS} ms`, "no firing");
}

/** A case body: traffic one way (`from` the server is a read by the client, else a write) keeps restarting the client's timeout. */
function restartedByTraffic(from: "server" | "client"): Case["run"] {
  return async (net, ctx) => {
    const pair = await connectedPair(net);
    try {
      pair.client.setIdleTimeout!(IDLE_MS);
      let last = performance.now();
      const [sender, receiver] = from === "server" ? [pair.server, pair.client] : [pair.client, pair.server];
      await busyFor(ctx, {
        watched: pair.client,
        traffic: async () => {
          await oneByte(sender, receiver);
          last = performance.now();
        },
      });
      await firesAfter(ctx, { conn: pair.client, since: last });
    } finally {
      await pair.close();
    }
  };
}

export const resetByRead = defineCase({
  id: "tcp.timeout.reset-by-read",
  title: "data arriving restarts the idle timeout",
  semantic:
    "Each chunk of data that arrives and is read restarts a connection's idle timeout: with a byte every 100 ms for 300 ms the 200 ms timeout never fires, and it fires about 200 ms after the last one.",
  ...TIMEOUT_CASE,
  run: restartedByTraffic("server"),
});

export const resetByWrite = defineCase({
  id: "tcp.timeout.reset-by-write",
  title: "data written restarts the idle timeout",
  semantic:
    "Each write restarts a connection's idle timeout: with a byte written every 100 ms for 300 ms the 200 ms timeout never fires, and it fires about 200 ms after the last one.",
  ...TIMEOUT_CASE,
  run: restartedByTraffic("client"),
});

export const cleared = defineCase({
  id: "tcp.timeout.cleared",
  title: "an idle timeout set to 0 is disabled",
  semantic:
    "Setting the idle timeout to 0 disables it: after a 200 ms timeout has been seen to fire, setting it again and then to 0 leaves an idle connection with no further firing.",
  ...TIMEOUT_CASE,
  slow: true,
  async run(net, ctx) {
    const pair = await connectedPair(net);
    try {
      const set = performance.now();
      pair.client.setIdleTimeout!(IDLE_MS);
      await firesAfter(ctx, { conn: pair.client, since: set });
      pair.client.setIdleTimeout!(IDLE_MS);
      pair.client.setIdleTimeout!(0);
      const silent = await stillPendingAfter(pair.client.idleTimeouts!.reached(2), IDLE_MS + GAP_MS); // bounded: a disabled timeout must not fire
      ctx.observe("after setting 0", silent ? `no firing in ${IDLE_MS + GAP_MS} ms` : "fired");
      assert.ok(silent, "the idle timeout fired after it was set to 0");
    } finally {
      await pair.close();
    }
  },
});
