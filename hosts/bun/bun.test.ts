/**
 * `bun test` entry: the columns Bun runs, `bun` (Bun.connect/Bun.listen/
 * Bun.udpSocket) and `bun-node` (node:net on Bun).
 *
 * @module
 */
import { test } from "bun:test";
import { registerColumns } from "../../harness/register.ts";
import { host } from "./host.ts";

await registerColumns(host, {
  define: (t) => t.skip ? test.skip(`${t.name} (${t.skip})`, t.fn) : test(t.name, t.fn, t.timeoutMs),
});
