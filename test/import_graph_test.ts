/**
 * The import graph keeps the layout honest: no file imports a `_`-private
 * file of another top-level folder, and the top-level folders import each
 * other without a cycle (tests aside: a test imports whatever it tests with).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { ROOT, sources } from "./_sources.ts";

/** The relative modules `file` imports, loads by `import()` or names by `new URL(..., import.meta.url)`. */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const literal = (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) ? node.moduleSpecifier
      : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword ? node.arguments[0]
      : ts.isNewExpression(node) && node.expression.getText() === "URL" ? node.arguments?.[0]
      : undefined;
    if (literal && ts.isStringLiteral(literal) && literal.text.startsWith(".") && /\.(ts|mts|mjs|js)$/.test(literal.text)) {
      found.push(relative(ROOT, resolve(ROOT, dirname(file), literal.text)));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The top-level folder a file is in; `.` for the files at the root. */
const folderOf = (file: string): string => file.includes("/") ? file.split("/")[0] : ".";
const isTest = (file: string): boolean => /(_test|\.test)\.(ts|mts)$/.test(file) || file.startsWith("test/");
const isPrivate = (file: string): boolean => file.split("/").pop()!.startsWith("_");

const graph = sources().map((file) => ({ file, imports: importsOf(file) }));

test("the graph is read: the CLI reaches the harness, the registry names the adapters", () => {
  const edges = new Set(graph.flatMap(({ file, imports }) => imports.map((i) => `${file} -> ${i}`)));
  assert.ok(edges.has("cli.ts -> cli/matrix.ts"));
  assert.ok(edges.has("columns/registry.ts -> adapters/libc.ts"));
});

test("no file imports a `_`-private file of another top-level folder", () => {
  const crossings = graph.flatMap(({ file, imports }) =>
    imports.filter((i) => isPrivate(i) && folderOf(i) !== folderOf(file)).map((i) => `${file} imports ${i}`)
  );
  assert.deepEqual(crossings, []);
});

test("the top-level folders import each other without a cycle", () => {
  const edges = new Map<string, Set<string>>();
  for (const { file, imports } of graph.filter(({ file }) => !isTest(file))) {
    for (const target of imports) {
      if (folderOf(target) === folderOf(file)) continue;
      if (!edges.has(folderOf(file))) edges.set(folderOf(file), new Set());
      edges.get(folderOf(file))!.add(folderOf(target));
    }
  }
  const cycles: string[] = [];
  const walk = (folder: string, path: string[]): void => {
    if (path.includes(folder)) {
      cycles.push([...path.slice(path.indexOf(folder)), folder].join(" → "));
      return;
    }
    for (const next of edges.get(folder) ?? []) walk(next, [...path, folder]);
  };
  for (const folder of edges.keys()) walk(folder, []);
  assert.deepEqual([...new Set(cycles)], []);
});
