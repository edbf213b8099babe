/**
 * The example adapter runs the whole catalog through the runner, on Node,
 * and every verdict is what its expectations file (beside it, with a reason
 * for each divergence) says: the way an outside author checks an adapter.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { host } from "../hosts/node/host.ts";
import { CASE_IDS, CATALOG, judge, parseExpectations, runCase } from "../mod.ts";
import { adapter } from "./node_streams.ts";

const file = new URL("./node_streams.json", import.meta.url);
const expectations = parseExpectations(readFileSync(file, "utf8"), "examples/node_streams.json", CASE_IDS);

for (const { case: c } of CATALOG) {
  test(`${c.id} on node:net through streams is as examples/node_streams.json says`, async () => {
    const result = await runCase(c, adapter, host);
    const judgement = judge(result, expectations.get(c.id), { level: c.level });
    assert.ok(judgement.ok, `${judgement.message} [observed: ${result.observed}]`);
  });
}
