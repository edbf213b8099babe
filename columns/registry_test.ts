/** The registry: every column an adapter on a host, with its expectations file. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadExpectations } from "./expectations.ts";
import { COLUMNS, findColumn, HOSTS } from "./registry.ts";

test("column ids are unique, and each column's adapter module and expectations file exist", () => {
  assert.equal(new Set(COLUMNS.map((c) => c.id)).size, COLUMNS.length);
  for (const column of COLUMNS) {
    assert.ok(existsSync(fileURLToPath(column.adapter.module)), `${column.id}: no ${column.adapter.module.pathname}`);
    assert.equal(fileURLToPath(column.expectations).endsWith(`columns/${column.id}.json`), true, column.id);
  }
});

test("every column's expectations file is valid against the catalog", () => {
  for (const column of COLUMNS) assert.doesNotThrow(() => loadExpectations(column), column.id);
});

test("one adapter serves several columns, one per host that offers its API", () => {
  const nodeNet = COLUMNS.filter((c) => c.adapter === findColumn("node")!.adapter).map((c) => `${c.id}@${c.host.name}`);
  assert.deepEqual(nodeNet, ["node@node", "deno-node@deno", "bun-node@bun"]);
  assert.deepEqual(HOSTS.map((h) => h.name), ["deno", "bun", "node", "workerd"]);
});

test("exactly one column is the kernel reference, and it is listed first", () => {
  assert.deepEqual(COLUMNS.filter((c) => c.adapter.reference).map((c) => c.id), ["kernel"]);
  assert.equal(COLUMNS[0].adapter.reference, true);
});
