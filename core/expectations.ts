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
}

/** Case id → expectation, for one column. */
export type Expectations = ReadonlyMap<string, Expectation>;

/** A malformed expectations file. The message is one line naming the problem. */
export class ExpectationsError extends Error {
  override name = "ExpectationsError";
}

/**
 * Parses and validates an expectations file's text.
 *
 * @example
 * ```ts
 * import { parseExpectations } from "./expectations.ts";
 * const text = '{"tcp.connect.refused": {"verdict": "fail", "reason": "reports EPIPE"}}';
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
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new ExpectationsError(`${where}: entry must be an object with verdict and reason`);
    }
    const { verdict, reason, issue, ...rest } = entry as Record<string, unknown>;
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
    out.set(id, { verdict: verdict as Expectation["verdict"], reason, ...(issue ? { issue: issue as string } : {}) });
  }
  return out;
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

/**
 * Holds a result against an expectation. Cases that could not run here
 * (`unsupported`, `skipped`) are never news; a known divergence that now
 * passes is, so the file gets updated.
 */
export function judge(result: CaseResult, expectation: Expectation | undefined): Judgement {
  const expected: Verdict = expectation?.verdict ?? "pass";
  if (result.verdict === "unsupported" || result.verdict === "skipped") return { ok: true, expected };
  if (result.verdict === expected) return { ok: true, expected };
  if (result.verdict === "pass") {
    return { ok: false, expected, message: `now passes: update expectations (expected ${expected}: ${expectation!.reason})` };
  }
  return {
    ok: false,
    expected,
    message: `expected ${expected}, got ${result.verdict}: ${result.detail ?? ""}${result.observed ? ` [observed: ${result.observed}]` : ""}`,
  };
}
