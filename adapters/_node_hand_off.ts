/**
 * The node:net adapter's `handOff`, parent side: `child_process.fork` of
 * `_node_child.ts` (the same adapter, in the same runtime), and
 * `child.send(request, socket or server, { keepOpen: true })` over node's
 * IPC channel.
 *
 * `keepOpen: true`: without it node closes the sender's copy of a socket
 * itself once it is sent, so the parent's close would be node's, not the
 * case's. With it the parent keeps its descriptor until it closes it, as a
 * forking server's parent does (UNP 4.8). A server is never closed by
 * sending; `keepOpen` is not read for it.
 *
 * The child gets a small environment of its own (`env`): Deno's
 * node:child_process reads the whole environment otherwise, which the
 * column's narrow env permission refuses.
 *
 * @module
 */
import { type ChildProcess as NodeChildProcess, fork, type ForkOptions } from "node:child_process";
import type net from "node:net";
import type { ChildProcess } from "../core/adapter.ts";
import { ApiMissingError, toSocketError } from "../core/errors.ts";
import { type ChildLink, type HandleOf, startChild } from "../core/hand_off.ts";
import { forkTarget } from "../core/load_module.ts";

const CHILD_MODULE = new URL("./_node_child.ts", import.meta.url);
const CHILD_ENV = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
const STDERR_TAIL = 2000;

/** Resolves once `child` has exited, its stderr has ended and its channel is closed: how it ended. */
function exitOf(child: NodeChildProcess): Promise<string> {
  let stderr = "";
  // The child process's own diagnostics, not a socket: its tail goes into the exit report.
  child.stderr?.on("data", (chunk) => stderr = (stderr + String(chunk)).slice(-STDERR_TAIL));
  const stderrEnded = new Promise<void>((resolve) => child.stderr ? child.stderr.once("close", resolve) : resolve());
  const exit = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`));
    // A child that could not be started at all has no exit.
    child.once("error", (err) => child.pid === undefined && resolve(`could not start: ${err.message}`));
  });
  const disconnected = new Promise<void>((resolve) => child.connected ? child.once("disconnect", resolve) : resolve());
  return exit.then(async (how) => {
    await Promise.all([stderrEnded, child.pid === undefined ? undefined : disconnected]);
    return stderr.trim() ? `${how}: ${stderr.trim()}` : how;
  });
}

/** The IPC channel to a forked child as the hand-off kit's link. */
function linkTo(child: NodeChildProcess): ChildLink {
  return {
    pid: child.pid ?? 0,
    post(request, handle) {
      return new Promise((resolve, reject) => {
        try {
          child.send(request, handle as net.Socket | net.Server | undefined, { keepOpen: true }, (err) => {
            if (err) reject(toSocketError("send", err));
            else resolve();
          });
        } catch (err) {
          reject(toSocketError("send", err));
        }
      });
    },
    onMessage(receive) {
      child.on("message", receive);
    },
    exited: exitOf(child),
    kill() {
      child.kill("SIGKILL");
    },
  };
}

/**
 * Forks a child running the node:net adapter (`_node_child.ts`) in this
 * runtime and resolves once it is ready. Node's `execArgv` goes with it
 * (its TypeScript loader, under Node), or the child runs from its own
 * bundle where this process runs from one (core/load_module.ts).
 *
 * @example
 * ```ts
 * import type { HandleOf } from "../core/hand_off.ts";
 * import { spawnNodeChild } from "./_node_hand_off.ts";
 * declare const handles: HandleOf;
 * const child = await spawnNodeChild(handles);
 * await child.close();
 * ```
 */
export async function spawnNodeChild(handles: HandleOf): Promise<ChildProcess> {
  if (typeof fork !== "function") throw new ApiMissingError("child_process.fork");
  const { modulePath, execArgv } = await forkTarget(CHILD_MODULE);
  let child: NodeChildProcess;
  try {
    const options: ForkOptions = { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "json", env: CHILD_ENV };
    child = fork(modulePath, [], execArgv ? { ...options, execArgv } : options);
  } catch (err) {
    throw toSocketError("spawnChild", err);
  }
  if (typeof child.send !== "function") {
    child.kill("SIGKILL");
    throw new ApiMissingError("ChildProcess.prototype.send");
  }
  return startChild(linkTo(child), handles);
}
