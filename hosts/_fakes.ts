/**
 * Test doubles for the hosts' tests, as real executables in temporary
 * folders: scripts that answer like a runtime's version flag, and an `npm`
 * that serves a version list and a prepared tarball from a folder. POSIX
 * shell only; the tests that use them skip on Windows.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RuntimeName } from "./runtime.ts";

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sockcheck-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes an executable shell script. */
export function script(path: string, body: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A script at `dir/<runtime>` that answers version questions as `runtime` `version` does. */
export function fakeRuntime(dir: string, runtime: RuntimeName, version: string): string {
  const answers: Record<RuntimeName, string> = {
    deno: `echo "deno ${version} (stable, release, x86_64-unknown-linux-gnu)"; echo "v8 12.0"`,
    bun: `if [ "$1" = --revision ]; then echo "${version}+0a1b2c3d4"; else echo "${version}"; fi`,
    node: `echo "v${version}"`,
  };
  return script(join(dir, runtime), answers[runtime]);
}

/**
 * An `npm` in `dir/bin` for the calls sockcheck makes. `view` prints
 * `dir/versions.json`; `config get cache` prints `dir/npm-cache`; `pack`
 * copies `dir/package.tgz` to the destination and prints npm's JSON, or,
 * when `dir/hang` exists, writes half of it and hangs. Every call is
 * appended to `dir/calls`.
 */
export function fakeNpm(dir: string): { bin: string; calls: string } {
  const bin = join(dir, "bin");
  script(
    join(bin, "npm"),
    `D='${dir}'
PATH="/usr/bin:/bin:$PATH" # the tests give npm a PATH of its own folder only
echo "$*" >> "$D/calls"
case "$1" in
  view) cat "$D/versions.json" ;;
  config) echo "$D/npm-cache" ;;
  pack)
    while [ "$#" -gt 0 ]; do [ "$1" = --pack-destination ] && dest="$2"; shift; done
    if [ -e "$D/hang" ]; then head -c 1000 "$D/package.tgz" > "$dest/package.tgz"; exec sleep 60; fi
    cp "$D/package.tgz" "$dest/package.tgz"
    echo '[{"filename": "package.tgz", "size": 1}]' ;;
  *) echo '{"error": {"code": "EUNKNOWN"}}'; exit 1 ;;
esac`,
  );
  return { bin, calls: join(dir, "calls") };
}

/** Packs `files` (path inside the package → file to copy) as an npm tarball at `dest`, with the system tar. */
export function npmTarball(dest: string, files: Record<string, string>, format = "gnu"): void {
  const { dir, remove } = tempDir("tarball");
  try {
    for (const [inside, source] of Object.entries(files)) {
      mkdirSync(join(dir, "package", inside, ".."), { recursive: true });
      execFileSync("cp", ["-p", source, join(dir, "package", inside)]);
    }
    execFileSync("tar", [`--format=${format}`, "-czf", dest, "-C", dir, "package"]);
  } finally {
    remove();
  }
}
