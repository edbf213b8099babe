/**
 * `bun test` entry: the columns Bun runs, `bun` (Bun.connect/Bun.listen/
 * Bun.udpSocket) and `bun-node` (node:net on Bun).
 *
 * @module
 */
import { test } from "bun:test";
import { registerColumns } from "../../harness/register.ts";
import { host } from "./host.ts";

// bun test reports an uncaught exception itself, before a process hook sees it.
const uncaughtHooks = {
  ok: false as const,
  reason: "bun test reports uncaught exceptions itself, before a case's process hook sees them; `sockcheck run --runtime bun` answers this case",
};

await registerColumns({ ...host, fixtures: { ...host.fixtures, uncaughtHooks } }, {
  define: (t) => t.skip ? test.skip(`${t.name} (${t.skip})`, t.fn) : test(t.name, t.fn, t.timeoutMs),
});
