/**
 * Taking one file out of a package tarball, in the tar formats the system
 * tar writes (GNU long names, pax, plain ustar), past entries with long paths.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { npmTarball, tempDir } from "./_fakes.ts";
import { extractFile } from "./_untar.ts";

const skip = process.platform === "win32" && "needs the POSIX tar";
const { dir, remove } = tempDir("untar");
after(remove);

const long = `${"deep-folder-name/".repeat(8)}file.h`; // 140 characters: needs a long-name record
const content = join(dir, "content");
writeFileSync(content, Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251)));
const other = join(dir, "other");
writeFileSync(other, "not this one\n");

for (const format of ["gnu", "pax", "ustar"]) {
  test(`the wanted file comes out whole from a ${format} tarball, after and as a long path`, { skip }, async () => {
    const tgz = join(dir, `${format}.tgz`);
    npmTarball(tgz, { [long]: other, "bin/tool": content, [`${long}.2`]: content });
    const out = join(dir, `${format}.out`);
    const seen: number[] = [];
    const extracted = await extractFile(tgz, "bin/tool", out, (bytes) => seen.push(bytes));
    assert.deepEqual(extracted, { size: 70_000, mode: 0o644 });
    assert.deepEqual(readFileSync(out), readFileSync(content));
    assert.equal(seen.at(-1), 70_000);
    const longOut = join(dir, `${format}.long`);
    assert.equal((await extractFile(tgz, `${long}.2`, longOut))?.size, 70_000);
    assert.deepEqual(readFileSync(longOut), readFileSync(content));
  });
}

test("a file the tarball does not have comes out as undefined", { skip }, async () => {
  const tgz = join(dir, "missing.tgz");
  npmTarball(tgz, { "README.md": other });
  assert.equal(await extractFile(tgz, "bin/tool", join(dir, "missing.out")), undefined);
});

test("a truncated tarball is an error, not a short file", { skip }, async () => {
  const tgz = join(dir, "whole.tgz");
  npmTarball(tgz, { "bin/tool": content });
  const cut = join(dir, "cut.tgz");
  writeFileSync(cut, readFileSync(tgz).subarray(0, 300));
  await assert.rejects(extractFile(cut, "bin/tool", join(dir, "cut.out")));
});
