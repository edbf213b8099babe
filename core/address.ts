/**
 * Addresses as the contract carries them, from what a runtime reports: an IP
 * host and port with its family, or a Unix-domain path.
 *
 * @module
 */
import type { Address } from "./adapter.ts";

/**
 * An IP endpoint. The family is the runtime's own word where it gives one
 * (`"IPv6"`, `6`); only where it gives none is it read from the hostname
 * (`::1` is IPv6). Missing values become `""` and port 0.
 *
 * @example
 * ```ts
 * import { ipAddress } from "./address.ts";
 * ipAddress("::ffff:127.0.0.1", 4000, "IPv6"); // { hostname: "::ffff:127.0.0.1", port: 4000, family: "IPv6" }
 * ipAddress("127.0.0.1", 80); // family "IPv4"
 * ```
 */
export function ipAddress(hostname: string | undefined, port: number | undefined, family?: string | number): Address {
  const v6 = family === undefined ? (hostname ?? "").includes(":") : family === "IPv6" || family === 6;
  return { hostname: hostname ?? "", port: port ?? 0, family: v6 ? "IPv6" : "IPv4" };
}

/**
 * A Unix-domain address: `path` only where the runtime reported one (`""`
 * for an unnamed socket), left out where it reported none.
 *
 * @example
 * ```ts
 * import { unixAddress } from "./address.ts";
 * unixAddress("/tmp/a.sock"); // { hostname: "", port: 0, family: "Unix", path: "/tmp/a.sock" }
 * unixAddress(); // { hostname: "", port: 0, family: "Unix" }
 * ```
 */
export function unixAddress(path?: string): Address {
  return path === undefined ? { hostname: "", port: 0, family: "Unix" } : { hostname: "", port: 0, family: "Unix", path };
}
