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
