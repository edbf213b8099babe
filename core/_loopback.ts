/**
 * The loopback guard: every address a case hands an adapter must be
 * loopback (127.0.0.0/8, ::1, IPv4-mapped 127.x) or a wildcard to listen on;
 * anything else is refused before the runtime sees it, so no case can send
 * a packet off the machine.
 *
 * Host names are refused too, except the few a host declares safe: inside
 * the fault lab, the names its own names files answer for or are sure to
 * miss (lab/names.ts). There a name resolves through the lab's files alone,
 * and any query a resolver makes anyway stays in the lab's namespace, which
 * has no way out; everywhere else a name could reach the host's resolver.
 *
 * IPv4 multicast groups (224.0.0.0/4) are not loopback addresses: a send to
 * one, or a join (which announces itself with IGMP), goes out on whatever
 * interface the route picks. They pass only where the runner says the case
 * runs inside the fault lab, a network namespace whose only interface is
 * `lo`, so nothing sent there can leave it.
 *
 * @module
 */

/** Thrown when a case names an address beyond loopback. */
export class LoopbackViolation extends Error {
  override name = "LoopbackViolation";
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);

/** Whether `host` is a loopback address (numeric; names are not resolved). */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  const parts = v4.split(".");
  return parts.length === 4 && parts[0] === "127" && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Whether `host` is an IPv4 multicast address (224.0.0.0/4), numeric. */
export function isMulticast4(host: string): boolean {
  const parts = host.split(".");
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255) &&
    Number(parts[0]) >= 224 && Number(parts[0]) <= 239;
}

/**
 * Methods that only bind locally, or only look up a socket bound so (the
 * peer's `columnSocket`, which sends nothing), where a wildcard address is allowed.
 */
const BINDING = new Set(["listen", "bind", "columnSocket"]);

/** The fields that carry an address: a destination or bind address, a multicast group, an interface. */
const ADDRESS_FIELDS = ["hostname", "group", "interface"] as const;

/** Where the call is made. */
export interface GuardOptions {
  /** The case runs inside the fault lab's namespace: multicast groups pass. */
  lab?: boolean;
  /** Host names that pass: inside the lab, the names its own files answer for. */
  names?: readonly string[];
}

/**
/**
 * Throws a LoopbackViolation if any address field (`hostname`, `group`,
 * `interface`) among `args` (at any depth of plain objects) is not
 * loopback; wildcards pass only for `listen`/`bind`, names only if they are
 * among `options.names` (exact match), IPv4 multicast groups only inside the lab.
 *
 * @example
 * ```ts
 * import { checkLoopback } from "./_loopback.ts";
 * checkLoopback("connect", [{ hostname: "127.0.0.1", port: 80 }]); // passes
 * checkLoopback("connect", [{ hostname: "localhost", port: 80 }], { names: ["localhost"] }); // passes
 * ```
 */
export function checkLoopback(method: string, args: unknown[], options: GuardOptions = {}): void {
  const names = options.names ?? [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 3 || value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return;
    for (const field of ADDRESS_FIELDS) {
      const host = (value as Record<string, unknown>)[field];
      if (typeof host !== "string") continue;
      const allowed = isLoopback(host) || (BINDING.has(method) && WILDCARDS.has(host)) || names.includes(host) ||
        (options.lab === true && isMulticast4(host));
      if (!allowed) {
        const where = isMulticast4(host)
          ? "multicast is allowed inside the fault lab only"
          : "cases stay on loopback (names only inside the lab, which makes their files)";
        throw new LoopbackViolation(`${method}: ${host} is not a loopback address; ${where}`);
      }
    }
    for (const inner of Object.values(value)) visit(inner, depth + 1);
  };
  args.forEach((a) => visit(a, 0));
}
