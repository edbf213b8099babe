/**
 * The Deno host inside Deno: fixtures, the socket counter, the child
 * starter and the socket directories for columns run by Deno.
 *
 * Deno's permissions never let a program read `/proc/self` short of
 * `--allow-all`, so the count is read by a shell in a child process, which
 * needs only `--allow-run=sh`. For the same reason the fault lab's socket
 * table comes from `ss -Htan` (`--allow-run=ss`), not from `/proc/net/tcp`
 * (a link into `/proc/self`), and the descriptor table is filled with
 * `prlimit` (`--allow-run=prlimit`) and files on `/dev/null`
 * (`--allow-read=/dev/null`).
 *
 * @module
 */
import { mkdirSync, rmSync } from "node:fs";
import process from "node:process";
import type { TcpTableEntry } from "../../core/case.ts";
import type { FixtureStatus } from "../../core/runner.ts";
import { parseSs } from "../../lab/tcp_table.ts";
import { descriptorLimitFixture, descriptorTable, type HostProcess } from "../descriptor_table.ts";
import { ipv6Fixture, labContext, labFixture, type RuntimeHost } from "../in_process.ts";
import { startDenoChild } from "./_child.ts";

const decoder = new TextDecoder();

/**
 * One shell, started at the first count and kept, answers each line it reads
 * with the number of this process's descriptors that are sockets (`test -S`
 * follows `/proc/<pid>/fd/<n>` to the socket itself): a program started per
 * count cost the column a fifth of its CPU. It ends when its stdin does.
 */
const COUNT_LOOP = 'while read -r _; do n=0; for f in /proc/"$1"/fd/*; do [ -S "$f" ] && n=$((n+1)); done; echo "$n"; done';

interface Counter {
  /** Kept unreferenced but while a count waits: the shell never holds the process open, and an awaited count does. */
  child: Deno.ChildProcess;
  ask: WritableStreamDefaultWriter<Uint8Array>;
  /** Read only while a count waits, so no read is left pending to hold the process open. */
  answers: ReadableStreamDefaultReader<Uint8Array>;
  buffered: string;
}

let counter: Counter | undefined;
let queue: Promise<unknown> = Promise.resolve();

function startCounter(): Counter {
  const child = new Deno.Command("sh", {
    args: ["-c", COUNT_LOOP, "sockcheck-count", String(Deno.pid)],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  child.unref();
  return { child, ask: child.stdin.getWriter(), answers: child.stdout.getReader(), buffered: "" };
}

async function askCounter(c: Counter): Promise<number> {
  c.child.ref();
  try {
    await c.ask.write(new TextEncoder().encode("\n"));
    while (!c.buffered.includes("\n")) {
      const { value, done } = await c.answers.read();
      if (done) throw new Error("the socket counter (sh) ended");
      c.buffered += decoder.decode(value, { stream: true });
    }
  } finally {
    c.child.unref();
  }
  const end = c.buffered.indexOf("\n");
  const answer = c.buffered.slice(0, end);
  c.buffered = c.buffered.slice(end + 1);
  return Number(answer);
}

/** Counts now; counts never overlap, so each answer is its own line's. */
function countNow(): Promise<number> {
  const next = queue.then(() => askCounter(counter ??= startCounter()));
  queue = next.catch(() => {});
  return next;
}

/**
 * Deno opens a Unix socket pair of its own about half a second after it
 * starts, when it installs its SIGHUP/SIGTERM/SIGINT handlers (seen with Deno
 * 2.9.6 in a program that only sets a timer; later under load). The first
 * count waits for that pair, bounded, so no case is blamed for it.
 */
const OWN_PAIR_DEADLINE_MS = 4000;
let warmedUp: Promise<void> | undefined;

function warmUp(): Promise<void> {
  return warmedUp ??= (async () => {
    const initial = await countNow();
    while (performance.now() < OWN_PAIR_DEADLINE_MS && (await countNow()) < initial + 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
}

async function countSockets(): Promise<number> {
  await warmUp();
  return countNow();
}

/**
 * How the descriptor table is listed and prlimit run: through
 * Deno.Command, synchronously (no pipe left to close later), with only
 * `--allow-run=ls,prlimit`.
 */
const denoProcess: HostProcess = {
  openDescriptors() {
    return denoProcess.run("ls", [`/proc/${Deno.pid}/fd`]).split("\n").filter((name) => /^\d+$/.test(name)).map(Number);
  },
  run(command, args) {
    const { success, code, stdout, stderr } = new Deno.Command(command, { args }).outputSync();
    if (!success) throw new Error(`${command}: exit code ${code}: ${decoder.decode(stderr).trim()}`);
    return decoder.decode(stdout);
  },
};

/** The namespace's TCP sockets, as `ss` lists them. */
async function ssTable(): Promise<TcpTableEntry[]> {
  const { code, stdout, stderr } = await new Deno.Command("ss", { args: ["-Htan"] }).output();
  if (code !== 0) throw new Error(`ss -Htan: exit code ${code}: ${decoder.decode(stderr).trim()}`);
  return parseSs(decoder.decode(stdout));
}

/**
 * Deno's permissions name each Unix socket path exactly (no directory
 * prefixes), so a column's Unix cases use a fixed directory named by the
 * column, `/tmp/sockcheck-<column>`, and deno.json lists its socket paths.
 * It is emptied first (a run killed at its time limit may have left it), so
 * two runs of the same Deno column must not run at the same time.
 */
function socketDirFor(column: string): string {
  const dir = `/tmp/sockcheck-${column}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/**
 * Off Linux there is no count: the permissions that let a Deno program list
 * its own descriptors elsewhere are not ones the columns are granted.
 */
const socketCount = Deno.build.os === "linux"
  ? { ok: true as const }
  : { ok: false as const, reason: `the Deno host counts sockets only from /proc (Linux), not on ${Deno.build.os}, so a leaked socket cannot be counted` };

/**
 * Whether this Deno may run its own binary, as an adapter's hand-off child
 * needs: sockcheck's column processes get `--allow-run` for it
 * (hosts/deno.ts); a permission set in deno.json cannot name it, since
 * where the binary lies differs between machines.
 */
function childProcessFixture(): FixtureStatus {
  const binary = Deno.execPath();
  if (Deno.permissions.querySync({ name: "run", command: binary }).state === "granted") return { ok: true };
  return { ok: false, reason: `this Deno may not run its own binary (${binary}); grant it with --allow-run=${binary}` };
}

/** Deno, inside Deno. Column processes and the lab's probes start through `Deno.Command` here. */
export const host: RuntimeHost = {
  runtime: "deno",
  version: Deno.version.deno,
  fixtures: { ipv6: ipv6Fixture(), lab: labFixture(), uncaughtHooks: { ok: true }, childProcess: childProcessFixture(), socketCount, descriptorLimit: descriptorLimitFixture(denoProcess) },
  platform: process.platform,
  socketDirFor,
  startChild: startDenoChild,
  countSockets: Deno.build.os === "linux" ? countSockets : undefined,
  lab: labContext(ssTable),
  descriptors: descriptorTable(denoProcess),
};
