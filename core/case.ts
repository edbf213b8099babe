/**
 * The case model: a test is data (id, title, semantic, reference,
 * requirements) plus one async body with plain `node:assert/strict`
 * assertions. One case, one result.
 *
 * @module
 */
import type { Adapter, Capability } from "./adapter.ts";

/** Things a case needs from the machine rather than from the adapter. */
export type Fixture =
  /** The fault lab: a private network namespace shaped by the lab. */
  | "lab"
  /** An IPv6 loopback (::1). */
  | "ipv6";

/** What a case body gets besides the adapter. */
export interface CaseContext {
  /**
   * Records something seen, shown with the result whatever the verdict:
   * an error code, a byte count, an event order.
   */
  observe(key: string, value: unknown): void;
  /** Aborted when the case reaches its time limit. */
  readonly signal: AbortSignal;
}

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
  /** Time limit in ms; defaults to {@linkcode DEFAULT_TIME_LIMIT_MS}. */
  timeLimitMs?: number;
  run(net: Adapter, ctx: CaseContext): Promise<void>;
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
  return Object.freeze(c);
}
