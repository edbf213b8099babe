/**
 * The workerd host end to end: the worker bundles with the whole catalog,
 * workerd starts on it, and the WinterTC adapter's results come back from
 * inside workerd, against Node peers for the client-side cases.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { type CaseResult, CATALOG, VERDICTS } from "../../mod.ts";
import { CLIENT_CASE_IDS } from "./_client_cases.ts";
import { type NodePeers, startNodePeers } from "./_node_peers.ts";
import { bundleWorker } from "./bundle.ts";
import { hostFixtures, listCases, runInWorkerd } from "./client.ts";
import { installedWorkerd, startWorkerd, type WorkerdServer } from "./serve.ts";
import { findColumn } from "../../columns/registry.ts";
import { runColumnProcess } from "../../harness/start.ts";

const TEST_ENTRY = fileURLToPath(new URL("./_test_worker.ts", import.meta.url));

let server: WorkerdServer;
let peers: NodePeers;

before(async () => {
  const bundle = await bundleWorker(TEST_ENTRY);
  server = await startWorkerd(bundle.code);
  peers = await startNodePeers();
  console.log(`bundle ${bundle.ms} ms (${bundle.code.length} bytes), workerd startup ${server.startupMs} ms`);
});

after(async () => {
  await server?.stop();
  await peers?.close();
});

function probe(id: string): Promise<CaseResult> {
  return runInWorkerd(server.url, { id, fixtures: hostFixtures(), ports: peers.ports });
}

test("the production worker bundles, starts and lists every catalog case", async () => {
  const production = await startWorkerd((await bundleWorker()).code);
  try {
    const ids = (await listCases(production.url)).map((c) => c.id);
    assert.deepEqual(ids, CATALOG.map((entry) => entry.case.id));
  } finally {
    await production.stop();
  }
});

test("connect, the peer's address, a pending read and 256 KiB of data pass against a Node echo peer", async () => {
  for (const id of ["probe.connect.remote-address", "probe.read.pending", "probe.data.echo"]) {
    const result = await probe(id);
    assert.equal(result.verdict, "pass", `${id}: ${result.detail}`);
  }
});

test("closeWrite sends FIN and the client still reads the answer the peer gives only after it", async () => {
  const result = await probe("probe.shutdown.reads-after-fin");
  assert.equal(result.verdict, "pass", `${result.detail}`);
  assert.equal(result.observations.answer, "got:hi");
});

test("after the peer's FIN the client's late write reaches the peer (allowHalfOpen)", async () => {
  const heard = peers.nextHeardAfterFin();
  const result = await probe("probe.shutdown.writes-after-peer-fin");
  assert.equal(result.verdict, "pass", `${result.detail}`);
  assert.equal(await heard, "late");
});

test("a refused connect fails as UNKNOWN with the runtime's plain Error kept, no code made up", async () => {
  const result = await probe("probe.connect.refused");
  assert.equal(result.verdict, "fail");
  assert.equal(result.observations.connect, "UNKNOWN (Error)");
});

test("the local address the runtime does not give fails the case as API missing", async () => {
  const result = await probe("probe.connect.local-address");
  assert.equal(result.verdict, "fail");
  assert.equal(result.detail, "API missing: SocketInfo.localAddress");
});

test("a connect aborted through close(reason) comes back with its outcome recorded", async () => {
  const result = await probe("probe.connect.abort");
  assert.ok(result.verdict === "pass" || result.verdict === "fail", `${result.verdict}: ${result.detail}`);
  assert.equal(typeof result.observations.outcome, "string");
});

test("every catalog case comes back from workerd with a verdict", async (t) => {
  const listed = (await listCases(server.url)).map((c) => c.id).filter((id) => !CLIENT_CASE_IDS.includes(id));
  const results: CaseResult[] = [];
  for (const { case: c } of CATALOG) {
    results.push(await runInWorkerd(server.url, { id: c.id, fixtures: hostFixtures() }, { limitMs: c.timeLimitMs }));
  }
  assert.deepEqual(listed, CATALOG.map((entry) => entry.case.id));
  for (const r of results) assert.ok(VERDICTS.includes(r.verdict), `${r.id}: ${r.verdict}`);
  t.diagnostic(VERDICTS.map((v) => `${v} ${results.filter((r) => r.verdict === v).length}`).join(", "));
  for (const r of results) t.diagnostic(`${r.verdict} ${r.id}: ${r.detail ?? r.observed}`);
});

test("a workerd column process whose every case the kept listing rules out answers them as the worker does, without starting workerd", async () => {
  const column = findColumn("workerd")!;
  const ruledOut = CATALOG.filter((e) => e.case.id === "tcp.listen.backlog-full-drops-syn");
  const runs = CATALOG.filter((e) => e.case.id === "sockets.half-open-false");
  // A live worker lists its capabilities, and they are kept for its bundle.
  const ids = (entries: typeof CATALOG) => entries.map((e) => e.case.id).join(",");
  const live = await runColumnProcess(column, { entries: [...ruledOut, ...runs], filter: ids([...ruledOut, ...runs]), lab: false });
  // A workerd that gives its version but cannot serve: only a process that never starts it answers.
  const dir = mkdtempSync(join(tmpdir(), "sockcheck-workerd-"));
  const binary = join(dir, "workerd");
  writeFileSync(binary, `#!/bin/sh\n[ "$1" = --version ] && exec ${JSON.stringify(installedWorkerd().path)} --version\nexit 7\n`, { mode: 0o755 });
  const without = await runColumnProcess(column, { entries: ruledOut, filter: ids(ruledOut), lab: false, binary })
    .finally(() => rmSync(dir, { recursive: true }));
  const shown = (run: typeof live) => run.results.filter((r) => r.id === ruledOut[0].case.id).map((r) => [r.result.verdict, r.result.detail]);
  assert.equal(without.error, undefined);
  assert.deepEqual(shown(without), shown(live));
  assert.equal(shown(live)[0][0], "unsupported");
});
