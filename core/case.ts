/**
 * The case model: a test is data (id, title, semantic, reference,
 * requirements) plus one async body with plain `node:assert/strict`
 * assertions. One case, one result.
 *
 * @module
 */
import type { Adapter, Capability } from "./adapter.ts";
import type { Peer } from "./peer.ts";

/** Things a case needs from the machine rather than from the adapter. */
export type Fixture =
  /** The fault lab: a private network namespace shaped by the lab. */
  | "lab"
  /** An IPv6 loopback (::1). */
  | "ipv6"
  /**
   * The host can count this process's socket descriptors (the runner's leak
   * check). Cases whose point is that nothing leaks require it, so where the
   * platform cannot count (Windows) they are skipped, never passed on their
   * assertions alone.
   */
  | "socketCount"
  /**
   * The host can fill this process's descriptor table: lower its soft
   * RLIMIT_NOFILE to just above the descriptors open and take every free
   * number below it ({@linkcode DescriptorTable}).
   */
  | "descriptorLimit"
  /**
   * A case may catch the process's uncaught exceptions itself (through the
   * runtime's process hooks), to record what would have ended the process.
   * A test runner that reports them before any hook sees them (`bun test`)
   * lacks it.
   */
  | "uncaughtHooks"
  /**
   * The host may start its own runtime again as a child process, for an
   * adapter's `handOff` child: always on Node and Bun; on Deno only with
   * `--allow-run` for its own binary.
   */
  | "childProcess"
  /**
   * The reference peer runs beside this process (core/peer.ts). A case
   * never lists it: `sides: "column+peer"` implies it.
   */
  | "peer"
  /**
   * The reference peer may read this process's own sockets (pidfd_getfd:
   * root or CAP_SYS_PTRACE, Linux 5.6 or later): for cases that check what
   * the runtime set or holds on the column's side, through
   * `ctx.peer.columnSocket()`.
   */
  | "peerColumnView";

/**
 * Which sides of a connection the case measures on the column: `column`,
 * both ends are the column's API; `column+peer`, one end is the column's and
 * the other is the reference peer's (the kernel itself, in a process of its
 * own), so what the case sees is the column's side alone.
 */
export type Sides = "column" | "column+peer";

/**
 * A shape of the fault lab's namespace: the same routes and names files in
 * every profile, per-namespace sysctls that differ (lab/profiles.ts says which).
 */
export type LabProfile =
  /** `net.ipv4.tcp_syn_retries=1`: an unanswered SYN times out in about 3 s (1 + 2 s). */
  | "syn-retries-1"
  /**
   * `net.core.somaxconn=0` (an accept queue full at one connection),
   * `net.ipv4.tcp_syn_retries=2` (a dropped SYN is sent again at 1 s and 3 s,
   * ETIMEDOUT at about 7 s) and `net.ipv6.conf.all.disable_ipv6=1` (no ::1 in
   * the namespace): one namespace for the two cases that need some of these.
   */
  | "syn-retries-2-ipv4-only";

/** How a case uses the fault lab (lab/: a private network namespace). */
export interface LabUse {
  /** The namespace shape the case needs; `syn-retries-1` when not given. */
  profile?: LabProfile;
  /**
   * Runs inside the lab where the lab can be made, and on the host
   * otherwise: for cases that do not need the lab's faults but listen on a
   * wildcard address, so that no wildcard listener is opened on the host's
   * real interfaces where that can be avoided. (Cases that need the lab list
   * the `lab` fixture in `requires` instead, and are skipped without it.)
   */
  preferred?: boolean;
}

/** A TCP socket as the kernel's socket table lists it (`/proc/net/tcp`, `ss`). */
export interface TcpTableEntry {
  /** The kernel's state name: `SYN_SENT`, `ESTABLISHED`, `LISTEN`, ... */
  state: string;
  /** `address:port`, IPv6 addresses in brackets. */
  local: string;
  remote: string;
}

/** What a case running inside the fault lab gets from it. */
export interface LabContext {
  /** The profile of the namespace the case runs in. */
  profile: LabProfile;
  /** Every TCP socket of the namespace, as the kernel lists them now. */
  tcpSockets(): Promise<TcpTableEntry[]>;
  /**
   * The host names the lab's own names files answer for, or are sure to
   * miss (lab/names.ts): the only names the loopback guard lets a case
   * hand an adapter, since inside the lab they resolve through those files
   * alone.
   */
  names: readonly string[];
}

/** This process's descriptor table, filled by the host (the `descriptorLimit` fixture). */
export interface DescriptorTable {
  /**
   * Lowers the process's soft RLIMIT_NOFILE to a little above its highest
   * open descriptor and opens a file on every number still free below it, so
   * that the next descriptor the process makes fails with EMFILE.
   */
  fill(): Promise<FilledTable>;
}

/** A descriptor table filled by {@linkcode DescriptorTable.fill}. */
export interface FilledTable {
  /** Closes one of the host's files: one descriptor is free. Throws if none is left to close. */
  free(): void;
  /** Closes every file the host opened and restores the limit. Idempotent. */
  restore(): Promise<void>;
}

/** What a case body gets besides the adapter. */
export interface CaseContext {
  /**
   * Records something seen, shown with the result whatever the verdict:
   * an error code, a byte count, an event order.
   */
  observe(key: string, value: unknown): void;
  /** Aborted when the case reaches its time limit. */
  readonly signal: AbortSignal;
  /** Present when the case runs inside the fault lab. */
  readonly lab?: LabContext;
  /**
   * Makes an empty directory for this case's socket files and returns its
   * path; the case removes it. Where it lies is the host's choice.
   */
  socketDir(): string;
  /** Present with the `descriptorLimit` fixture. */
  readonly descriptors?: DescriptorTable;
  /**
   * The reference peer, present for a case whose `sides` is `column+peer`:
   * the other end, driven with the adapter contract, and the kernel's view
   * of both ends. It is shared by the whole column process: a case closes
   * what it opened on it, never the peer itself.
   */
  readonly peer?: CasePeer;
}

/** The reference peer as a case gets it: everything but ending it. */
export type CasePeer = Omit<Peer, "close">;

/** One semantic, stated once, run on every column. */
export interface Case {
  /** Stable dotted id: `tcp.connect.refused`. */
  id: string;
  title: string;
  /** What the kernel does, in one or two plain sentences. */
  semantic: string;
  /** UNP section, POSIX function, RFC section or Linux man page. */
  reference: string;
  requires?: { capabilities?: Capability[]; fixtures?: Fixture[] };
  /**
   * `runtime` marks a JavaScript-level contract (a pending promise settles)
   * that has no kernel counterpart; everything else is kernel semantics.
   */
  level?: "kernel" | "runtime";
  /**
   * Platforms (`process.platform`) whose kernel gives another semantic than
   * the one stated, each with the reason and reference: the case is
   * `skipped` there, with that reason, rather than held against the wrong rule.
   */
  differsOn?: Partial<Record<string, string>>;
  /**
   * `column` (the default): both ends are the column's. `column+peer`: one
   * end is the reference peer's (`ctx.peer`), so a divergence is the
   * column's alone; skipped where the host has no peer.
   */
  sides?: Sides;
  /** How the case uses the fault lab, beyond requiring the `lab` fixture. */
  lab?: LabUse;
  /**
   * The case spends its time waiting (on the kernel's timers, or in bounded
   * waits that show something does not happen) and touches nothing of its
   * process but its own sockets and children: no descriptor limit, no
   * process-wide handler, no count of the process's sockets, no timing
   * finer than its windows. A column process runs its slow cases at the same
   * time as each other, before the others run one at a time, with one
   * leak check over them (harness/slow_batch.ts).
   */
  slow?: boolean;
  /** Time limit in ms; defaults to {@linkcode DEFAULT_TIME_LIMIT_MS}. */
  timeLimitMs?: number;
  run(net: Adapter, ctx: CaseContext): Promise<void>;
}

/**
 * Which sides a case measures: its `sides`, `column` when not given.
 *
 * @example
 * ```ts
 * import { CATALOG } from "../suites/catalog.ts";
 * import { sidesOf } from "./case.ts";
 * const againstPeer = CATALOG.filter((e) => sidesOf(e.case) === "column+peer").map((e) => e.case.id);
 * ```
 */
export function sidesOf(c: Case): Sides {
  return c.sides ?? "column";
}

/** Default per-case time limit. */
export const DEFAULT_TIME_LIMIT_MS = 5000;

const ID = /^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$/;

/**
 * Declares a case, checking its id and metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineCase } from "./case.ts";
 * export const example = defineCase({
 *   id: "tcp.example.listen",
 *   title: "A listener gets a port",
 *   semantic: "bind to port 0 picks an ephemeral port.",
 *   reference: "UNP 4.4",
 *   async run(net) {
 *     const l = await net.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 *     try { assert.notEqual(l.addr.port, 0); } finally { await l.close(); }
 *   },
 * });
 * ```
 */
export function defineCase(c: Case): Case {
  if (!ID.test(c.id)) throw new Error(`case id "${c.id}" is not a dotted lower-case id`);
  for (const field of ["title", "semantic", "reference"] as const) {
    if (!c[field]?.trim()) throw new Error(`case ${c.id} has no ${field}`);
  }
  const sides = c.sides ?? "column";
  if (sides !== "column" && sides !== "column+peer") throw new Error(`case ${c.id}: sides must be "column" or "column+peer"`);
  const fixtures = c.requires?.fixtures ?? [];
  if (fixtures.includes("peer")) throw new Error(`case ${c.id}: say sides: "column+peer" rather than requiring the peer fixture`);
  if (fixtures.includes("peerColumnView") && sides !== "column+peer") {
    throw new Error(`case ${c.id}: the peerColumnView fixture needs sides: "column+peer"`);
  }
  return Object.freeze(c);
}
