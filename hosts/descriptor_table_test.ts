/**
 * The descriptor table a host fills for the EMFILE cases: full while the
 * case runs, as before once restored, even in a process whose table has no
 * free number below its highest descriptor (the fillers are then the only
 * descriptors the restoring prlimit can use).
 */
import assert from "node:assert/strict";
import { closeSync, openSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { descriptorLimitFixture, descriptorTable, NODE_PROCESS } from "./descriptor_table.ts";

const fixture = descriptorLimitFixture(NODE_PROCESS);
const skip = fixture.ok ? false : fixture.reason;

function openCode(): string {
  try {
    closeSync(openSync("/dev/null", "r"));
    return "opened";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** Opens a file on every free number below the highest open descriptor; returns them. */
function plugHoles(): number[] {
  const open = new Set(readdirSync("/proc/self/fd").map(Number));
  const highest = Math.max(...open);
  const plugs: number[] = [];
  for (let fd = 0; fd < highest; fd++) if (!open.has(fd)) plugs.push(openSync("/dev/null", "r"));
  return plugs;
}

test("a filled table makes the next descriptor fail with EMFILE, and restore gives it back", { skip }, async () => {
  const table = await descriptorTable(NODE_PROCESS).fill();
  try {
    assert.equal(openCode(), "EMFILE");
    table.free();
    assert.equal(openCode(), "opened", "the freed number was not free");
  } finally {
    await table.restore();
  }
  assert.equal(openCode(), "opened");
  await table.restore(); // idempotent
});

test("a table with no free number below its highest descriptor is restored all the same", { skip }, async () => {
  const plugs = plugHoles();
  try {
    const table = await descriptorTable(NODE_PROCESS).fill();
    assert.equal(openCode(), "EMFILE");
    await table.restore();
    const fds = Array.from({ length: 64 }, () => openSync("/dev/null", "r"));
    fds.forEach((fd) => closeSync(fd));
  } finally {
    plugs.forEach((fd) => closeSync(fd));
  }
});
