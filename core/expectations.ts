/**
 * Expectations: per column, the known divergences from the kernel's
 * semantics (case id → expected verdict, reason, upstream issue). The case
 * still runs; the expectation only decides whether its verdict is news.
 *
 * @module
 */
import type { CaseResult, Verdict } from "./result.ts";
import { VERDICTS } from "./result.ts";

/** One known divergence. */
export interface Expectation {
  /** The verdict this column is known to give. Never `pass`: that is the default. */
  verdict: Exclude<Verdict, "pass">;
  /** One line: what the runtime does instead, and why where known. */
  reason: string;
  /** Upstream issue or pull request, where one exists. */
  issue?: string;
  /**
   * What the divergence looks like, pinned: an errno name (`ECONNREFUSED`)
   * or a short substring that must occur in the result's observed text or
   * its error code. A known failure that starts failing differently is news.
   * Only for `fail`, `timeout` and `crash`: the other verdicts observe nothing.
   */
  observed?: string;
}

/** Case id → expectation, for one column. */
export type Expectations = ReadonlyMap<string, Expectation>;

/** A malformed expectations file. The message is one line naming the problem. */
export class ExpectationsError extends Error {
  override name = "ExpectationsError";
}

/** Verdicts whose result observes something an expectation may pin. */
const PINNABLE: readonly Verdict[] = ["fail", "timeout", "crash"];

/**
 * Parses and validates an expectations file's text.
 *
 * @example
 * ```ts
 * import { parseExpectations } from "./expectations.ts";
 * const text = '{"tcp.connect.refused": {"verdict": "fail", "reason": "reports EPIPE", "observed": "EPIPE"}}';
 * parseExpectations(text, "expectations.json", new Set(["tcp.connect.refused"]));
 * ```
 */
export function parseExpectations(text: string, source: string, knownIds: ReadonlySet<string>): Expectations {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ExpectationsError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new ExpectationsError(`${source}: must be a JSON object of case id → expectation`);
  }
  const out = new Map<string, Expectation>();
  for (const [id, entry] of Object.entries(data)) {
    const where = `${source}: ${id}`;
    if (!knownIds.has(id)) throw new ExpectationsError(`${where}: no case has this id`);
    out.set(id, parseEntry(entry, where));
  }
  return out;
}

/** One entry of an expectations file, checked; `where` names it in the error. */
function parseEntry(entry: unknown, where: string): Expectation {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new ExpectationsError(`${where}: entry must be an object with verdict and reason`);
  }
  const { verdict, reason, issue, observed, ...rest } = entry as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new ExpectationsError(`${where}: unknown field "${extra[0]}"`);
  if (verdict === "pass" || !VERDICTS.includes(verdict as Verdict)) {
    throw new ExpectationsError(
      `${where}: verdict must be one of ${VERDICTS.filter((v) => v !== "pass").join(", ")} (got ${JSON.stringify(verdict)})`,
    );
  }
  if (typeof reason !== "string" || !reason.trim()) throw new ExpectationsError(`${where}: reason is missing`);
  if (issue !== undefined && (typeof issue !== "string" || !/^https?:\/\//.test(issue))) {
    throw new ExpectationsError(`${where}: issue must be a URL`);
  }
  if (observed !== undefined) {
    if (typeof observed !== "string" || !observed.trim() || /\n/.test(observed)) {
      throw new ExpectationsError(`${where}: observed must be a non-empty one-line string (an errno name or a short substring)`);
    }
    if (!PINNABLE.includes(verdict as Verdict)) {
      throw new ExpectationsError(`${where}: observed applies only to ${PINNABLE.join(", ")} (a ${verdict} case observes nothing)`);
    }
  }
  return {
    verdict: verdict as Expectation["verdict"],
    reason,
    ...(issue ? { issue: issue as string } : {}),
    ...(observed !== undefined ? { observed: observed as string } : {}),
  };
}

/** A result held against its column's expectation. */
export interface Judgement {
  /** Whether the verdict is what the column is expected to give. */
  ok: boolean;
  /** The verdict expected: the expectation's, else `pass`. */
  expected: Verdict;
  /** Why it is not ok, in one line. */
  message?: string;
}

/** What the judge needs to know about the case and the column beyond the result. */
export interface JudgeOptions {
  /** The case's level (`Case.level`); `kernel` when absent. */
  level?: "kernel" | "runtime";
  /** Whether the column's adapter is the kernel reference (`Adapter.reference`). */
  reference?: boolean;
}

/**
 * Holds a result against its expectation, strictly:
 * - an expectation whose verdict is not the result's is stale;
 * - a pinned `observed` that the result does not show means the known
 *   divergence now fails differently;
 * - `unsupported` with no entry is news (the column's expectations must say
 *   why the adapter cannot express the case), except a runtime-level case on
 *   the kernel reference, which is unsupported by construction;
 * - `skipped` is the machine's, not the column's: never news, and an
 *   expectation cannot be checked against it.
 *
 * @example
 * ```ts
 * import { judge } from "./expectations.ts";
 * const result = { id: "tcp.connect.refused", verdict: "fail" as const, observed: "EPIPE on connect", observations: {}, ms: 1 };
 * const known = { verdict: "fail" as const, reason: "reports EPIPE", observed: "ECONNRESET" };
 * console.log(judge(result, known).message); // fails differently: ...
 * ```
 */
export function judge(result: CaseResult, expectation: Expectation | undefined, options: JudgeOptions = {}): Judgement {
  const expected: Verdict = expectation?.verdict ?? "pass";
  if (result.verdict === "skipped") return { ok: true, expected };
  if (!expectation) return judgeUnlisted(result, options);
  if (result.verdict !== expectation.verdict) return { ok: false, expected, message: stale(result, expectation) };
  if (expectation.observed !== undefined && !shows(result, expectation.observed)) {
    const got = result.observed || result.error?.code || "nothing observed";
    return {
      ok: false,
      expected,
      message: `fails differently: expected observed to contain ${expectation.observed}, got ${got} (known: ${expectation.reason})`,
    };
  }
  return { ok: true, expected };
}

/** A result whose case the column's expectations do not list: it must pass. */
function judgeUnlisted(result: CaseResult, options: JudgeOptions): Judgement {
  const expected: Verdict = "pass";
  if (result.verdict === "pass") return { ok: true, expected };
  if (result.verdict === "unsupported") {
    // Structural: the kernel has no counterpart for a JavaScript-level contract.
    if (options.level === "runtime" && options.reference) return { ok: true, expected };
    return {
      ok: false,
      expected,
      message: `unsupported with no expectation: add an "unsupported" entry with its reason (${result.detail ?? "no detail"})`,
    };
  }
  return { ok: false, expected, message: `expected pass, got ${result.verdict}: ${outcome(result)}` };
}

/** The message for an expectation the result contradicts. */
function stale(result: CaseResult, expectation: Expectation): string {
  const known = `expected ${expectation.verdict} (${expectation.reason})`;
  if (result.verdict === "pass") return `stale expectation: ${known}, now passes: update expectations`;
  return `stale expectation: ${known}, got ${result.verdict}: ${outcome(result)}`;
}

/** Detail and observed text of a result, in one line. */
function outcome(result: CaseResult): string {
  return `${result.detail ?? ""}${result.observed ? ` [observed: ${result.observed}]` : ""}`;
}

/** Whether the result's observed text or error code contains `pin`. */
function shows(result: CaseResult, pin: string): boolean {
  return result.observed.includes(pin) || (result.error?.code.includes(pin) ?? false);
}
