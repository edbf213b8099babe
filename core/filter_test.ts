/** Case-id filters: comma-separated globs. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { idFilter } from "./filter.ts";

test("filters match case ids by comma-separated globs", () => {
  const f = idFilter("tcp.connect.*,*.backlog");
  assert.ok(f("tcp.connect.refused"));
  assert.ok(f("tcp.listen.backlog"));
  assert.ok(!f("tcp.listen.port-zero"));
});

test("no filter selects every id, and a dot is a dot, not any character", () => {
  assert.ok(idFilter(undefined)("anything.at-all"));
  assert.ok(!idFilter("tcp.connect")("tcpxconnect"));
});
