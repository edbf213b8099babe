/**
 * Socket errors as the adapter contract carries them: a POSIX errno name
 * (or, for a failed name lookup, a getaddrinfo error name such as
 * `EAI_NONAME`) beside the raw error the runtime threw, so nothing the
 * runtime said is lost.
 *
 * Normalisation reads structured identity only (`.code`, `.errno`, and an
 * adapter-supplied table of error classes, names or codes); it never parses
 * messages and never guesses. Anything without structured identity becomes
 * `UNKNOWN`.
 *
 * @module
 */
import { constants } from "node:os";

/** The raw error as the runtime threw it, kept beside the normalised code. */
export interface RawError {
  /** Constructor name, e.g. `ConnectionRefused`, `Error`, `SystemError`. */
  class: string;
  name?: string;
  code?: string | number;
  errno?: number;
  syscall?: string;
  /**
   * The address the failed call was about, as the runtime's error gives it
   * (node:net's `address`, e.g. the destination of a refused connect).
   */
  address?: string;
  /** The port the failed call was about, as the runtime's error gives it (node:net's `port`). */
  port?: number;
  message: string;
}

/** The name used when the runtime gave no structured identity. */
export const UNKNOWN = "UNKNOWN";

const errnoByName: Record<string, number> = { ...constants.errno };
const nameByNumber = new Map<number, string>();
for (const [name, number] of Object.entries(errnoByName)) {
  // Linux aliases (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK): keep the first.
  if (!nameByNumber.has(number)) nameByNumber.set(number, name);
}

/**
 * The POSIX name of an errno number on this platform, or `undefined`.
 * Negative numbers (libuv's convention) are read as their absolute value.
 *
 * @example
 * ```ts
 * import { errnoName } from "./errors.ts";
 * errnoName(111); // "ECONNREFUSED" on Linux
 * ```
 */
export function errnoName(errno: number): string | undefined {
  return nameByNumber.get(Math.abs(errno));
}

/** Whether `name` is a POSIX errno name known on this platform. */
function isErrnoName(name: unknown): name is string {
  return typeof name === "string" && Object.hasOwn(errnoByName, name);
}

/**
 * getaddrinfo(3)'s error names: POSIX `<netdb.h>`, plus glibc's EAI_NODATA
 * and EAI_ADDRFAMILY. A failed name lookup is reported with one of these.
 */
const RESOLVER_ERRORS: ReadonlySet<string> = new Set([
  "EAI_AGAIN",
  "EAI_BADFLAGS",
  "EAI_FAIL",
  "EAI_FAMILY",
  "EAI_MEMORY",
  "EAI_NONAME",
  "EAI_SERVICE",
  "EAI_SOCKTYPE",
  "EAI_SYSTEM",
  "EAI_OVERFLOW",
  "EAI_NODATA",
  "EAI_ADDRFAMILY",
]);

/**
 * Whether `name` is one of getaddrinfo's error names (`EAI_NONAME`, ...).
 *
 * @example
 * ```ts
 * import { isResolverErrorName } from "./errors.ts";
 * isResolverErrorName("EAI_NONAME"); // true
 * ```
 */
export function isResolverErrorName(name: unknown): name is string {
  return typeof name === "string" && RESOLVER_ERRORS.has(name);
}

/** System calls whose `errno` field is not an errno: a resolver's own numbering (libuv's UV_EAI_*, c-ares'). */
const RESOLVER_CALLS: ReadonlySet<string> = new Set(["getaddrinfo", "getnameinfo"]);

/** Captures the structured fields of anything thrown. */
function rawError(err: unknown): RawError {
  if (err === null || typeof err !== "object") {
    return { class: typeof err, message: String(err) };
  }
  const e = err as Record<string, unknown>;
  const raw: RawError = {
    class: (err as object).constructor?.name ?? "Object",
    message: typeof e.message === "string" ? e.message : String(err),
  };
  if (typeof e.name === "string") raw.name = e.name;
  if (typeof e.code === "string" || typeof e.code === "number") raw.code = e.code;
  if (typeof e.errno === "number") raw.errno = e.errno;
  if (typeof e.syscall === "string") raw.syscall = e.syscall;
  if (typeof e.address === "string") raw.address = e.address;
  if (typeof e.port === "number") raw.port = e.port;
  return raw;
}

/**
 * An operation on a socket failed. `code` is a POSIX errno name (a
 * getaddrinfo error name for a failed name lookup), or `UNKNOWN` when the
 * runtime gave no structured identity; `raw` is what the runtime threw.
 *
 * @example
 * ```ts
 * import { SocketError } from "./errors.ts";
 * const e = new SocketError("connect", "ECONNREFUSED", { class: "Error", message: "refused" });
 * e.code; // "ECONNREFUSED"
 * ```
 */
export class SocketError extends Error {
  override name = "SocketError";
  constructor(
    /** The contract operation that failed: `connect`, `read`, `write`, ... */
    readonly op: string,
    readonly code: string,
    readonly raw: RawError,
  ) {
    super(`${op}: ${code} (${raw.class}${raw.code !== undefined ? ` ${raw.code}` : ""}: ${raw.message})`);
  }
}

/**
 * Turns whatever a runtime threw into a {@linkcode SocketError}.
 *
 * Order: an errno-name or getaddrinfo-name `.code`, then a numeric `.errno`
 * (except from a name lookup, whose number is the resolver's own), then the
 * adapter's table, looked up by error class, then name, then `.code` (for
 * runtimes whose identity is the class, like `Deno.errors.ConnectionRefused`,
 * or a documented code of their own, like node's `ENOTFOUND`), else `UNKNOWN`.
 *
 * @example
 * ```ts
 * import { toSocketError } from "./errors.ts";
 * const err = Object.assign(new Error("x"), { code: "ECONNRESET" });
 * toSocketError("read", err).code; // "ECONNRESET"
 * ```
 */
export function toSocketError(
  op: string,
  err: unknown,
  classTable: Readonly<Record<string, string>> = {},
): SocketError {
  if (err instanceof SocketError) return err;
  const raw = rawError(err);
  let code: string | undefined;
  if (isErrnoName(raw.code) || isResolverErrorName(raw.code)) code = raw.code;
  else if (raw.errno !== undefined && !RESOLVER_CALLS.has(raw.syscall ?? "")) code = errnoName(raw.errno);
  if (code === undefined && err !== null && typeof err === "object") {
    const entry = (key: unknown) => typeof key === "string" && Object.hasOwn(classTable, key) ? classTable[key] : undefined;
    code = entry(raw.class) ?? entry(raw.name) ?? entry(raw.code);
  }
  return new SocketError(op, code ?? UNKNOWN, raw);
}

/**
 * The API lacks an operation that the reference API of its family has (a
 * `node:net` method Node has and a compatibility layer lacks). The case
 * fails with "API missing: ...", never `unsupported`: the gap is a finding.
 *
 * @example
 * ```ts
 * import { ApiMissingError } from "./errors.ts";
 * throw new ApiMissingError("net.Socket.prototype.resetAndDestroy");
 * ```
 */
export class ApiMissingError extends Error {
  override name = "ApiMissingError";
  constructor(readonly api: string) {
    super(`API missing: ${api}`);
  }
}
