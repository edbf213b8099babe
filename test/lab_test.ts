/**
 * The fault lab's own tests: the socket-table parsers, where cases are
 * placed, and, where this machine can make the lab, the namespace itself:
 * its routes, sysctls and environment, and that it is gone once its
 * process has exited.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { test } from "node:test";
import { defineCase } from "../core/case.ts";
import { labHere } from "../harness/start.ts";
import { NAMES_FILES } from "../lab/names.ts";
import { labCommand, setupScript } from "../lab/namespace.ts";
import { labProcessesFor, placeEntries } from "../lab/placement.ts";
import { LAB_PROFILES } from "../lab/profiles.ts";
import { parseProcNetTcp, parseSs } from "../lab/tcp_table.ts";
import { LAB_ADDRESSES } from "../lab/topology.ts";

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

test("cases that need the lab go to their profile's namespace, preferred ones only when the lab is there, and a column process takes every case there", () => {
  const needs = { topic: "t", case: defineCase({ ...base, id: "test.lab.needs", requires: { fixtures: ["lab"] }, run: async () => {} }) };
  const slow2 = {
    topic: "t",
    case: defineCase({ ...base, id: "test.lab.two", requires: { fixtures: ["lab"] }, lab: { profile: "syn-retries-2-ipv4-only" }, run: async () => {} }),
  };
  const prefers = { topic: "t", case: defineCase({ ...base, id: "test.lab.prefers", lab: { preferred: true }, run: async () => {} }) };
  const plain = { topic: "t", case: defineCase({ ...base, id: "test.lab.plain", run: async () => {} }) };
  const all = [needs, slow2, prefers, plain];

  const withLab = placeEntries(all, true);
  assert.deepEqual(withLab.host.map((e) => e.case.id), ["test.lab.plain"]);
  assert.deepEqual(withLab.lab.get("syn-retries-1")?.map((e) => e.case.id), ["test.lab.needs", "test.lab.prefers"]);
  assert.deepEqual(withLab.lab.get("syn-retries-2-ipv4-only")?.map((e) => e.case.id), ["test.lab.two"]);

  const without = placeEntries(all, false);
  assert.equal(without.lab.size, 0);
  assert.deepEqual(without.host.map((e) => e.case.id), all.map((e) => e.case.id));

  // A column's processes in the lab: the cases that need no namespace of their own join the default profile's.
  const processes = labProcessesFor(all);
  assert.deepEqual([...processes.keys()], ["syn-retries-1", "syn-retries-2-ipv4-only"]);
  assert.deepEqual(processes.get("syn-retries-1")?.map((e) => e.case.id), ["test.lab.needs", "test.lab.prefers", "test.lab.plain"]);
  assert.deepEqual(processes.get("syn-retries-2-ipv4-only")?.map((e) => e.case.id), ["test.lab.two"]);
});

test("the setup script shapes the namespace for its profile and execs the command", () => {
  const script = setupScript("syn-retries-2-ipv4-only");
  assert.match(script, /^set -e\n/);
  assert.match(script, /\nip -batch - <<'LAB_ROUTES'\n/);
  assert.match(script, /\nroute del local 127\.0\.0\.0\/8 dev lo table local\n/);
  assert.match(script, /\nroute add unreachable 127\.0\.0\.10\/32\n/);
  assert.match(script, /\nroute add prohibit 127\.0\.0\.11\/32\n/);
  assert.match(script, /echo 2 > \/proc\/sys\/net\/ipv4\/tcp_syn_retries/);
  assert.match(script, /export SOCKCHECK_LAB=syn-retries-2-ipv4-only\nexec "\$@"$/);
  const { program, args } = labCommand("syn-retries-1", "user", { program: "node", args: ["a b"] });
  assert.equal(program, "unshare");
  assert.deepEqual(args.slice(0, 6), ["-r", "-n", "-m", "--", "/bin/sh", "-c"]);
  assert.match(script, /lab_names \/etc\/hosts '127\.0\.0\.1 localhost\n::1 localhost\n'/);
  assert.match(script, /\[ ! -e \/etc\/nsswitch\.conf \] \|\| lab_names \/etc\/nsswitch\.conf 'hosts: files\n'/);
  assert.deepEqual(args.slice(-3), ["sockcheck-lab", "node", "a b"]);
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
  const status = await labHere({});
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
    // Where a profile leaves it, the namespace has the kernel's default (4096 since Linux 5.4).
    assert.equal(somaxconn, LAB_PROFILES[profile].sysctls["net.core.somaxconn"] ?? "4096");
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
