/** The one argument parser: strict, each problem one line of our own. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseOptions, UsageError } from "./args.ts";

const options = { runtime: { type: "string" }, json: { type: "boolean" } } as const;

test("string options and flags parse, inline or apart", () => {
  assert.deepEqual({ ...parseOptions(["--runtime", "node", "--json"], { options }).values }, { runtime: "node", json: true });
  assert.deepEqual({ ...parseOptions(["--runtime=-odd"], { options }).values }, { runtime: "-odd" });
});

const bad: [string, string[], string][] = [
  ["an unknown option", ["--fast"], "unknown option --fast"],
  ["a short unknown option", ["-x"], "unknown option -x"],
  ["a string option without its value", ["--runtime"], "--runtime needs a value"],
  ["a string option followed by another option", ["--runtime", "--json"], "--runtime needs a value"],
  ["an empty value", ["--runtime="], "--runtime needs a value"],
  ["a flag given a value", ["--json=yes"], "--json takes no value"],
  ["a positional argument where none is taken", ["extra"], 'unexpected argument "extra"'],
];

for (const [what, argv, message] of bad) {
  test(`${what} is a usage error with one line: ${message}`, () => {
    assert.throws(() => parseOptions(argv, { options }), (err: unknown) => err instanceof UsageError && err.message === message);
  });
}

test("positional arguments are kept where the command takes them", () => {
  const parsed = parseOptions(["a.json", "--json", "b.json"], { options, positionals: true });
  assert.deepEqual(parsed.positionals, ["a.json", "b.json"]);
});
