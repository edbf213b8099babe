/**
 * The search bisect makes, over made-up releases whose outcome the test
 * decides: it finds the adjacent pair from either end, measures each
 * release once and about log2(n) of them, and reports no boundary when the
 * ends agree.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bisectReleases } from "./bisect_search.ts";

const versions = Array.from({ length: 90 }, (_, i) => `1.${Math.floor(i / 30)}.${i % 30}`);
/** Fails before index `first`, passes from there. */
const passesFrom = (first: number) => (v: string) => Promise.resolve(versions.indexOf(v) >= first ? "pass" : "fail");
const same = (a: string, b: string) => a === b;

for (const first of [1, 2, 45, 88, 89]) {
  test(`the boundary before release ${first} of 90 is found from the newer good end, each release measured once`, async () => {
    const measured: string[] = [];
    const r = await bisectReleases(versions, {
      good: versions.at(-1)!,
      bad: versions[0]!,
      measure: (v) => (measured.push(v), passesFrom(first)(v)),
      same,
    });
    assert.deepEqual(r.boundary, {
      older: { version: versions[first - 1], outcome: "fail" },
      newer: { version: versions[first], outcome: "pass" },
    });
    assert.deepEqual(r.tried.map((t) => t.version), measured);
    assert.equal(new Set(measured).size, measured.length);
    assert.ok(measured.length <= 2 + Math.ceil(Math.log2(versions.length)), `${measured.length} measured`);
  });
}

test("the good end may be the older one: a regression is found the same way", async () => {
  const r = await bisectReleases(versions, {
    good: versions[0]!,
    bad: versions.at(-1)!,
    measure: (v) => Promise.resolve(versions.indexOf(v) < 60 ? "pass" : "crash"),
    same,
  });
  assert.deepEqual([r.boundary?.older, r.boundary?.newer], [
    { version: versions[59], outcome: "pass" },
    { version: versions[60], outcome: "crash" },
  ]);
});

test("a third outcome counts as not the good end's: the search finds where the good outcome begins", async () => {
  // crash, then fail, then pass: "starts to pass" is between the fail and the pass.
  const outcome = (v: string) => versions.indexOf(v) < 20 ? "crash" : versions.indexOf(v) < 70 ? "fail" : "pass";
  const r = await bisectReleases(versions, { good: versions.at(-1)!, bad: versions[0]!, measure: (v) => Promise.resolve(outcome(v)), same });
  assert.deepEqual([r.boundary?.older.version, r.boundary?.newer.version], [versions[69], versions[70]]);
});

test("two adjacent releases are the boundary at once; ends that agree give none", async () => {
  const two = await bisectReleases(["1.0.0", "1.0.1"], { good: "1.0.1", bad: "1.0.0", measure: (v) => Promise.resolve(v), same });
  assert.deepEqual(two.tried.map((t) => t.version), ["1.0.1", "1.0.0"]);
  assert.equal(two.boundary?.older.version, "1.0.0");
  const agree = await bisectReleases(versions, { good: versions.at(-1)!, bad: versions[0]!, measure: () => Promise.resolve("pass"), same });
  assert.equal(agree.boundary, undefined);
  assert.equal(agree.tried.length, 2);
});

test("good and bad must be the two ends of the list", async () => {
  await assert.rejects(
    bisectReleases(versions, { good: versions[3]!, bad: versions[0]!, measure: () => Promise.resolve(""), same }),
    /must be the two ends/,
  );
});
