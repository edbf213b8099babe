/**
 * The workerd column's host, as its column process (a Node process) sees
 * the machine: the fixtures it hands to the worker with each case, and
 * inside the lab the lab's context. The worker cannot count workerd's
 * descriptors, fill its descriptor table, catch its uncaught exceptions or
 * start a process, so those fixtures are absent, each with the reason.
 *
 * @module
 */
import process from "node:process";
import { ipv6Fixture, labContext, labFixture, procTcpTable, type RuntimeHost } from "../in_process.ts";
import { installedWorkerd } from "./serve.ts";

const INSIDE = "a case runs inside workerd, whose worker";

/**
 * workerd, from its column process; `version` is replaced with the binary's
 * when another binary is given.
 *
 * @example
 * ```ts
 * import { host } from "./host.ts";
 * console.log(host.fixtures.socketCount); // { ok: false, reason: ... }
 * ```
 */
export const host: RuntimeHost = {
  runtime: "workerd",
  version: installedWorkerd().version,
  fixtures: {
    ipv6: ipv6Fixture(),
    lab: labFixture(),
    socketCount: { ok: false, reason: `${INSIDE} cannot count workerd's socket descriptors, so a leak cannot be seen` },
    descriptorLimit: { ok: false, reason: `${INSIDE} cannot lower workerd's descriptor limit` },
    uncaughtHooks: { ok: false, reason: `${INSIDE} has no process hooks for uncaught exceptions` },
    childProcess: { ok: false, reason: `${INSIDE} cannot start processes` },
  },
  platform: process.platform,
  lab: labContext(procTcpTable),
};
