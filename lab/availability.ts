/**
 * Whether the fault lab can be made here: tries the real thing, once per
 * process — a fresh namespace for every profile, shaped exactly as the lab
 * shapes it, running `true` — as root (`unshare -n`) and else through a
 * user namespace (`unshare -r -n`). When neither works, the reason says
 * what failed and how to get the lab, for the `skipped` verdicts of the
 * lab's cases.
 *
 * @module
 */
import process from "node:process";
import type { LabProfile } from "../core/case.ts";
import { labCommand, type UnshareMode, unshareFlags } from "./namespace.ts";
import { LAB_PROFILES } from "./profiles.ts";

/** Runs a program to its end: how it ended, and the tail of its stderr. */
export type RunToEnd = (command: { program: string; args: string[] }) => Promise<{
  code: number | null;
  signal: string | null;
  error?: string;
  stderr: string;
}>;

/** The lab can be made (and how), or why not. */
export type LabStatus = { ok: true; mode: UnshareMode } | { ok: false; reason: string };

/** What to do to get the lab, shown with every skipped lab case. */
const LAB_HINT = "run as root to include them (sudo npm test, sudo npx sockcheck run ...), or allow unprivileged user namespaces";

let probed: Promise<LabStatus> | undefined;

/**
 * Probes once per process, running its probes with `run`; later calls
 * share the answer.
 *
 * @example
 * ```ts
 * import { labStatus } from "./availability.ts";
 * import { runToEnd, startChild } from "../hosts/child.ts";
 * const status = await labStatus((command) => runToEnd(startChild, command));
 * if (!status.ok) console.log(`lab cases skipped: ${status.reason}`);
 * ```
 */
export function labStatus(run: RunToEnd): Promise<LabStatus> {
  return probed ??= probe(run);
}

async function probe(run: RunToEnd): Promise<LabStatus> {
  if (process.platform !== "linux") return { ok: false, reason: `the fault lab needs Linux network namespaces (this is ${process.platform})` };
  const failures: string[] = [];
  for (const mode of ["root", "user"] as const) {
    const failure = await tryMode(mode, run);
    if (!failure) return { ok: true, mode };
    failures.push(`unshare ${unshareFlags(mode).join(" ")}: ${failure}`);
  }
  return { ok: false, reason: `no private network namespace here (${failures.join("; ")}); ${LAB_HINT}` };
}

/** Why `mode` cannot make every profile's namespace, or `undefined` if it can. */
async function tryMode(mode: UnshareMode, run: RunToEnd): Promise<string | undefined> {
  for (const profile of Object.keys(LAB_PROFILES) as LabProfile[]) {
    const exit = await run(labCommand(profile, mode, { program: "true", args: [] }));
    if (exit.error) return exit.error;
    if (exit.code !== 0) {
      // unshare's own messages start with its name, already in the reason.
      const last = exit.stderr.trim().split("\n").pop()?.trim().replace(/^unshare: /, "");
      return last || `exit code ${exit.code ?? exit.signal}`;
    }
  }
  return undefined;
}
