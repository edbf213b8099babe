/**
 * Verdicts and the record kept for every case run.
 *
 * @module
 */
import type { RawError } from "./errors.ts";

/** What happened when a case ran on a column. */
export type Verdict =
  | "pass"
  | "fail"
  /** The adapter lacks a capability the case needs. */
  | "unsupported"
  /** The machine lacks a fixture the case needs (the lab, IPv6). */
  | "skipped"
  /** The case did not settle within its time limit. */
  | "timeout"
  /** The case threw something that is neither an assertion nor a socket error, or its process died. */
  | "crash";

/** Every verdict, in display order. */
export const VERDICTS: readonly Verdict[] = ["pass", "fail", "unsupported", "skipped", "timeout", "crash"];

/** One case on one column. */
export interface CaseResult {
  id: string;
  verdict: Verdict;
  /** What the case expected where an assertion compared values. */
  expected?: string;
  /** A short human string: the error code and class, the event order or byte count seen. */
  observed: string;
  /** Everything the case recorded with `ctx.observe`. */
  observations: Record<string, unknown>;
  /** The socket error behind a failure, normalised code beside the raw error. */
  error?: { code: string; op: string; raw: RawError };
  /** Why it failed, was skipped or unsupported; the assertion message. */
  detail?: string;
  /** Wall time of the case body, in milliseconds. */
  ms: number;
}

/** Why a case never ran: the verdict it gets instead, and the reason. */
export interface NeverRan {
  verdict: Exclude<Verdict, "pass" | "fail">;
  detail: string;
}

/**
 * The result of a case that never ran: blocked here (`unsupported`,
 * `skipped`), on a column not available here (`skipped`), or lost with its
 * process (`crash`, `timeout`). Every such result is made here.
 *
 * @example
 * ```ts
 * import { neverRan } from "./result.ts";
 * neverRan("tcp.connect.refused", { verdict: "crash", detail: "the column process exited (code 7)" });
 * ```
 */
export function neverRan(id: string, why: NeverRan): CaseResult {
  return { id, verdict: why.verdict, detail: why.detail, observed: "", observations: {}, ms: 0 };
}
