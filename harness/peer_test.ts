/**
 * The reference peer in the column process: started only for entries that
 * need it, its fixtures, and its life: a column process killed mid-case
 * (SIGKILL, inside a lab namespace where the lab can be made) leaves no peer
 * process and no namespace behind, within a bound.
 *
 * Run: `node --import tsx --test harness/peer_test.ts`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import { defineCase } from "../core/case.ts";
import { DENO } from "../hosts/deno.ts";
import type { HostDescriptor } from "../hosts/descriptor.ts";
import { NODE } from "../hosts/node.ts";
import { labCommand } from "../lab/namespace.ts";
import { needsPeer, peerPart, startColumnPeer } from "./peer.ts";
import { columnArgs } from "./protocol.ts";
import { labHere } from "./start.ts";

const base = { title: "t", semantic: "s", reference: "r", async run() {} };
const FIXTURE = new URL("../test/fixtures/peer_hold_cases.ts", import.meta.url).pathname;
/** The CPU the peer may take to start and end (measured: about 130 ms, most of it Deno's own start). */
const PEER_CPU_WITHIN_MS = 400;
/** How long a killed column's peer and namespace may take to be gone. */
const GONE_WITHIN_MS = 3000;

test("the peer is started only where an entry runs against it", async () => {
  const column = { topic: "t", case: defineCase({ ...base, id: "test.column" }) };
  const against = { topic: "t", case: defineCase({ ...base, id: "test.against-peer", sides: "column+peer" }) };
  assert.equal(needsPeer([column]), false);
  assert.deepEqual(startColumnPeer([column]), {});
  const none = await peerPart(startColumnPeer([column]));
  assert.deepEqual(none.fixtures.peer, { ok: false, reason: "this process started no reference peer" });
  assert.equal(needsPeer([column, against]), true);
  const started = startColumnPeer([against]);
  try {
    const part = await peerPart(started);
    assert.deepEqual(part.fixtures.peer, { ok: true });
    assert.equal(part.peer, started.peer);
  } finally {
    await started.peer?.close();
  }
});

/** A process's parent and state letter, or `undefined` once it is gone. */
function stat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Every running process whose network namespace is `ns`. */
function holdersOf(ns: string): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`) === ns && stat(pid)?.state !== "Z";
    } catch {
      return false; // gone
    }
  });
}

/** Polls `condition` every 20 ms for at most {@linkcode GONE_WITHIN_MS}: nothing announces a stranger's end here. */
async function within(condition: () => boolean): Promise<boolean> {
  const deadline = performance.now() + GONE_WITHIN_MS;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Starts a column process on `host` running the holding fixture, in a lab namespace where there is one. */
async function startHolding(host: HostDescriptor, column: string) {
  const lab = await labHere({});
  const command = host.command(host.installed(), "harness/main.ts", {
    // Node is told to start the peer first of all (as every parent does); Deno starts it once it knows its cases.
    args: columnArgs({ column, cases: FIXTURE, peer: column === "node" }),
    needs: column === "kernel" ? ["ffi"] : [],
  });
  const { program, args } = lab.ok ? labCommand("syn-retries-1", lab.mode, command) : command;
  const child = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...command.env } });
  const exited = once(child, "exit");
  let stderr = "";
  const holding = new Promise<number>((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const peer = /holding (\d+)/.exec(stderr)?.[1];
      if (peer) resolve(Number(peer));
    });
    child.on("exit", () => reject(new Error(`the column process ended before its case held: ${stderr}`)));
  });
  return { child, exited, peer: await holding, lab: lab.ok };
}

for (const [host, column] of [[NODE, "node"], [DENO, "deno"]] as const) {
  test(`a ${column} column process killed mid-case leaves no peer and no lab namespace behind`, async (t) => {
    const { child, exited, peer, lab } = await startHolding(host, column);
    const ns = readlinkSync(`/proc/${child.pid}/ns/net`);
    try {
      assert.equal(stat(peer)?.ppid, child.pid, "the peer is not the column process's child");
      child.kill("SIGKILL");
      await exited;
      assert.ok(await within(() => [undefined, "Z"].includes(stat(peer)?.state)), `peer ${peer} still runs`);
      if (!lab) return t.skip("no lab here: the namespace part is not checked");
      assert.ok(await within(() => holdersOf(ns).length === 0), `processes ${holdersOf(ns)} still hold the lab namespace ${ns}`);
    } finally {
      child.kill("SIGKILL");
      if (stat(peer) && stat(peer)!.state !== "Z") process.kill(peer, "SIGKILL");
    }
  });
}

/** CPU ms used by this process's waited-for children so far (cutime + cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
  return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms
}

test("the peer's start costs a column process little: its CPU from spawn to exit", async (t) => {
  const before = childrenCpuMs();
  const started = startColumnPeer([{ topic: "t", case: defineCase({ ...base, id: "test.cost", sides: "column+peer" }) }]);
  const { startMs } = await started.peer!.ready();
  await started.peer!.close();
  const cpu = childrenCpuMs() - before;
  // The wall-clock cost to a column's run is measured by scripts/peer_cost.ts: on a shared machine it is too noisy to assert.
  t.diagnostic(`the peer ran ${startMs.toFixed(0)} ms after its spawn and used ${cpu} ms of CPU in all`);
  assert.ok(cpu < PEER_CPU_WITHIN_MS, `the peer used ${cpu} ms of CPU to start and end`);
});
