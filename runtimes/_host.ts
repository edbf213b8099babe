/**
 * What every runtime's host shares: fixture detection and, where the
 * runtime may read `/proc/self/fd`, the socket count for the leak check.
 *
 * @module
 */
import { readdirSync, readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import process from "node:process";
import type { FixtureStatus, Host } from "../core/runner.ts";
import type { RuntimeName } from "./columns.ts";

/** A host plus the runtime it is. */
export interface RuntimeHost extends Host {
  runtime: RuntimeName;
  /** The runtime's exact version. */
  version: string;
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

/** Counts this process's socket descriptors from `/proc/self/fd`, or `undefined` where there is none. */
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
