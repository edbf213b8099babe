/**
 * `bun test` entry: the `bun` (Bun.connect/Bun.listen) and `bun-node`
 * (node:net on Bun) columns.
 *
 * @module
 */
import { test } from "bun:test";
import { registerColumn } from "../_register.ts";
import { host } from "./host.ts";

for (const column of ["bun", "bun-node"]) {
  await registerColumn(column, host, (t) => t.skip ? test.skip(`${t.name} (${t.skip})`, t.fn) : test(t.name, t.fn, t.timeoutMs));
}
