/**
 * The workerd configuration (Cap'n Proto text) that runs one bundled worker:
 * an HTTP socket on loopback that drives it, and a network service through
 * which its `connect()` calls go, allowed to reach loopback only.
 *
 * @module
 */

/**
 * The compatibility date the worker runs under, pinned so a column's results
 * do not move with the binary. workerd refuses a date later than its own
 * release; from 2026-08-04 on, `nodejs_compat` (which the suites' `node:*`
 * imports need) is on by default.
 */
export const COMPATIBILITY_DATE = "2026-11-17";

/**
 * What `connect()` may reach: IPv4 and IPv6 loopback, nothing else (not even
 * Unix sockets, which workerd's `local` would allow too).
 */
export const LOOPBACK_ONLY: readonly string[] = ["127.0.0.0/8", "::1/128"];

/** The name of the HTTP socket in the config, as workerd reports it on its control descriptor. */
export const HTTP_SOCKET = "http";

export interface ConfigOptions {
  /** File name of the bundled ES module, next to the config file. */
  module: string;
  /** Where the HTTP socket listens; port 0 lets the kernel choose (reported on the control descriptor). */
  address?: string;
  compatibilityDate?: string;
  compatibilityFlags?: readonly string[];
}

/** A Cap'n Proto text string literal. */
function text(value: string): string {
  return JSON.stringify(value);
}

/**
 * The config file's text.
 *
 * @example
 * ```ts
 * import { workerdConfig } from "./config.ts";
 * const capnp = workerdConfig({ module: "worker.js" });
 * capnp.includes('allow = ["127.0.0.0/8", "::1/128"]'); // true
 * ```
 */
export function workerdConfig(options: ConfigOptions): string {
  const address = options.address ?? "127.0.0.1:0";
  const date = options.compatibilityDate ?? COMPATIBILITY_DATE;
  const flags = (options.compatibilityFlags ?? []).map(text).join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = [${LOOPBACK_ONLY.map(text).join(", ")}])),
  ],
  sockets = [(name = ${text(HTTP_SOCKET)}, address = ${text(address)}, http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = ${text(options.module)}, esModule = embed ${text(options.module)})],
  compatibilityDate = ${text(date)},
  compatibilityFlags = [${flags}],
  globalOutbound = "loopback",
);
`;
}
