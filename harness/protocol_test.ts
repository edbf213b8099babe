/** The column-process protocol: the arguments the parent builds, the events it reads. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseOptions } from "./args.ts";
import { COLUMN_OPTIONS, columnArgs, readEvent } from "./protocol.ts";

test("the arguments the parent builds are the ones the column process parses, a leading dash included", () => {
  const request = { column: "node", filter: "tcp.*", cases: "/x/cases.ts", concurrent: true, labUnavailable: "-n: not allowed", peer: true };
  const args = columnArgs(request);
  const { values } = parseOptions(args, { options: COLUMN_OPTIONS });
  assert.deepEqual({ ...values }, {
    column: "node",
    filter: "tcp.*",
    cases: "/x/cases.ts",
    concurrent: true,
    "lab-unavailable": "-n: not allowed",
    peer: true,
  });
  // harness/main.ts looks for the flag itself, before anything is parsed.
  assert.ok(args.includes("--peer"));
  assert.ok(!columnArgs({ column: "node" }).includes("--peer"));
});

test("a line is an event only if it is JSON with a known type; a runtime's own chatter is not", () => {
  assert.deepEqual(readEvent('{"type":"end"}'), { type: "end" });
  assert.equal(readEvent("Download https://example.org/x"), undefined);
  assert.equal(readEvent('{"type":"progress"}'), undefined);
  assert.equal(readEvent("null"), undefined);
});
