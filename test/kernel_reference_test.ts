/**
 * The kernel column is the reference: its expectations file stays empty
 * (a case failing there has a wrong expectation), and its Deno permissions
 * are the other Deno columns' plus FFI, nothing more.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));

test("the kernel column's expectations file has no entry", () => {
  assert.deepEqual(read("../columns/kernel.json"), {});
});

test("the kernel permission set is the columns set plus FFI", () => {
  const { columns, kernel } = read("../deno.json").permissions;
  assert.equal(columns.ffi, undefined, "only the kernel column may load native code");
  assert.deepEqual(kernel, { ...columns, ffi: true });
});
