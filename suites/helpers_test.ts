/** The suites' shared helpers that judge bytes: the test pattern and reading against it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Conn } from "../core/adapter.ts";
import { pattern, readAgainst } from "./helpers.ts";

/** A connection whose reads give `chunks` in turn, then EOF. */
function reading(chunks: Uint8Array[]): Conn {
  const queue = [...chunks];
  return { read: () => Promise.resolve(queue.shift() ?? null) } as unknown as Conn;
}

test("a pattern is the same for the same seed, differs between seeds, and never repeats a 4-byte word in a row", () => {
  const a = pattern(1 << 20, 1);
  assert.deepEqual(pattern(1 << 20, 1), a);
  assert.notDeepEqual(pattern(1 << 20, 2).subarray(0, 64), a.subarray(0, 64));
  assert.equal(pattern(7, 3).byteLength, 7);
  const words = new DataView(a.buffer, a.byteOffset, a.byteLength);
  for (let i = 4; i + 4 <= a.byteLength; i += 4 * 1021) assert.notEqual(words.getUint32(i), words.getUint32(i - 4));
});

test("reading against the expected bytes finds the first that differs, across chunks", async () => {
  const expected = pattern(1000, 4);
  const whole = await readAgainst(reading([expected.slice(0, 300), expected.slice(300)]), expected);
  assert.deepEqual(whole, { bytes: 1000 });
  const changed = expected.slice();
  changed[612] ^= 1;
  const seen = await readAgainst(reading([changed.slice(0, 300), changed.slice(300)]), expected);
  assert.equal(seen.firstDifference, 612);
});

test("reading against stops at the expected length, or with toEnd at EOF, and a byte beyond is a difference", async () => {
  const expected = pattern(10, 5);
  const early = await readAgainst(reading([expected.slice(0, 4)]), expected);
  assert.deepEqual(early, { bytes: 4, last: { ok: true, value: null } });
  const beyond = await readAgainst(reading([expected, Uint8Array.of(1, 2)]), expected, { toEnd: true });
  assert.deepEqual(beyond, { bytes: 12, firstDifference: 10, last: { ok: true, value: null } });
});
