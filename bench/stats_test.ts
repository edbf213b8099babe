/**
 * The lane's statistics: the median and spread of the windows, nearest-rank
 * quantiles of a window's samples, rates per window, and the bulk marks.
 *
 * Run: `node --import tsx --test bench/stats_test.ts`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bulkMarks, FULL, QUICK, WINDOWS } from "./plan.ts";
import { median, quantile, summarize } from "./stats.ts";
import { perSecond, timedWindows } from "./windows.ts";

test("the median of an odd count is the middle value, of an even count the mean of the middle two", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
});

test("quantiles are by nearest rank: the p99 of 100 samples is the 99th, the p50 of 10 the 5th", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(hundred, 0.99), 99);
  assert.equal(quantile(hundred, 0.5), 50);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), 5);
  assert.equal(quantile([7], 0.99), 7);
});

test("a summary is the median with the smallest and largest window", () => {
  assert.deepEqual(summarize([10, 12, 11, 30, 9]), { value: 11, min: 9, max: 30 });
});

test("the full plan moves 256 MiB each way, the quick one 32 MiB", () => {
  assert.equal(bulkMarks(FULL.bulk).at(-1), 256 * 1024 * 1024);
  assert.equal(bulkMarks(QUICK.bulk).at(-1), 32 * 1024 * 1024);
  assert.equal(bulkMarks(FULL.bulk).length, WINDOWS + 1);
});

test("timed windows warm up, then measure each window to its count or its time", async () => {
  const seen: number[] = [];
  const windows = await timedWindows({ warmupMs: 1000, windowMs: 1000, maxOps: 10 }, () => Promise.resolve(1), {
    samples: true,
    onWindow: (done) => seen.push(done),
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  assert.equal(windows.length, WINDOWS);
  for (const w of windows) {
    assert.equal(w.ops, 10);
    assert.equal(w.samples!.length, 10);
    assert.ok(perSecond(w) > 0);
  }
  const timed = await timedWindows({ warmupMs: 5, windowMs: 5, maxOps: Infinity }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return 2;
  });
  for (const w of timed) assert.ok(w.ms >= 5 && w.ops % 2 === 0 && w.ops > 0);
});
