/** Close-once: the first call closes, every later call shares its outcome. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { closeOnce } from "./close_once.ts";

test("the close runs once, and every call gets the first call's promise", async () => {
  let calls = 0;
  let finish!: () => void;
  const close = closeOnce(() => {
    calls++;
    return new Promise<void>((resolve) => finish = resolve);
  });
  const first = close();
  const second = close();
  assert.equal(first, second);
  finish();
  await Promise.all([first, second, close()]);
  assert.equal(calls, 1);
});

test("a close that throws at once rejects, once, for every caller", async () => {
  let calls = 0;
  const close = closeOnce(() => {
    calls++;
    throw new Error("EBADF");
  });
  await assert.rejects(close(), /EBADF/);
  await assert.rejects(close(), /EBADF/);
  assert.equal(calls, 1);
});
