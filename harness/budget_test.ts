/** A column process's time budget. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_TIME_LIMIT_MS, defineCase } from "../core/case.ts";
import { runBudgetMs } from "./budget.ts";

test("the budget is the start-up time plus each case's limit and a second of slack", () => {
  const base = { title: "t", semantic: "s", reference: "r", run: async () => {} };
  const entries = [
    { topic: "t", case: defineCase({ ...base, id: "test.budget.default" }) },
    { topic: "t", case: defineCase({ ...base, id: "test.budget.long", timeLimitMs: 12_000 }) },
  ];
  assert.equal(runBudgetMs(entries, 4000), 4000 + DEFAULT_TIME_LIMIT_MS + 1000 + 12_000 + 1000);
  assert.equal(runBudgetMs([], 0), 0);
});
