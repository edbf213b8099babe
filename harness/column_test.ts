/** One column inside its runtime: prepared for its platform and host, each case run and judged. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { defineCase } from "../core/case.ts";
import { findColumn } from "../columns/registry.ts";
import type { RuntimeHost } from "../hosts/in_process.ts";
import { CATALOG } from "../suites/catalog.ts";
import { blockedHere, prepareColumn, runEntry } from "./column.ts";

const base = { title: "t", semantic: "s", reference: "r" };
const host: RuntimeHost = { runtime: "node", version: "test", fixtures: {} };

test("on a platform a column's adapter does not support, its cases are skipped with the reason, not run", async () => {
  const kernel = findColumn("kernel")!;
  const elsewhere = { ...kernel, adapter: { ...kernel.adapter, platforms: ["aix"] } };
  const prepared = await prepareColumn(elsewhere, { host });
  assert.match(prepared.unavailable ?? "", /^the kernel column runs on aix only, not on /);
  assert.equal(blockedHere(prepared, CATALOG[0].case)?.verdict, "skipped");
  const { result, judgement } = await runEntry(prepared, CATALOG[0]);
  assert.equal(result.verdict, "skipped");
  assert.equal(judgement.ok, true);
});

test("a column's cases get the column's own socket directory where the host keeps them at fixed paths", async () => {
  const asked: string[] = [];
  const fixed: RuntimeHost = { ...host, socketDirFor: (column) => (asked.push(column), `/fixed/${column}`) };
  const prepared = await prepareColumn(findColumn("node")!, { host: fixed });
  assert.equal(prepared.host.socketDir?.(), "/fixed/node");
  assert.deepEqual(asked, ["node"]);
  assert.equal((await prepareColumn(findColumn("node")!, { host })).host.socketDir, undefined);
});

test("a lab case in a namespace of another profile is skipped, naming both profiles", async () => {
  const c = defineCase({ ...base, id: "test.column.profile", requires: { fixtures: ["lab"] }, lab: { profile: "syn-retries-2-ipv4-only" }, run: async () => {} });
  const inLab: RuntimeHost = { ...host, fixtures: { lab: { ok: true } }, lab: { profile: "syn-retries-1", tcpSockets: () => Promise.resolve([]), names: [] } };
  const prepared = await prepareColumn(findColumn("node")!, { host: inLab, source: { extraIds: [c.id] } });
  const { result } = await runEntry(prepared, { topic: "t", case: c });
  assert.deepEqual([result.verdict, result.detail], ["skipped", "needs the lab profile syn-retries-2-ipv4-only; this process runs in syn-retries-1"]);
});
