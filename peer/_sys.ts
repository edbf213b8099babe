/**
 * The C library calls the peer process makes beyond the kernel adapter's:
 * ioctl and getsockopt for the kernel's view of a socket, pidfd_open and
 * pidfd_getfd (through syscall(2)) for the column's sockets, prctl for the
 * parent-death signal, and plain file calls to read `/proc`. Deno's
 * permissions refuse `/proc/<pid>/...` to anything short of `--allow-all`;
 * the peer already has `--allow-ffi`, which reaches the same files through
 * libc, so it reads them that way rather than asking for everything.
 *
 * Every call is synchronous on the JavaScript thread, and errno is read
 * straight after a failed call, before any other call is made. Linux with
 * glibc; syscall numbers 434 and 438 are the same on x86-64 and arm64.
 *
 * @module
 */
import { errnoName, SocketError, UNKNOWN } from "../core/errors.ts";

const SYMBOLS = {
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  syscall: { parameters: ["i64", "i64", "i64", "i64"], result: "i64" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  getppid: { parameters: [], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  fstat: { parameters: ["i32", "buffer"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  opendir: { parameters: ["buffer"], result: "pointer" },
  readdir: { parameters: ["pointer"], result: "pointer" },
  closedir: { parameters: ["pointer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

let symbols: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

/** The C library, opened on first use. */
export function sys(): Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] {
  return symbols ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
}

function errnoCell(): Int32Array {
  return new Int32Array(Deno.UnsafePointerView.getArrayBuffer(sys().__errno_location()!, 4));
}

/** errno of this thread, read straight after the failing call. */
export function errno(): number {
  return errnoCell()[0];
}

/** A failed call as a SocketError: the errno's name, the number and the call in `raw`. */
export function sysError(op: string, syscall: string, errnum: number): SocketError {
  const code = errnoName(errnum) ?? UNKNOWN;
  return new SocketError(op, code, { class: "Errno", code, errno: errnum, syscall, message: `${syscall} failed` });
}

/** Throws the errno of a failed call (`result < 0`); returns the result otherwise. */
export function check(op: string, syscall: string, result: number | bigint): number {
  if (result < 0) throw sysError(op, syscall, errno());
  return Number(result);
}

const PR_SET_PDEATHSIG = 1;
const SIGKILL = 9;
const SYS_PIDFD_OPEN = 434n;
const SYS_PIDFD_GETFD = 438n;
const O_RDONLY_CLOEXEC = 0o2000000;

/** Asks the kernel to SIGKILL this process when its parent dies. */
export function dieWithParent(): void {
  check("start", "prctl", sys().prctl(PR_SET_PDEATHSIG, BigInt(SIGKILL), 0n, 0n, 0n));
}

/** getppid(2). */
export function parentPid(): number {
  return sys().getppid();
}

/** pidfd_open(pid, 0): a descriptor for the process. */
export function pidfdOpen(op: string, pid: number): number {
  return check(op, "pidfd_open", sys().syscall(SYS_PIDFD_OPEN, BigInt(pid), 0n, 0n));
}

/** pidfd_getfd(pidfd, fd, 0): a copy, in this process, of the process's descriptor `fd` (close-on-exec). */
export function pidfdGetfd(op: string, pidfd: number, fd: number): number {
  return check(op, "pidfd_getfd", sys().syscall(SYS_PIDFD_GETFD, BigInt(pidfd), BigInt(fd), 0n));
}

/** close(2), its failure thrown. */
export function closeFd(op: string, fd: number): void {
  check(op, "close", sys().close(fd));
}

/** The inode number of an open descriptor (fstat's st_ino, at byte 8 on x86-64 and arm64). */
export function inodeOf(op: string, fd: number): number {
  const stat = new BigUint64Array(32);
  check(op, "fstat", sys().fstat(fd, stat));
  return Number(stat[1]);
}

/** getsockopt of an `int` option. */
export function intOption(op: string, fd: number, level: number, name: number): number {
  const value = new Int32Array(1);
  check(op, "getsockopt", sys().getsockopt(fd, level, name, value, new Uint32Array([4])));
  return value[0];
}

/** getsockopt into a buffer of `size` bytes: the bytes the kernel wrote. */
export function bytesOption(op: string, fd: number, level: number, name: number, size: number): Uint8Array {
  const value = new Uint8Array(size);
  const length = new Uint32Array([size]);
  check(op, "getsockopt", sys().getsockopt(fd, level, name, value, length));
  return value.subarray(0, length[0]);
}

/** ioctl(fd, request, &int): the int the kernel wrote. */
export function intIoctl(op: string, fd: number, request: number): number {
  const value = new Int32Array(1);
  check(op, "ioctl", sys().ioctl(fd, BigInt(request), value));
  return value[0];
}

function cPath(path: string): Uint8Array {
  return new TextEncoder().encode(`${path}\0`);
}

/** A whole file's text, read with open/read/close. */
export function readText(op: string, path: string): string {
  const lib = sys();
  const fd = check(op, "open", lib.open(cPath(path), O_RDONLY_CLOEXEC));
  const chunks: Uint8Array[] = [];
  try {
    const chunk = new Uint8Array(64 * 1024);
    for (let n = check(op, "read", lib.read(fd, chunk, BigInt(chunk.byteLength))); n > 0;) {
      chunks.push(chunk.slice(0, n));
      n = check(op, "read", lib.read(fd, chunk, BigInt(chunk.byteLength)));
    }
  } finally {
    lib.close(fd);
  }
  const decoder = new TextDecoder();
  return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
}

/** The target of a symbolic link (readlink), e.g. `socket:[1234]` for a descriptor in `/proc/<pid>/fd`. */
export function readLink(op: string, path: string): string {
  const target = new Uint8Array(4096);
  const n = check(op, "readlink", sys().readlink(cPath(path), target, BigInt(target.byteLength)));
  return new TextDecoder().decode(target.subarray(0, n));
}

/** The names in a directory, `.` and `..` left out (opendir/readdir; d_name is at byte 19 with glibc). */
export function listDir(op: string, path: string): string[] {
  const lib = sys();
  const dir = lib.opendir(cPath(path));
  if (dir === null) throw sysError(op, "opendir", errno());
  const names: string[] = [];
  try {
    for (;;) {
      errnoCell()[0] = 0; // readdir returns NULL both at the end and on failure
      const entry = lib.readdir(dir);
      if (entry === null) {
        const e = errno();
        if (e !== 0) throw sysError(op, "readdir", e);
        return names;
      }
      const name = new Deno.UnsafePointerView(entry).getCString(19);
      if (name !== "." && name !== "..") names.push(name);
    }
  } finally {
    lib.closedir(dir);
  }
}
