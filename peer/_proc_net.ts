/**
 * Finds a socket in the kernel's socket tables (`/proc/<pid>/net/tcp`,
 * `tcp6`, `udp`, `udp6`, the tables of that process's network namespace) by
 * its local and remote endpoints, and gives its inode, the number
 * `/proc/<pid>/fd/N` links to as `socket:[inode]`.
 *
 * Endpoints are compared as addresses, not as text: `127.0.0.1` and
 * `::ffff:127.0.0.1` (an IPv4 peer of a dual-stack IPv6 socket) are the same
 * endpoint, `::1` and `0:0:0:0:0:0:0:1` too.
 *
 * @module
 */

/** An IP endpoint as a case names it. */
export interface IpEndpoint {
  hostname: string;
  port: number;
}

/** One row of a socket table. */
export interface TableRow {
  /** 32 hex digits: the address as 16 bytes, IPv4 as IPv4-mapped IPv6. */
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  /** The kernel's state number (10 is TCP LISTEN, 7 an unconnected UDP socket). */
  state: number;
  inode: number;
}

const MAPPED_PREFIX = "00000000000000000000ffff";
const ZEROS = "0".repeat(32);

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function groupBytes(groups: string[]): number[] | undefined {
  const bytes: number[] = [];
  for (const [i, g] of groups.entries()) {
    const v4 = i === groups.length - 1 && g.includes(".") ? ipv4Bytes(g) : undefined;
    if (v4) bytes.push(...v4);
    else if (/^[0-9a-f]{1,4}$/i.test(g)) bytes.push(parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff);
    else return undefined;
  }
  return bytes;
}

/**
 * A numeric IPv4 or IPv6 address as 32 hex digits (IPv4 mapped into IPv6),
 * or `undefined` when it is not one. Brackets and a zone (`%lo`) are dropped.
 */
export function addressKey(hostname: string): string | undefined {
  const v4 = ipv4Bytes(hostname);
  if (v4) return MAPPED_PREFIX + hex(v4);
  const text = hostname.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? groupBytes(halves[0].split(":")) : [];
  const tail = halves.length === 2 && halves[1] ? groupBytes(halves[1].split(":")) : [];
  if (!head || !tail) return undefined;
  const fill = 16 - head.length - tail.length;
  if (halves.length === 2 ? fill < 0 : fill !== 0) return undefined;
  return hex([...head, ...new Array(fill).fill(0), ...tail]);
}

/**
 * A table's `ADDR:PORT` field: the address is printed as 32-bit words, each
 * in host byte order (little-endian on x86-64 and arm64).
 */
function tableEndpoint(field: string): { address: string; port: number } {
  const [address, port] = field.split(":");
  const bytes = address.match(/.{8}/g)!.flatMap((word) => word.match(/../g)!.reverse().map((b) => parseInt(b, 16)));
  return { address: bytes.length === 4 ? MAPPED_PREFIX + hex(bytes) : hex(bytes), port: parseInt(port, 16) };
}

/**
 * The rows of `/proc/net/{tcp,udp}{,6}` text, header skipped. Rows with
 * inode 0 (TIME_WAIT and other sockets no descriptor holds) are left out.
 * With `port`, only rows with that port at one of their ends: the others
 * are passed over unparsed (a host's table can hold thousands of rows).
 */
export function parseTable(text: string, options: { port?: number } = {}): TableRow[] {
  // An endpoint field ends in ":PPPP" (four upper-case hex digits) and a space; no other field does.
  const endpoint = options.port === undefined ? undefined : `:${options.port.toString(16).toUpperCase().padStart(4, "0")} `;
  const rows: TableRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    if (endpoint !== undefined && !line.includes(endpoint)) continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = tableEndpoint(f[1]);
    const remote = tableEndpoint(f[2]);
    const inode = Number(f[9]);
    if (inode === 0) continue;
    rows.push({
      local: local.address,
      localPort: local.port,
      remote: remote.address,
      remotePort: remote.port,
      state: parseInt(f[3], 16),
      inode,
    });
  }
  return rows;
}

/** Whether a row's remote end is unset: a listener or an unconnected UDP socket. */
function unconnected(row: TableRow): boolean {
  return row.remotePort === 0 && (row.remote === ZEROS || row.remote === MAPPED_PREFIX + "00000000");
}

/**
 * The rows whose local end is `local` and whose remote end is `remote`, or,
 * without `remote`, whose remote end is unset (a listener, an unconnected
 * UDP socket). Throws a TypeError when a hostname is not a numeric address.
 *
 * @example
 * ```ts
 * import { matchRows, parseTable } from "./_proc_net.ts";
 * const table = "  sl local rem st\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4242 1\n";
 * matchRows(parseTable(table), { local: { hostname: "127.0.0.1", port: 8080 } })[0].inode; // 4242
 * ```
 */
export function matchRows(rows: readonly TableRow[], query: { local: IpEndpoint; remote?: IpEndpoint }): TableRow[] {
  const key = (e: IpEndpoint) => {
    const k = addressKey(e.hostname);
    if (k === undefined) throw new TypeError(`"${e.hostname}" is not a numeric IPv4 or IPv6 address`);
    return k;
  };
  const local = key(query.local);
  const remote = query.remote && key(query.remote);
  return rows.filter((row) =>
    row.local === local && row.localPort === query.local.port &&
    (query.remote ? row.remote === remote && row.remotePort === query.remote.port : unconnected(row))
  );
}
