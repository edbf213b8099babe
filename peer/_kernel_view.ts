/**
 * The kernel's view of a socket, read in the peer process: of the peer's
 * own sockets (SIOCINQ, SIOCOUTQ, TCP_INFO, SO_ERROR), and of the column
 * process's sockets, which the peer copies with `pidfd_getfd(2)` for the
 * length of one read and closes again at once (a copy held open would keep
 * the column's socket open after the column closed it).
 *
 * Reading another process's descriptors needs ptrace access to it (root, or
 * CAP_SYS_PTRACE); without it the view is unavailable, with the reason.
 * Only reads are offered on the column's sockets: getsockopt(SO_ERROR)
 * clears the pending error, which would change what the runtime sees.
 *
 * @module
 */
import { SocketError } from "../core/errors.ts";
import type { ColumnSocketRef, ViewStatus } from "./_protocol.ts";
import { UnavailableError } from "./_protocol.ts";
import { type IpEndpoint, matchRows, parseTable } from "./_proc_net.ts";
import { decodeTcpInfo, type TcpInfo } from "./_tcp_info.ts";
import {
  bytesOption,
  closeFd,
  inodeOf,
  intIoctl,
  intOption,
  listDir,
  pidfdGetfd,
  pidfdOpen,
  readLink,
  readText,
} from "./_sys.ts";

const SIOCINQ = 0x541b;
const SIOCOUTQ = 0x5411;
const SOL_SOCKET = 1;
const IPPROTO_IP = 0;
const IPPROTO_TCP = 6;
const IPPROTO_IPV6 = 41;
const SO_ERROR = 4;
const SO_DOMAIN = 39;
const SO_PROTOCOL = 38;
const TCP_INFO = 11;
const AF_INET6 = 10;

/** Bytes received and not yet read (ioctl SIOCINQ). */
export function inq(op: string, fd: number): number {
  return intIoctl(op, fd, SIOCINQ);
}

/** Bytes written and not yet acknowledged by the other side, sent or not (ioctl SIOCOUTQ). */
export function outq(op: string, fd: number): number {
  return intIoctl(op, fd, SIOCOUTQ);
}

/** The pending socket error (getsockopt SO_ERROR); reading it clears it, as the kernel does. */
export function soError(op: string, fd: number): number {
  return intOption(op, fd, SOL_SOCKET, SO_ERROR);
}

/** getsockopt TCP_INFO, decoded. */
export function tcpInfo(op: string, fd: number): TcpInfo {
  return decodeTcpInfo(bytesOption(op, fd, IPPROTO_TCP, TCP_INFO, 512));
}

/** [name, level, option]: options that hold for every IP socket. */
const SOCKET_OPTIONS = [
  ["SO_REUSEADDR", SOL_SOCKET, 2],
  ["SO_REUSEPORT", SOL_SOCKET, 15],
  ["SO_KEEPALIVE", SOL_SOCKET, 9],
  ["SO_BROADCAST", SOL_SOCKET, 6],
  ["SO_RCVBUF", SOL_SOCKET, 8],
  ["SO_SNDBUF", SOL_SOCKET, 7],
  // An IPv6 socket answers IPPROTO_IP options too (for its IPv4-mapped traffic).
  ["IP_RECVERR", IPPROTO_IP, 11],
] as const;
const TCP_OPTIONS = [
  ["TCP_NODELAY", IPPROTO_TCP, 1],
  ["TCP_KEEPIDLE", IPPROTO_TCP, 4],
  ["TCP_KEEPINTVL", IPPROTO_TCP, 5],
  ["TCP_KEEPCNT", IPPROTO_TCP, 6],
] as const;
const IPV6_OPTIONS = [
  ["IPV6_V6ONLY", IPPROTO_IPV6, 26],
  ["IPV6_RECVERR", IPPROTO_IPV6, 25],
] as const;

/**
 * The options that apply to the socket's kind, chosen by what the kernel
 * says it is (SO_DOMAIN, SO_PROTOCOL), each read with getsockopt as an int.
 */
export function socketOptions(op: string, fd: number): Record<string, number> {
  const domain = intOption(op, fd, SOL_SOCKET, SO_DOMAIN);
  const protocol = intOption(op, fd, SOL_SOCKET, SO_PROTOCOL);
  const options = [
    ...SOCKET_OPTIONS,
    ...(protocol === IPPROTO_TCP ? TCP_OPTIONS : []),
    ...(domain === AF_INET6 ? IPV6_OPTIONS : []),
  ];
  return Object.fromEntries(options.map(([name, level, option]) => [name, intOption(op, fd, level, option)]));
}

const NOT_ALLOWED = ["EPERM", "EACCES", "ENOSYS"];

/** Why another process's descriptors cannot be reached, as a reason a case can show. */
function reasonOf(err: unknown): string {
  if (!(err instanceof SocketError)) return String(err);
  const why = err.code === "ENOSYS"
    ? ": the kernel lacks it (Linux 5.6 or later has it) or a seccomp filter refuses it"
    : err.code === "EPERM" || err.code === "EACCES"
    ? ": reading another process's descriptors needs ptrace access to it: root or CAP_SYS_PTRACE" +
      " (or the same user, where the Yama LSM's ptrace_scope is 0)"
    : "";
  return `${err.raw.syscall}: ${err.code}${why}`;
}

/** A failure no case can change (no permission, no such call) becomes an UnavailableError; others pass. */
function unavailable(err: unknown): never {
  if (err instanceof SocketError && NOT_ALLOWED.includes(err.code)) throw new UnavailableError(reasonOf(err));
  throw err;
}

/** A descriptor number no process has (above fs.nr_open's maximum). */
const NO_SUCH_FD = 0x7fffffff;

/**
 * Whether this process may copy `pid`'s descriptors: pidfd_getfd of a
 * descriptor number no process has fails EBADF once the permission check
 * has passed, and EPERM before; no real descriptor is touched.
 */
export function probeColumnView(pid: number): ViewStatus {
  try {
    const pidfd = pidfdOpen("probe", pid);
    try {
      closeFd("probe", pidfdGetfd("probe", pidfd, NO_SUCH_FD));
    } catch (err) {
      if (!(err instanceof SocketError && err.code === "EBADF")) throw err;
    } finally {
      closeFd("probe", pidfd);
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/** inode → the lowest descriptor of `pid` that is that socket. */
function socketDescriptors(op: string, pid: number): Map<number, number> {
  const found = new Map<number, number>();
  const fds = listDir(op, `/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
  for (const fd of fds) {
    let target: string;
    try {
      target = readLink(op, `/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && !found.has(Number(inode))) found.set(Number(inode), fd);
  }
  return found;
}

/** How a case names a socket of the column process. */
export interface ColumnQuery {
  pid: number;
  protocol: "tcp" | "udp";
  local: IpEndpoint;
  remote?: IpEndpoint;
}

function describe(query: ColumnQuery): string {
  const at = (e: IpEndpoint) => `${e.hostname.includes(":") ? `[${e.hostname}]` : e.hostname}:${e.port}`;
  return `${query.protocol} socket ${at(query.local)} ${query.remote ? `→ ${at(query.remote)}` : "(no remote end)"}`;
}

/** The rows of `pid`'s namespace's socket tables that match `query`, one per socket. */
function matchingRows(op: string, query: ColumnQuery): ReturnType<typeof matchRows> {
  const rows = [];
  for (const table of query.protocol === "tcp" ? ["tcp", "tcp6"] : ["udp", "udp6"]) {
    let text: string;
    try {
      text = readText(op, `/proc/${query.pid}/net/${table}`);
    } catch (err) {
      if (err instanceof SocketError && err.code === "ENOENT" && table.endsWith("6")) continue; // IPv6 disabled
      throw err;
    }
    rows.push(...matchRows(parseTable(text, { port: query.local.port }), query));
  }
  // The kernel writes a table in pieces, so a socket can be listed twice while others come and go.
  return [...new Map(rows.map((row) => [row.inode, row])).values()];
}

/**
 * The descriptor of process `pid` whose socket has these endpoints, found
 * by the socket tables of its network namespace and its `/proc/<pid>/fd`
 * links: exactly one, or an error saying why not. A table read while other
 * sockets come and go can also miss one, so a socket not found is looked
 * for once more before that is the answer.
 */
export function findColumnSocket(query: ColumnQuery): ColumnSocketRef {
  const op = "columnSocket";
  let descriptors: Map<number, number>;
  try {
    descriptors = socketDescriptors(op, query.pid);
  } catch (err) {
    unavailable(err);
  }
  let rows = matchingRows(op, query);
  let mine = rows.filter((row) => descriptors.has(row.inode));
  if (mine.length === 0) {
    rows = matchingRows(op, query);
    mine = rows.filter((row) => descriptors.has(row.inode));
  }
  if (mine.length === 1) return { pid: query.pid, fd: descriptors.get(mine[0].inode)!, inode: mine[0].inode };
  if (mine.length === 0) {
    throw new Error(
      `no ${describe(query)} among the descriptors of process ${query.pid} (${rows.length} in its namespace's table)`,
    );
  }
  throw new Error(`${mine.length} sockets of process ${query.pid} match ${describe(query)}: name it by both ends`);
}

/**
 * Runs `read` on a copy of the column's descriptor, checked to be the same
 * socket (inode) as when it was found, and closes the copy before returning.
 */
export function withColumnSocket<T>(op: string, ref: ColumnSocketRef, read: (fd: number) => T): T {
  let pidfd: number;
  let fd: number;
  try {
    pidfd = pidfdOpen(op, ref.pid);
  } catch (err) {
    unavailable(err);
  }
  try {
    try {
      fd = pidfdGetfd(op, pidfd, ref.fd);
    } catch (err) {
      if (err instanceof SocketError && err.code === "EBADF") {
        throw new Error(`descriptor ${ref.fd} of process ${ref.pid} is closed`);
      }
      unavailable(err);
    }
    try {
      if (inodeOf(op, fd) !== ref.inode) {
        throw new Error(`descriptor ${ref.fd} of process ${ref.pid} is no longer socket ${ref.inode}: it was closed`);
      }
      return read(fd);
    } finally {
      closeFd(op, fd);
    }
  } finally {
    closeFd(op, pidfd);
  }
}
