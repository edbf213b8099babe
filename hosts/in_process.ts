/**
 * A runtime's host inside its own process (a column process, or the
 * runtime's test runner), and what every such host shares: fixture
 * detection, the socket count for the leak check where the platform lets a
 * process list its descriptors (the `socketCount` fixture says where not,
 * and why), and inside the fault lab what the lab offers its cases.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import process from "node:process";
import type { LabContext, LabProfile, TcpTableEntry } from "../core/case.ts";
import type { FixtureStatus, Host } from "../core/runner.ts";
import { LAB_NAMES } from "../lab/names.ts";
import { isLabProfile, LAB_ENV } from "../lab/profiles.ts";
import { parseProcNetTcp } from "../lab/tcp_table.ts";
import type { ChildStarter } from "./child.ts";
import type { HostName } from "./runtime.ts";

/** A host plus the runtime it is, as its own process sees it. */
export interface RuntimeHost extends Host {
  runtime: HostName;
  /** The runtime's exact version. */
  version: string;
  /** How this runtime starts child processes, where `node:child_process` will not do. */
  startChild?: ChildStarter;
  /**
   * Makes an empty directory for a column's Unix socket files, where the
   * runtime needs them at fixed paths (Deno's permissions name each path);
   * elsewhere each case gets a fresh temporary directory.
   */
  socketDirFor?(column: string): string;
}

/** One test as a runtime's own test runner (`deno test`, `bun test`, `node --test`) takes it. */
export interface TestDefinition {
  name: string;
  /** Why the case cannot run here (unsupported capability, missing fixture). */
  skip?: string;
  /** The runner's own limit, beyond the case's time limit plus cleanup. */
  timeoutMs: number;
  fn(): Promise<void>;
}

/** IPv6 is there when the loopback interface has ::1. */
export function ipv6Fixture(): FixtureStatus {
  try {
    const found = Object.values(networkInterfaces()).flat().some((i) => i?.internal && i.address === "::1");
    return found ? { ok: true } : { ok: false, reason: "no ::1 on the loopback interface (IPv6 disabled)" };
  } catch (err) {
    return { ok: false, reason: `cannot list interfaces: ${(err as Error).message}` };
  }
}

/** Counts this process's socket descriptors from `/proc/self/fd`, or `undefined` off Linux. */
export function procSocketCounter(): (() => Promise<number>) | undefined {
  if (process.platform !== "linux") return undefined;
  return () => {
    let sockets = 0;
    for (const fd of readdirSync("/proc/self/fd")) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith("socket:")) sockets++;
      } catch {
        // The descriptor used to list the directory is gone by now.
      }
    }
    return Promise.resolve(sockets);
  };
}

/**
 * Counts this process's socket descriptors from `/dev/fd` (macOS), telling
 * sockets by `fstat`. Trust it only where {@linkcode devFdListsEverything} holds.
 */
export function devFdSocketCounter(): () => Promise<number> {
  return () => {
    let sockets = 0;
    for (const fd of readdirSync("/dev/fd")) {
      try {
        if (fstatSync(Number(fd)).isSocket()) sockets++;
      } catch {
        // Closed since it was listed (the listing's own descriptor, at least).
      }
    }
    return Promise.resolve(sockets);
  };
}

/**
 * Whether `/dev/fd` lists every open descriptor, not only 0 to 2 (FreeBSD
 * without fdescfs): a descriptor opened now must be in it.
 */
export function devFdListsEverything(): boolean {
  let fd: number | undefined;
  try {
    fd = openSync("/dev/null", "r");
    return readdirSync("/dev/fd").includes(String(fd));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The leak check's socket count, and the `socketCount` fixture that says whether there is one. */
export interface SocketCounting {
  count?: () => Promise<number>;
  fixture: FixtureStatus;
}

/**
 * How this process counts its sockets: `/proc/self/fd` on Linux, `/dev/fd`
 * where it lists every descriptor (macOS); elsewhere no count, and the
 * fixture says why, so cases about leaks are skipped rather than passed.
 *
 * @example
 * ```ts
 * import { socketCounting } from "./in_process.ts";
 * const { count, fixture } = socketCounting();
 * console.log(fixture.ok ? await count!() : fixture.reason);
 * ```
 */
export function socketCounting(): SocketCounting {
  const platform = process.platform;
  if (platform === "linux") return { count: procSocketCounter(), fixture: { ok: true } };
  if (platform === "win32") {
    return { fixture: { ok: false, reason: "Windows has no descriptor table a process can list, so a leaked socket cannot be counted" } };
  }
  if (devFdListsEverything()) return { count: devFdSocketCounter(), fixture: { ok: true } };
  return {
    fixture: {
      ok: false,
      reason: `/dev/fd does not list every open descriptor on ${platform} (on FreeBSD, mount fdescfs), so a leaked socket cannot be counted`,
    },
  };
}

/** The lab profile this process runs in (its namespace's), from the lab's environment variable. */
function labProfileHere(): LabProfile | undefined {
  const value = process.env[LAB_ENV];
  return isLabProfile(value) ? value : undefined;
}

/**
 * The `lab` fixture: there inside a lab namespace. Elsewhere the reason
 * says who starts the lab; `sockcheck run` and the test runners replace it
 * with the probe's own reason when the lab cannot be made at all.
 */
export function labFixture(): FixtureStatus {
  return labProfileHere()
    ? { ok: true }
    : { ok: false, reason: "runs only inside the fault lab's namespace, which sockcheck run and the test runners start" };
}

/** The lab's offer to cases, inside a lab namespace; `undefined` elsewhere. */
export function labContext(tcpSockets: () => Promise<TcpTableEntry[]>): LabContext | undefined {
  const profile = labProfileHere();
  return profile ? { profile, tcpSockets, names: Object.values(LAB_NAMES) } : undefined;
}

/** The namespace's TCP sockets from `/proc/net/tcp` and `/proc/net/tcp6` (Node, Bun). */
export function procTcpTable(): Promise<TcpTableEntry[]> {
  const rows: TcpTableEntry[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      rows.push(...parseProcNetTcp(readFileSync(file, "utf8")));
    } catch (err) {
      // No tcp6 where IPv6 is disabled.
      if ((err as { code?: string }).code !== "ENOENT") return Promise.reject(err);
    }
  }
  return Promise.resolve(rows);
}
