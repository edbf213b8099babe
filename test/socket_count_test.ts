/**
 * The leak check's socket count on each platform: `/proc/self/fd` on Linux,
 * `/dev/fd` on macOS (checked here against `/proc/self/fd`, where Linux
 * lists the same descriptors under both), and the `socketCount` fixture.
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import process from "node:process";
import { test } from "node:test";
import { devFdListsEverything, devFdSocketCounter, procSocketCounter, socketCounting } from "../hosts/in_process.ts";
import { host } from "../hosts/node/host.ts";

const linux = process.platform === "linux" ? false : "compares with /proc/self/fd, which only Linux has";

test("the /dev/fd count sees a listener open and closed, as /proc/self/fd does", { skip: linux }, async () => {
  assert.ok(devFdListsEverything(), "/dev/fd does not list a descriptor just opened");
  const fromDevFd = devFdSocketCounter();
  const fromProc = procSocketCounter()!;
  const before = await fromDevFd();
  assert.equal(before, await fromProc());
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    assert.equal(await fromDevFd(), before + 1);
    assert.equal(await fromProc(), before + 1);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  assert.equal(await fromDevFd(), before);
});

test("the socketCount fixture is there exactly when the host has a count", () => {
  const { count, fixture } = socketCounting();
  assert.equal(fixture.ok, count !== undefined);
  if (!fixture.ok) assert.match(fixture.reason, /cannot be counted/);
  assert.deepEqual(host.fixtures.socketCount, fixture);
  assert.equal(host.countSockets !== undefined, fixture.ok);
});
