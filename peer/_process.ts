/**
 * The peer process seen from the column process: started with
 * `node:child_process` (on Node, Deno and Bun alike), requests written as
 * lines to its stdin, responses matched to them by id, and its life tied
 * to the column's (it exits when its stdin ends; the kernel kills it when
 * the column dies).
 *
 * While nothing is pending the child and its pipes are unreferenced, so an
 * idle peer never keeps a column process alive; the column ending closes
 * the peer's stdin, and the peer exits.
 *
 * @module
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  fromWireError,
  type Op,
  type Operations,
  type PeerChannel,
  type Ready,
  type Response,
  UnavailableError,
} from "./_protocol.ts";
import type { PeerReady } from "../core/peer.ts";

export type { PeerReady };

/** How to start the peer. */
export interface PeerOptions {
  /**
   * The Deno binary. Default: `node_modules/.bin/deno` in the package's
   * folder or the nearest folder above it that has one, else `deno` on PATH.
   */
  deno?: string;
  /** How long the peer may take to start before it is given up (ms); 10000 by default. */
  startTimeoutMs?: number;
}


const DEFAULT_START_TIMEOUT_MS = 10_000;
/** How long close() lets the peer exit on its own before it is killed. */
const EXIT_GRACE_MS = 2000;
const STDERR_TAIL = 4000;

/**
 * The Deno binary next to the package (node_modules/.bin, searched upwards),
 * else `deno` on PATH. A folder this process may not read (Deno's
 * permissions name the places a column may look) is passed over.
 */
export function defaultDeno(): string {
  let dir = fileURLToPath(new URL("..", import.meta.url));
  for (let depth = 0; depth < 64; depth++) {
    const candidate = join(dir, "node_modules", ".bin", "deno");
    if (readable(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return "deno";
}

/** Whether `path` exists and may be read here. */
function readable(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false; // Deno: no permission to look there
  }
}

/** The arguments that start the peer: FFI and nothing else (it reads `/proc` through libc). */
export function peerArgs(parent: number): string[] {
  const main = fileURLToPath(new URL("./main.ts", import.meta.url));
  return [
    "run",
    "--no-config",
    "--no-remote",
    "--no-npm",
    "--no-prompt",
    "--quiet",
    "--allow-ffi",
    main,
    `--parent=${parent}`,
  ];
}

/**
 * The peer's environment: only what Deno needs to find its cache (so the
 * peer's code is not compiled again on every start), never the column's
 * whole environment, so a Deno column process needs `--allow-env` for these
 * names alone.
 */
function peerEnv(): Record<string, string> {
  const env: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type Refable = { ref?(): void; unref?(): void };

/** One peer process and its requests. */
export class PeerProcess implements PeerChannel {
  /** Settles once the peer runs; rejects with an {@linkcode UnavailableError} when it cannot start. */
  readonly ready: Promise<PeerReady>;
  #child: ChildProcess | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #started = false;
  #ended?: Error;
  #stderr = "";
  #exited: Promise<void>;
  #closing?: Promise<void>;

  constructor(options: PeerOptions = {}) {
    const began = performance.now();
    let deno = options.deno ?? "deno";
    let child: ChildProcess | undefined;
    try {
      deno = options.deno ?? defaultDeno();
      child = spawn(deno, peerArgs(process.pid), { stdio: ["pipe", "pipe", "pipe"], env: peerEnv() });
    } catch (err) {
      // Deno refuses the spawn itself where its permissions do not name the binary.
      this.#ended = new UnavailableError(`the reference peer did not start: cannot start ${deno}: ${(err as Error).message}`);
    }
    this.#child = child;
    if (!child) {
      this.#exited = Promise.resolve();
      this.ready = Promise.reject(this.#ended);
      this.ready.catch(() => {});
      return;
    }
    child.stdin!.on("error", () => {}); // the peer is gone: its exit says why
    child.stderr!.on("data", (chunk) => this.#stderr = (this.#stderr + String(chunk)).slice(-STDERR_TAIL));
    let readyLine!: (ready: Ready["ready"]) => void;
    const firstLine = new Promise<Ready["ready"]>((resolve) => readyLine = resolve);
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on("line", (line) => {
      if (this.#started) this.#answer(line);
      else {
        this.#started = true;
        readyLine((JSON.parse(line) as Ready).ready);
      }
    });
    this.#exited = new Promise((resolve) => {
      child.on("error", (err) => this.#end(`cannot start ${deno}: ${err.message}`, resolve));
      child.on("close", (code, signal) => this.#end(`exited (code ${code}, signal ${signal})`, resolve));
    });
    this.ready = this.#whenReady(firstLine, began, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    this.ready.catch(() => {}); // a peer nobody asks for may fail unseen; every request still sees the failure
  }

  /** The child's process id (undefined when it could not be started). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async #whenReady(firstLine: Promise<Ready["ready"]>, began: number, limitMs: number): Promise<PeerReady> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A bound on the start, not a wait for something: cleared as soon as the peer answers.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#child?.kill("SIGKILL");
        reject(new UnavailableError(`the reference peer did not start within ${limitMs} ms`));
      }, limitMs);
    });
    const gone = this.#exited.then(() => {
      throw this.#ended;
    });
    gone.catch(() => {}); // settles after a successful start too, when the peer ends
    try {
      const ready = await Promise.race([firstLine, late, gone]);
      return { ...ready, startMs: performance.now() - began };
    } finally {
      clearTimeout(timer);
      this.#reference();
    }
  }

  #end(how: string, resolve: () => void): void {
    const tail = this.#stderr.trim() ? `: ${this.#stderr.trim()}` : "";
    this.#ended ??= this.#closing
      ? new Error(`the reference peer was closed (it ${how})`)
      : this.#started
      ? new Error(`the reference peer ${how}${tail}`)
      : new UnavailableError(`the reference peer did not start: ${how}${tail}`);
    for (const pending of this.#pending.values()) pending.reject(this.#ended);
    this.#pending.clear();
    resolve();
  }

  #answer(line: string): void {
    const response = JSON.parse(line) as Response;
    const pending = this.#pending.get(response.id);
    if (!pending) return;
    this.#pending.delete(response.id);
    this.#reference();
    if ("error" in response) pending.reject(fromWireError(response.error));
    else pending.resolve(response.result);
  }

  /** Keeps the column process alive only while an answer is awaited or the peer is starting. */
  #reference(): void {
    // A child that never ran has nothing to hold (Deno's ref() of one throws).
    if (this.#child?.pid === undefined || this.#ended) return;
    const busy = this.#pending.size > 0 || !this.#started;
    for (const target of [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr] as Refable[]) {
      if (busy) target?.ref?.();
      else target?.unref?.();
    }
  }

  /** Sends a request; its id (to cancel it) and its answer. */
  request<K extends Op>(op: K, args: Operations[K]["args"]): { id: number; result: Promise<Operations[K]["result"]> } {
    const id = this.#nextId++;
    if (this.#ended || this.#closing) {
      return { id, result: Promise.reject(this.#closing ? new Error("the reference peer was closed") : this.#ended) };
    }
    const result = new Promise<Operations[K]["result"]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.#reference();
    this.#child!.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    return { id, result };
  }

  /** Sends a request and awaits its answer. */
  call<K extends Op>(op: K, args: Operations[K]["args"]): Promise<Operations[K]["result"]> {
    return this.request(op, args).result;
  }

  /**
   * Ends the peer: closes its stdin and resolves once it has exited; killed
   * if it has not exited within a grace period. Idempotent.
   */
  close(): Promise<void> {
    return this.#closing ??= (async () => {
      this.#child?.stdin!.end();
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A bound on the exit, cleared once the peer is gone.
      const grace = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), EXIT_GRACE_MS));
      if (await Promise.race([this.#exited, grace]) === "late") {
        this.#child?.kill("SIGKILL");
        await this.#exited;
      }
      clearTimeout(timer);
    })();
  }
}
