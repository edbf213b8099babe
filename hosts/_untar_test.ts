/**
 * Taking one file out of a package tarball, in the tar formats the system
 * tar writes (GNU long names, pax, plain ustar), past entries with long paths.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { after, test } from "node:test";
import { fakeRuntime, npmTarball, tempDir } from "./_fakes.ts";
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

test("an extracted file can be run as soon as extractFile resolves: its descriptor is already closed", { skip }, async () => {
  // Resolving at the stream's "finish" left the file open for writing a moment longer; running it then failed ETXTBSY.
  const tgz = join(dir, "runnable.tgz");
  npmTarball(tgz, { "bin/bun": fakeRuntime(join(dir, "runnable"), "bun", "1.1.1") });
  for (let i = 0; i < 50; i++) {
    const out = join(dir, `runnable-${i}`);
    await extractFile(tgz, "bin/bun", out);
    chmodSync(out, 0o755);
    assert.equal(execFileSync(out, ["--revision"], { encoding: "utf8" }).trim(), "1.1.1+0a1b2c3d4");
  }
});
