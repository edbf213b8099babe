/**
 * The expectations rules: what a column's file may say, and how the judge
 * holds each verdict against it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Expectation, ExpectationsError, judge, parseExpectations } from "./expectations.ts";
import type { CaseResult } from "./result.ts";

const result = (verdict: CaseResult["verdict"], more: Partial<CaseResult> = {}): CaseResult => ({
  id: "x.y",
  verdict,
  observed: "",
  observations: {},
  ms: 0,
  ...more,
});
const knownFail: Expectation = { verdict: "fail", reason: "reads eagerly" };

test("a known failure that fails is as expected; one that passes is a stale expectation asking for an update", () => {
  assert.deepEqual(judge(result("fail"), knownFail), { ok: true, expected: "fail" });
  const now = judge(result("pass"), knownFail);
  assert.equal(now.ok, false);
  assert.match(now.message ?? "", /^stale expectation: expected fail \(reads eagerly\), now passes: update expectations$/);
});

test("a case with no entry must pass: a failure is news, with what was observed", () => {
  assert.deepEqual(judge(result("pass"), undefined), { ok: true, expected: "pass" });
  const news = judge(result("fail", { detail: "got EOF", observed: "read=EOF" }), undefined);
  assert.equal(news.ok, false);
  assert.equal(news.message, "expected pass, got fail: got EOF [observed: read=EOF]");
  assert.equal(judge(result("timeout"), undefined).ok, false);
  assert.equal(judge(result("crash"), undefined).ok, false);
});

test("an expectation whose verdict is not the result's is stale, unsupported included", () => {
  const dropped = judge(result("unsupported", { detail: "node:net has no halfClose" }), knownFail);
  assert.equal(dropped.ok, false);
  assert.match(dropped.message ?? "", /^stale expectation: expected fail \(reads eagerly\), got unsupported: node:net has no halfClose/);
  const unsupported: Expectation = { verdict: "unsupported", reason: "no RST primitive" };
  assert.equal(judge(result("unsupported"), unsupported).ok, true);
  const nowRuns = judge(result("fail", { observed: "EOF" }), unsupported);
  assert.equal(nowRuns.ok, false);
  assert.match(nowRuns.message ?? "", /^stale expectation: expected unsupported \(no RST primitive\), got fail/);
  assert.match(judge(result("pass"), unsupported).message ?? "", /^stale expectation: .*now passes/);
  assert.match(judge(result("timeout"), knownFail).message ?? "", /^stale expectation: expected fail .*, got timeout/);
});

test("unsupported with no entry is news that asks for an unsupported entry with its reason", () => {
  const j = judge(result("unsupported", { detail: "Deno.connect has no abortiveClose" }), undefined);
  assert.equal(j.ok, false);
  assert.equal(j.expected, "pass");
  assert.match(j.message ?? "", /add an "unsupported" entry with its reason \(Deno\.connect has no abortiveClose\)/);
  // Neither a runtime-level case alone nor a reference adapter alone makes it structural.
  assert.equal(judge(result("unsupported"), undefined, { level: "runtime" }).ok, false);
  assert.equal(judge(result("unsupported"), undefined, { level: "kernel", reference: true }).ok, false);
});

test("a runtime-level case unsupported on the kernel reference is structural and needs no entry", () => {
  assert.deepEqual(judge(result("unsupported"), undefined, { level: "runtime", reference: true }), { ok: true, expected: "pass" });
});

test("skipped is the machine's, not the column's: never news, with or without an entry", () => {
  assert.equal(judge(result("skipped", { detail: "no lab here" }), undefined).ok, true);
  // The known failure cannot be checked where the case cannot run; it is not stale for that.
  assert.deepEqual(judge(result("skipped"), knownFail), { ok: true, expected: "fail" });
  // A skipped expectation on a case that runs is stale like any other.
  assert.match(judge(result("pass"), { verdict: "skipped", reason: "r" }).message ?? "", /^stale expectation/);
});

test("a pinned observation must show in the observed text or the error code, or the case fails differently", () => {
  const pinned: Expectation = { verdict: "fail", reason: "collapses to ECONNREFUSED", observed: "ECONNREFUSED" };
  assert.equal(judge(result("fail", { observed: "connect=ECONNREFUSED (Error ECONNREFUSED)" }), pinned).ok, true);
  const byCode = result("fail", {
    observed: "connect failed",
    error: { code: "ECONNREFUSED", op: "connect", raw: { class: "Error", message: "x" } },
  });
  assert.equal(judge(byCode, pinned).ok, true);
  const differently = judge(result("fail", { observed: "connect=EHOSTUNREACH (Error EHOSTUNREACH)" }), pinned);
  assert.equal(differently.ok, false);
  assert.equal(differently.expected, "fail");
  assert.match(
    differently.message ?? "",
    /^fails differently: expected observed to contain ECONNREFUSED, got connect=EHOSTUNREACH \(Error EHOSTUNREACH\)/,
  );
  assert.match(judge(result("fail"), pinned).message ?? "", /got nothing observed/);
  // The pin is checked only once the verdict matches: a pass is still a stale expectation.
  assert.match(judge(result("pass"), pinned).message ?? "", /^stale expectation/);
});

test("an expectations file naming an unknown case, or malformed, is rejected in one line", () => {
  const ids = new Set(["x.y"]);
  const parse = (text: string) => parseExpectations(text, "f", ids);
  assert.throws(() => parse('{"no.such": {"verdict": "fail", "reason": "r"}}'), ExpectationsError);
  assert.throws(() => parse("{"), /not valid JSON/);
  assert.throws(() => parse('{"x.y": {"verdict": "flaky", "reason": "r"}}'), /verdict must be one of/);
  assert.throws(() => parse('{"x.y": {"verdict": "pass", "reason": "r"}}'), /verdict must be one of/);
  assert.throws(() => parse('{"x.y": {"verdict": "fail"}}'), /reason is missing/);
  assert.throws(() => parse('{"x.y": {"verdict": "fail", "reason": "r", "errno": "E"}}'), /unknown field "errno"/);
  assert.equal(parse('{"x.y": {"verdict": "fail", "reason": "r"}}').size, 1);
});

test("a pinned observation must be a one-line string on a verdict that observes something", () => {
  const ids = new Set(["x.y"]);
  const parse = (entry: Record<string, unknown>) => parseExpectations(JSON.stringify({ "x.y": entry }), "f", ids);
  assert.deepEqual(parse({ verdict: "fail", reason: "r", observed: "EPIPE" }).get("x.y"), { verdict: "fail", reason: "r", observed: "EPIPE" });
  assert.equal(parse({ verdict: "timeout", reason: "r", observed: "SYN_SENT" }).get("x.y")?.observed, "SYN_SENT");
  for (const observed of [32, "", "  ", "two\nlines", null]) {
    assert.throws(() => parse({ verdict: "fail", reason: "r", observed }), (e: Error) => {
      assert.ok(e instanceof ExpectationsError);
      assert.match(e.message, /^f: x\.y: observed must be a non-empty one-line string/);
      assert.equal(e.message.split("\n").length, 1);
      return true;
    });
  }
  for (const verdict of ["unsupported", "skipped"]) {
    assert.throws(() => parse({ verdict, reason: "r", observed: "EPIPE" }), /observed applies only to fail, timeout, crash/);
  }
});
