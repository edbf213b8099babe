/**
 * The catalog as a whole: ids unique, and
 * every case stays on loopback when it runs on a real adapter (node:net here).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { adapter } from "../adapters/node.ts";
import { runCase } from "../core/runner.ts";
import { host } from "../hosts/node/host.ts";
import { CASE_IDS, CATALOG } from "./catalog.ts";

test("case ids are unique", () => {
  assert.equal(CASE_IDS.size, CATALOG.length);
});

test("every case in the catalog stays on loopback", async () => {
  const violations: string[] = [];
  for (const { case: c } of CATALOG) {
    const r = await runCase(c, adapter, { fixtures: host.fixtures });
    if (/LoopbackViolation/.test(r.detail ?? "")) violations.push(`${c.id}: ${r.detail}`);
  }
  assert.deepEqual(violations, []);
});
