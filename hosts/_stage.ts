/**
 * Builds one cache entry inside a staging folder: fetch the platform
 * package's tarball with `npm pack` (npm checks its integrity), take the
 * binary out, and check that it runs and reports the version asked for.
 * Nothing here touches the cache's finished entries; the caller renames the
 * staged entry into place only after this has verified it.
 *
 * @module
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { HostError } from "./errors.ts";
import { npm, npmJson } from "./_npm.ts";
import type { PlatformPackage } from "./_platform.ts";
import { isRelease, probeRuntime } from "./_probe.ts";
import { extractFile, TarFormatError } from "./_untar.ts";
import type { RuntimeName } from "./runtime.ts";

/** A step of an install, with the bytes moved so far where known. */
export interface StageEvent {
  phase: "downloading" | "unpacking" | "verifying";
  package: string;
  bytes?: number;
  total?: number;
}

/** What staging needs to know besides the package. */
export interface StageContext {
  runtime: RuntimeName;
  version: string;
  staging: string;
  /** npm's cache folder, whose `_cacache/tmp` grows while npm downloads. */
  npmCache?: string;
  cwd?: string;
  env: Record<string, string | undefined>;
  report: (event: StageEvent) => void;
}

/** The file name of a runtime's binary in a cache entry. */
export const binaryName = (runtime: RuntimeName): string => (process.platform === "win32" ? `${runtime}.exe` : runtime);

/** The entry folder inside the staging folder. */
export const stagedEntry = (staging: string): string => join(staging, "entry");

/** The result of staging one package: a verified binary, or why its binary does not run here. */
export type Staged = { ok: true; binary: string } | { ok: false; why: string };

/**
 * Stages `pkg` at the context's version. Resolves `{ ok: false }` when the
 * binary does not run on this machine (the caller may try the next
 * package); throws a {@linkcode HostError} for everything else.
 */
export async function stagePackage(pkg: PlatformPackage, ctx: StageContext): Promise<Staged> {
  const tarball = await download(pkg, ctx);
  const entry = stagedEntry(ctx.staging);
  mkdirSync(entry, { recursive: true });
  const binary = join(entry, binaryName(ctx.runtime));
  ctx.report({ phase: "unpacking", package: pkg.name, bytes: 0 });
  let extracted;
  try {
    extracted = await extractFile(tarball, pkg.binary, binary, (bytes, total) => {
      ctx.report({ phase: "unpacking", package: pkg.name, bytes, total });
    });
  } catch (err) {
    // Format and gzip errors mean a bad tarball; file system errors go up as they are.
    const code = String((err as { code?: unknown }).code ?? "");
    if (!(err instanceof TarFormatError) && !code.startsWith("Z_")) throw err;
    throw new HostError("verify-failed", `${pkg.name}@${ctx.version} is a damaged tarball (${(err as Error).message})`);
  }
  rmSync(tarball, { force: true });
  if (!extracted) throw new HostError("verify-failed", `${pkg.name}@${ctx.version} has no ${pkg.binary}`);
  // Deno's package ships its binary without the execute bit; its installer sets it.
  chmodSync(binary, 0o755);
  ctx.report({ phase: "verifying", package: pkg.name });
  const probe = await probeRuntime(ctx.runtime, binary, ctx.env);
  if (!probe.ok) return { ok: false, why: `the ${ctx.runtime} binary of ${pkg.name}@${ctx.version}: ${probe.why}` };
  if (!isRelease(ctx.runtime, probe.version, ctx.version)) {
    throw new HostError(
      "verify-failed",
      `the binary of ${pkg.name}@${ctx.version} reports version ${probe.version}, not ${ctx.version}`,
    );
  }
  const meta = { runtime: ctx.runtime, version: ctx.version, package: pkg.name, installedAt: new Date().toISOString() };
  writeFileSync(join(entry, "entry.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return { ok: true, binary };
}

/** Fetches the tarball into the staging folder and returns its path. */
async function download(pkg: PlatformPackage, ctx: StageContext): Promise<string> {
  const spec = `${pkg.name}@${ctx.version}`;
  ctx.report({ phase: "downloading", package: pkg.name, bytes: 0 });
  const watched = [ctx.staging, ...(ctx.npmCache ? [join(ctx.npmCache, "_cacache", "tmp")] : [])];
  let last = 0;
  // Progress only: npm says nothing until it is done, so the files it writes are measured.
  const timer = setInterval(() => {
    const bytes = watched.reduce((sum, dir) => sum + bytesIn(dir), 0);
    if (bytes > last) ctx.report({ phase: "downloading", package: pkg.name, bytes: last = bytes });
  }, 250);
  try {
    const packed = await npmJson(["pack", spec, "--pack-destination", ctx.staging, "--ignore-scripts"], {
      cwd: ctx.cwd,
      env: ctx.env,
      subject: `${ctx.runtime} ${ctx.version} (${spec})`,
    });
    const info = (Array.isArray(packed) ? packed[0] : undefined) as { filename?: string; size?: number } | undefined;
    if (!info?.filename) throw new HostError("npm-failed", `npm pack ${spec} did not say which file it wrote`);
    ctx.report({ phase: "downloading", package: pkg.name, bytes: info.size, total: info.size });
    return join(ctx.staging, info.filename);
  } finally {
    clearInterval(timer);
  }
}

/** The bytes of the files directly in `dir` (0 when it does not exist). */
function bytesIn(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, name) => {
      const stat = statSync(join(dir, name), { throwIfNoEntry: false });
      return sum + (stat?.isFile() ? stat.size : 0);
    }, 0);
  } catch {
    return 0;
  }
}

/** npm's cache folder, for download progress; undefined if npm will not say. */
export async function npmCacheDir(ctx: Pick<StageContext, "cwd" | "env">): Promise<string | undefined> {
  try {
    const out = (await npm(["config", "get", "cache"], { cwd: ctx.cwd, env: ctx.env, subject: "npm's cache" })).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}
