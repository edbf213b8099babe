/**
 * The kernel's TCP socket table, read two ways into one shape: the text of
 * `/proc/net/tcp` and `/proc/net/tcp6` (what Node and Bun read), and the
 * output of `ss -Htan` (what Deno runs, since its permissions never let a
 * program read `/proc/self/...`, and `/proc/net` is a link into it). Both
 * list the sockets of the reader's network namespace.
 *
 * @module
 */
import type { TcpTableEntry } from "../core/case.ts";

/** `/proc/net/tcp`'s state numbers (include/net/tcp_states.h). */
const PROC_STATES: Readonly<Record<number, string>> = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "NEW_SYN_RECV",
};

/** `ss`'s state names, where they are not the kernel's with `-` for `_`. */
const SS_STATES: Readonly<Record<string, string>> = {
  "ESTAB": "ESTABLISHED",
  "UNCONN": "CLOSE",
  "FIN-WAIT-1": "FIN_WAIT1",
  "FIN-WAIT-2": "FIN_WAIT2",
};

/** An IPv6 address from 8 groups, shortened as RFC 5952 says (longest run of two or more zero groups). */
function ipv6(groups: number[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** `0100007F:A96F` → `127.0.0.1:43375`; 32-digit IPv6 → `[::1]:port`. */
function procAddress(field: string): string {
  const [hex, portHex] = field.split(":");
  const port = parseInt(portHex, 16);
  // The kernel prints each 32-bit word of the address in host byte order
  // (little-endian on the platforms this runs on).
  const words = hex.match(/.{8}/g)!.map((w) => w.match(/../g)!.reverse().map((b) => parseInt(b, 16)));
  const bytes = words.flat();
  if (bytes.length === 4) return `${bytes.join(".")}:${port}`;
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `[::ffff:${bytes.slice(12).join(".")}]:${port}`;
  }
  return `[${ipv6(groups)}]:${port}`;
}

/**
 * Parses the text of `/proc/net/tcp` or `/proc/net/tcp6`.
 *
 * @example
 * ```ts
 * import { parseProcNetTcp } from "./tcp_table.ts";
 * const text = "  sl  local_address rem_address   st\n   0: 0100007F:0050 0D00007F:0007 02 0\n";
 * parseProcNetTcp(text); // [{ state: "SYN_SENT", local: "127.0.0.1:80", remote: "127.0.0.13:7" }]
 * ```
 */
export function parseProcNetTcp(text: string): TcpTableEntry[] {
  return text.split("\n").slice(1).map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 4).map((f) => ({
    state: PROC_STATES[parseInt(f[3], 16)] ?? `state ${f[3]}`,
    local: procAddress(f[1]),
    remote: procAddress(f[2]),
  }));
}

/**
 * Parses the output of `ss -Htan` (no header; state, queues, local, peer).
 *
 * @example
 * ```ts
 * import { parseSs } from "./tcp_table.ts";
 * parseSs("SYN-SENT 0 1 127.0.0.1:80 127.0.0.13:7\n"); // [{ state: "SYN_SENT", ... }]
 * ```
 */
export function parseSs(text: string): TcpTableEntry[] {
  return text.split("\n").map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 5).map((f) => ({
    state: SS_STATES[f[0]] ?? f[0].replaceAll("-", "_"),
    local: f[3],
    remote: f[4],
  }));
}
