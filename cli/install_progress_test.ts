/**
 * Download progress as the terminal and a CI log show it: a live line with
 * every install under way on a terminal, a line at each install's start and
 * end otherwise, and nothing for a release already cached or only looked up.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { InstallProgress } from "../hosts/install.ts";
import { installProgress } from "./install_progress.ts";

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, sink: { isTTY, write: (text: string) => out.push(text) } };
}

const bun = (p: Partial<InstallProgress>): InstallProgress => ({ runtime: "bun", version: "1.2.0", phase: "done", ...p });
const install: InstallProgress[] = [
  bun({ phase: "resolving" }),
  bun({ phase: "downloading", package: "@oven/bun-linux-x64", bytes: 0 }),
  bun({ phase: "downloading", package: "@oven/bun-linux-x64", bytes: 12_400_000 }),
  bun({ phase: "unpacking", package: "@oven/bun-linux-x64", bytes: 40, total: 100 }),
  bun({ phase: "verifying", package: "@oven/bun-linux-x64" }),
  bun({ phase: "done", package: "@oven/bun-linux-x64", cached: false }),
];

test("off a terminal, an install is one line when it starts and one when it is in the cache", () => {
  const { out, sink: s } = sink(false);
  const report = installProgress(s);
  for (const p of install) report(p);
  assert.deepEqual(out, [
    "bun 1.2.0: not in sockcheck's cache, installing from the npm registry\n",
    "bun 1.2.0: installed into sockcheck's cache from @oven/bun-linux-x64\n",
  ]);
});

test("on a terminal, one live line shows the bytes and the phase, and is replaced by the result", () => {
  const { out, sink: s } = sink(true);
  const report = installProgress(s);
  for (const p of install) report(p);
  assert.ok(out.includes("\r\x1b[Kbun 1.2.0: downloading @oven/bun-linux-x64 12.4 MB"), out.join("|"));
  assert.ok(out.includes("\r\x1b[Kbun 1.2.0: unpacking @oven/bun-linux-x64 40%"));
  assert.equal(out.at(-1), "\r\x1b[Kbun 1.2.0: installed into sockcheck's cache from @oven/bun-linux-x64\n");
  assert.ok(out.slice(0, -1).every((line) => !line.endsWith("\n")), "no line left behind before the end");
});

test("on a terminal, a report that reads as the line already shown draws nothing", () => {
  const { out, sink: s } = sink(true);
  const report = installProgress(s);
  for (const bytes of [1, 2, 3]) report(bun({ phase: "unpacking", package: "p", bytes, total: 1000 }));
  report(bun({ phase: "unpacking", package: "p", bytes: 500, total: 1000 }));
  assert.deepEqual(out, ["\r\x1b[Kbun 1.2.0: unpacking p 0%", "\r\x1b[Kbun 1.2.0: unpacking p 50%"]);
});

test("a release found in the cache, or only looked up before its error, says nothing", () => {
  for (const isTTY of [true, false]) {
    const { out, sink: s } = sink(isTTY);
    const report = installProgress(s);
    report(bun({ phase: "done", cached: true }));
    report(bun({ version: "9.9.9", phase: "resolving" }));
    assert.deepEqual(out, []);
  }
});
