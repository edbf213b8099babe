/**
 * No function of the package runs over 60 lines (tests included): a longer
 * one is split where its parts say what they do.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { ROOT, sources } from "./_sources.ts";

const MAX_LINES = 60;

/** Each function of `file` longer than MAX_LINES, as `file:line name (N lines)`. */
function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
  const long: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
      const name = node.name?.getText(source) ?? "(anonymous)";
      if (lines > MAX_LINES) long.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return long;
}

test(`no function is over ${MAX_LINES} lines`, () => {
  const files = sources();
  assert.ok(files.includes("core/runner.ts"), "the sources were not found");
  assert.deepEqual(files.flatMap(longFunctions), []);
});
