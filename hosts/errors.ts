/**
 * The one error type of the runtime hosts: finding, installing and listing
 * runtimes either works or throws a {@linkcode HostError} whose message is
 * the single line to show the user (the CLI prints it and exits 2).
 *
 * @module
 */

/** What went wrong, for callers that react differently to each. */
export type HostErrorKind =
  /** An explicit runtime path that is missing, not a file, or not that runtime. */
  | "bad-path"
  /** An explicit runtime value that is neither a path nor a version. */
  | "bad-value"
  /** A version the registry does not publish for this platform. */
  | "no-such-version"
  /** npm could not reach the package registry. */
  | "registry-unreachable"
  /** npm is not on the PATH. */
  | "npm-missing"
  /** npm failed for another reason (its error code is in the message). */
  | "npm-failed"
  /** The runtime publishes no binary package for this OS and CPU. */
  | "unsupported-platform"
  /** A cache entry whose binary is missing or reports another version. */
  | "corrupt-cache"
  /** A freshly installed binary that does not run or reports another version. */
  | "verify-failed"
  /** The cache folder cannot be written (permissions, a full disk). */
  | "cache-unwritable";

/**
 * A failure to find, install or list a runtime. The message is one line,
 * says what was wrong and, where there is one, what to do about it.
 *
 * @example
 * ```ts
 * import { HostError } from "./errors.ts";
 * try {
 *   throw new HostError("no-such-version", "bun 9.9.9 is not published");
 * } catch (err) {
 *   if (err instanceof HostError) console.error(`sockcheck: ${err.message}`);
 * }
 * ```
 */
export class HostError extends Error {
  override name = "HostError";
  /** What went wrong. */
  readonly kind: HostErrorKind;

  constructor(kind: HostErrorKind, message: string) {
    // One line, whatever a child process or the file system put in it.
    super(message.replace(/\s*\n\s*/g, " ").trim());
    this.kind = kind;
  }
}
