/**
 * The catalog as a whole: ids unique. (That every case stays on loopback
 * is the runner's guard's work on every column: a case that reaches beyond
 * loopback crashes with a LoopbackViolation wherever it runs, in the test
 * runners' column tests and in every column process.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CASE_IDS, CATALOG } from "./catalog.ts";

test("case ids are unique", () => {
  assert.equal(CASE_IDS.size, CATALOG.length);
});
