/**
 * The fault lab's own tests: the socket-table parsers, where cases are
 * placed, the concurrent batch and its leak check (with a fake socket
 * count), and, where this machine can make the lab, the namespace itself:
 * its routes, sysctls and environment, and that it is gone once its
 * process has exited.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { test } from "node:test";
import { defineCase } from "../core/case.ts";
import { labStatus } from "../lab/availability.ts";
import { NAMES_FILES } from "../lab/names.ts";
import { labCommand, setupScript } from "../lab/namespace.ts";
import { placeEntries } from "../lab/placement.ts";
import { LAB_PROFILES } from "../lab/profiles.ts";
import { parseProcNetTcp, parseSs } from "../lab/tcp_table.ts";
import { LAB_ADDRESSES } from "../lab/topology.ts";
import { findColumn } from "../runtimes/columns.ts";
import { type Outcome, runLabEntries } from "../runtimes/_column.ts";
import type { RuntimeHost } from "../runtimes/_host.ts";
import { adapter } from "../runtimes/node/adapter.ts";
import type { CatalogEntry } from "../suites/catalog.ts";

const base = { title: "t", semantic: "s", reference: "r" };

test("/proc/net/tcp and tcp6 lines parse to states and addresses", () => {
  const v4 = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:A96F 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 54076 2",
    "   1: 0100007F:9EA2 0D00007F:1B59 02 00000000:00000000 00:00000000 00000000     0        0 0 1",
  ].join("\n");
  assert.deepEqual(parseProcNetTcp(v4), [
    { state: "LISTEN", local: "127.0.0.1:43375", remote: "0.0.0.0:0" },
    { state: "SYN_SENT", local: "127.0.0.1:40610", remote: "127.0.0.13:7001" },
  ]);
  const v6 = [
    "  sl  local_address                         remote_address                        st",
    "   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 0",
    "   1: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000100007F:9C40 01 0",
  ].join("\n");
  assert.deepEqual(parseProcNetTcp(v6), [
    { state: "LISTEN", local: "[::1]:80", remote: "[::]:0" },
    { state: "ESTABLISHED", local: "[::ffff:127.0.0.1]:80", remote: "[::ffff:127.0.0.1]:40000" },
  ]);
});

test("ss -Htan lines parse to the kernel's state names", () => {
  const text = "SYN-SENT 0 1 127.0.0.1:40610 127.0.0.13:7001\nESTAB 0 0 [::1]:80 [::1]:40000\nFIN-WAIT-2 0 0 127.0.0.1:1 127.0.0.1:2\n";
  assert.deepEqual(parseSs(text).map((s) => s.state), ["SYN_SENT", "ESTABLISHED", "FIN_WAIT2"]);
  assert.equal(parseSs(text)[0].remote, "127.0.0.13:7001");
});

test("cases that need the lab go to their profile's namespace; preferred ones only when the lab is there", () => {
  const needs = { topic: "t", case: defineCase({ ...base, id: "test.lab.needs", requires: { fixtures: ["lab"] }, run: async () => {} }) };
  const slow2 = {
    topic: "t",
    case: defineCase({ ...base, id: "test.lab.two", requires: { fixtures: ["lab"] }, lab: { profile: "syn-retries-2" }, run: async () => {} }),
  };
  const prefers = { topic: "t", case: defineCase({ ...base, id: "test.lab.prefers", lab: { preferred: true }, run: async () => {} }) };
  const plain = { topic: "t", case: defineCase({ ...base, id: "test.lab.plain", run: async () => {} }) };
  const all = [needs, slow2, prefers, plain];

  const withLab = placeEntries(all, true);
  assert.deepEqual(withLab.host.map((e) => e.case.id), ["test.lab.plain"]);
  assert.deepEqual(withLab.lab.get("syn-retries-1")?.map((e) => e.case.id), ["test.lab.needs", "test.lab.prefers"]);
  assert.deepEqual(withLab.lab.get("syn-retries-2")?.map((e) => e.case.id), ["test.lab.two"]);

  const without = placeEntries(all, false);
  assert.equal(without.lab.size, 0);
  assert.deepEqual(without.host.map((e) => e.case.id), all.map((e) => e.case.id));
});

test("the setup script shapes the namespace for its profile and execs the command", () => {
  const script = setupScript("syn-retries-2");
  assert.match(script, /^set -e\n/);
  assert.match(script, /ip route del local 127\.0\.0\.0\/8 dev lo table local/);
  assert.match(script, /ip route add unreachable 127\.0\.0\.10\/32/);
  assert.match(script, /ip route add prohibit 127\.0\.0\.11\/32/);
  assert.match(script, /echo 2 > \/proc\/sys\/net\/ipv4\/tcp_syn_retries/);
  assert.match(script, /export SOCKCHECK_LAB=syn-retries-2\nexec "\$@"$/);
  const { program, args } = labCommand("syn-retries-1", "user", { program: "node", args: ["a b"] });
  assert.equal(program, "unshare");
  assert.deepEqual(args.slice(0, 6), ["-r", "-n", "-m", "--", "/bin/sh", "-c"]);
  assert.match(script, /lab_names \/etc\/hosts '127\.0\.0\.1 localhost\n::1 localhost\n'/);
  assert.match(script, /\[ ! -e \/etc\/nsswitch\.conf \] \|\| lab_names \/etc\/nsswitch\.conf 'hosts: files\n'/);
  assert.deepEqual(args.slice(-3), ["sockcheck-lab", "node", "a b"]);
});

/** A lab host whose socket count the cases below move by hand. */
function fakeSockets() {
  const state = { sockets: 0, running: new Set<string>(), overlapped: false };
  const host: RuntimeHost = { runtime: "node", version: "test", fixtures: {}, countSockets: () => Promise.resolve(state.sockets) };
  const prepared = { column: findColumn("node")!, adapter, expectations: new Map() };
  /** A slow case that runs 50 ms and then does `after` (with whether another case ran meanwhile). */
  const slow = (id: string, after: (crowded: boolean) => void) => ({
    topic: "t",
    case: defineCase({
      ...base,
      id,
      lab: { slow: true },
      async run() {
        state.running.add(id);
        let crowded = state.running.size > 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        crowded ||= state.running.size > 1;
        state.overlapped ||= crowded;
        state.running.delete(id);
        after(crowded);
      },
    }),
  });
  const run = async (entries: CatalogEntry[]) => {
    const outcomes: Outcome[] = [];
    await runLabEntries(prepared, host, entries, (o) => outcomes.push(o));
    return outcomes;
  };
  return { state, slow, run };
}

test("slow lab cases run at the same time; a leak in the batch is pinned on its case by running them again alone", async () => {
  const { state, slow, run } = fakeSockets();
  const quick = { topic: "t", case: defineCase({ ...base, id: "test.lab.quick", run: async () => {} }) };
  const outcomes = await run([slow("test.lab.clean", () => {}), quick, slow("test.lab.leaky", () => state.sockets++)]);

  assert.ok(state.overlapped, "the slow cases did not overlap");
  assert.deepEqual(outcomes.map((o) => o.entry.case.id), ["test.lab.quick", "test.lab.clean", "test.lab.leaky"]);
  const [, clean, leaky] = outcomes;
  assert.equal(clean.result.verdict, "pass");
  assert.equal(leaky.result.verdict, "fail");
  assert.equal(leaky.judgement.ok, false);
  assert.match(leaky.result.detail ?? "", /left 1 socket descriptor/);
  assert.match(String(clean.result.observations.batchLeak), /left 1 socket\(s\) open, each left by a case that leaks alone too/);
  // Both runs stay in the cell.
  assert.deepEqual(clean.result.observations.concurrent, { verdict: "pass", observed: "" });
  assert.equal((leaky.result.observations.concurrent as { verdict: string }).verdict, "pass");
});

test("a leak that shows only when the slow cases run together fails them, said to be only under concurrency", async () => {
  const { state, slow, run } = fakeSockets();
  // Each leaks a socket only when the other ran at the same time; alone, neither does.
  const racy = (id: string) => slow(id, (crowded) => crowded && state.sockets++);
  const outcomes = await run([racy("test.lab.racy-a"), racy("test.lab.racy-b")]);

  assert.ok(state.overlapped, "the slow cases did not overlap");
  for (const { result, judgement } of outcomes) {
    assert.equal(result.verdict, "fail", result.id);
    assert.equal(judgement.ok, false);
    assert.match(result.detail ?? "", /^only under concurrency: the concurrent batch of 2 cases left 2 socket\(s\) open, 2 of them left by no case run alone/);
    assert.deepEqual(result.observations.alone, { verdict: "pass", observed: "" });
  }
});

test("a failure that shows only in the concurrent run stays a failure when its lone run passes", async () => {
  const { state, slow, run } = fakeSockets();
  const lonely = slow("test.lab.lonely", (crowded) => assert.equal(crowded, false, "ran beside another case"));
  // The leaky case makes the batch leak, so every case runs again alone.
  const outcomes = await run([lonely, slow("test.lab.leaky", () => state.sockets++)]);

  const [alone, leaky] = outcomes;
  assert.equal(alone.result.verdict, "fail");
  assert.equal(alone.judgement.ok, false);
  assert.match(alone.result.detail ?? "", /^only under concurrency: ran beside another case; run alone, the case passes$/);
  assert.equal((alone.result.observations.alone as { verdict: string }).verdict, "pass");
  assert.equal(leaky.result.verdict, "fail");
  assert.match(leaky.result.detail ?? "", /left 1 socket descriptor/);
});

test("a case about leaks runs in the concurrent batch, whose own check stands in for the case's", async () => {
  const { slow, run } = fakeSockets();
  const entry = slow("test.lab.leaks-nothing", () => {});
  const aboutLeaks = { ...entry, case: { ...entry.case, requires: { fixtures: ["socketCount" as const] } } };
  const [outcome] = await run([aboutLeaks, slow("test.lab.other", () => {})]);
  assert.equal(outcome.result.verdict, "pass", outcome.result.detail);
});

/** The network namespace inode of every process this user may look at. */
function netNamespacesInUse(): Set<string> {
  const seen = new Set<string>();
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      seen.add(readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      // gone, or another user's
    }
  }
  return seen;
}

test("the lab's namespace has the lab's routes, sysctls and names files, and is gone when its process exits", async (t) => {
  const status = await labStatus();
  if (!status.ok) return t.skip(status.reason);
  const hostsHere = readFileSync("/etc/hosts", "utf8");
  const probe = 'readlink /proc/self/ns/net; ip -4 route get 127.0.0.10 2>&1; ip -4 route get 127.0.0.12 2>&1; ' +
    "cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/tcp_syn_retries; echo $SOCKCHECK_LAB; " +
    "cat /proc/sys/net/ipv6/conf/all/disable_ipv6; tr '\\n' '|' < /etc/hosts; echo";
  for (const profile of Object.keys(LAB_PROFILES) as (keyof typeof LAB_PROFILES)[]) {
    const { program, args } = labCommand(profile, status.mode, { program: "/bin/sh", args: ["-c", probe] });
    const out = spawnSync(program, args, { encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    const [ns, unreachable, noRoute, somaxconn, synRetries, env, ipv6Off, hosts] = out.stdout.trim().split("\n");
    assert.notEqual(ns, readlinkSync("/proc/self/ns/net"), "the command ran in this process's namespace");
    assert.match(unreachable, /No route to host/);
    assert.match(noRoute, /Network is unreachable/);
    assert.equal(somaxconn, LAB_PROFILES[profile].sysctls["net.core.somaxconn"]);
    assert.equal(synRetries, LAB_PROFILES[profile].sysctls["net.ipv4.tcp_syn_retries"]);
    assert.equal(env, profile);
    assert.equal(ipv6Off, LAB_PROFILES[profile].sysctls["net.ipv6.conf.all.disable_ipv6"] ?? "0");
    assert.equal(hosts, NAMES_FILES[0].content.replaceAll("\n", "|"), "the lab's hosts file is not mounted");
    assert.equal(readFileSync("/etc/hosts", "utf8"), hostsHere, "the host's own hosts file changed");
    assert.ok(!netNamespacesInUse().has(ns), `a process still holds the lab namespace ${ns}`);
  }
  // The multicast group passes the loopback guard only inside the lab, where `lo` is the only interface.
  const { multicastGroup, ...unicast } = LAB_ADDRESSES;
  assert.ok(Object.values(unicast).every((a) => a.startsWith("127.")), "a lab address is not loopback");
  assert.match(multicastGroup, /^2(2[4-9]|3\d)\./, "the lab's group is not an IPv4 multicast address (224.0.0.0/4)");
});
