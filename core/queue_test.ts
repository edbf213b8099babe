/** The queue: push events pulled in arrival order, ended only when told. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Queue } from "./queue.ts";

test("items pushed before and after a shift come out in arrival order", async () => {
  const q = new Queue<number>();
  const waiting = [q.shift(), q.shift()];
  q.push(1);
  q.push(2);
  q.push(3);
  assert.deepEqual(await Promise.all(waiting), [1, 2]);
  assert.equal(await q.shift(), 3);
});

test("an ended queue drains what it holds, then gives null to every shift, waiting or later", async () => {
  const q = new Queue<string>();
  q.push("a");
  q.end();
  assert.equal(await q.shift(), "a");
  assert.equal(await q.shift(), null);
  const other = new Queue<string>();
  const waiting = other.shift();
  other.end();
  assert.equal(await waiting, null);
});

test("a queue never ends by itself: a shift with nothing pushed stays pending", async () => {
  const q = new Queue<string>();
  let settled = false;
  q.shift().then(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 20)); // a bounded wait showing the shift does NOT settle
  assert.equal(settled, false);
  q.end();
});
