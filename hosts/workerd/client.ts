/**
 * The host side of the worker protocol: lists the cases a running workerd
 * offers and runs them one request each, handing over what only the host
 * can see (fixtures, platform, peer ports).
 *
 * @module
 */
import { networkInterfaces } from "node:os";
import process from "node:process";
import type { Fixture } from "../../core/case.ts";
import type { CaseResult } from "../../core/result.ts";
import type { FixtureStatus } from "../../core/runner.ts";
import { type CaseListing, PATHS, type RunRequest } from "./protocol.ts";

/** How long past a case's own time limit the host waits for its answer (the runner in the worker enforces the limit). */
const ANSWER_GRACE_MS = 5_000;

/**
 * The fixtures as this machine has them: IPv6 when the loopback interface
 * has ::1; never the lab (workerd runs outside the lab's namespaces).
 *
 * @example
 * ```ts
 * import { hostFixtures } from "./client.ts";
 * hostFixtures().lab?.ok; // false
 * ```
 */
export function hostFixtures(): Partial<Record<Fixture, FixtureStatus>> {
  const ipv6 = Object.values(networkInterfaces()).flat().some((i) => i?.internal && i.address === "::1");
  return {
    ipv6: ipv6 ? { ok: true } : { ok: false, reason: "no ::1 on the loopback interface (IPv6 disabled)" },
    lab: { ok: false, reason: "the workerd column runs outside the fault lab" },
  };
}

async function answer<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`workerd answered ${response.status}: ${(await response.text()).trim()}`);
  return await response.json() as T;
}

/**
 * The cases the worker at `url` offers.
 *
 * @example
 * ```ts
 * import { listCases } from "./client.ts";
 * declare const url: string;
 * console.log((await listCases(url)).length);
 * ```
 */
export async function listCases(url: string): Promise<CaseListing[]> {
  return answer<CaseListing[]>(await fetch(`${url}${PATHS.cases}`));
}

/**
 * Runs one case in the worker at `url`; `limitMs` bounds the wait for its
 * answer (the case's own time limit plus a grace).
 *
 * @example
 * ```ts
 * import { hostFixtures, runInWorkerd } from "./client.ts";
 * declare const url: string;
 * const result = await runInWorkerd(url, { id: "tcp.connect.refused", fixtures: hostFixtures() });
 * console.log(result.verdict, result.observed);
 * ```
 */
export async function runInWorkerd(
  url: string,
  request: RunRequest,
  options: { limitMs?: number } = {},
): Promise<CaseResult> {
  const body: RunRequest = { platform: process.platform, ...request };
  const response = await fetch(`${url}${PATHS.run}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout((options.limitMs ?? 10_000) + ANSWER_GRACE_MS),
  });
  return answer<CaseResult>(response);
}
