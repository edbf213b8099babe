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
 * @module
 */

/** Thrown when a case names an address beyond loopback. */
export class LoopbackViolation extends Error {
  override name = "LoopbackViolation";
}

const WILDCARDS = new Set(["0.0.0.0", "::"]);

/** Whether `host` is a loopback address (numeric; names are not resolved). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  const parts = v4.split(".");
  return parts.length === 4 && parts[0] === "127" && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Methods that only bind locally, where a wildcard address is allowed. */
const BINDING = new Set(["listen", "bind"]);

/**
 * Throws a LoopbackViolation if any `hostname` among `args` (at any depth
 * of plain objects) is not loopback; wildcards pass only for `listen`/`bind`,
 * and names only if they are among `options.names` (exact match).
 *
 * @example
 * ```ts
 * import { checkLoopback } from "./_loopback.ts";
 * checkLoopback("connect", [{ hostname: "127.0.0.1", port: 80 }]); // passes
 * checkLoopback("connect", [{ hostname: "localhost", port: 80 }], { names: ["localhost"] }); // passes
 * ```
 */
export function checkLoopback(method: string, args: unknown[], options: { names?: readonly string[] } = {}): void {
  const names = options.names ?? [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 3 || value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return;
    const hostname = (value as { hostname?: unknown }).hostname;
    if (typeof hostname === "string") {
      const allowed = isLoopback(hostname) || (BINDING.has(method) && WILDCARDS.has(hostname)) || names.includes(hostname);
      if (!allowed) {
        throw new LoopbackViolation(
          `${method}: ${hostname} is not a loopback address; cases stay on loopback (names only inside the lab, which makes their files)`,
        );
      }
    }
    for (const inner of Object.values(value)) visit(inner, depth + 1);
  };
  args.forEach((a) => visit(a, 0));
}
