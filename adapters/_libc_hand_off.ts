/**
 * The libc adapter's `handOff`, parent side. The child is Deno again
 * (`Deno.execPath()`, started with `Deno.Command` and `--allow-ffi` alone)
 * running `_libc_child.ts`, the libc adapter itself. The channel is a Unix
 * SOCK_SEQPACKET socket pair: the child's end is the one descriptor it
 * inherits (its close-on-exec flag is cleared for the spawn, and the
 * parent closes its copy right after), and a socket handed over travels
 * as SCM_RIGHTS beside the request (UNP 15.7). Running its own binary needs
 * Deno's `--allow-run` for it (the `childProcess` fixture).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "../core/adapter.ts";
import { toSocketError } from "../core/errors.ts";
import { type ChildLink, type HandleOf, startChild } from "../core/hand_off.ts";
import { Channel } from "./_libc_channel.ts";
import { check, F_SETFD, libc, seqpacketPair } from "./_libc.ts";

const CHILD_SCRIPT = fileURLToPath(new URL("./_libc_child.ts", import.meta.url));
const STDERR_TAIL = 2000;

/** Reads `stream` to its end; the last {@linkcode STDERR_TAIL} characters. */
async function tail(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text = (text + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL);
  return text.trim();
}

/** Starts the child with `theirs` as its inherited end; the parent's copy of `theirs` is closed whatever happens. */
function spawnWith(theirs: number): Deno.ChildProcess {
  const lib = libc("spawnChild");
  try {
    check("spawnChild", "fcntl", lib.fcntl(theirs, F_SETFD, 0));
    return new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--no-remote", "--no-npm", "--no-prompt", "--quiet", "--allow-ffi", CHILD_SCRIPT, String(theirs)],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } finally {
    lib.close(theirs);
  }
}

/** The channel and the child process as the hand-off kit's link. */
function linkTo(child: Deno.ChildProcess, channel: Channel): ChildLink {
  const exited = Promise.all([child.status, tail(child.stderr)]).then(async ([status, stderr]) => {
    await channel.close();
    const how = `exited (${status.signal ?? `code ${status.code}`})`;
    return stderr ? `${how}: ${stderr}` : how;
  });
  return {
    pid: child.pid,
    post: (request, handle) => channel.post(request, handle as number | undefined),
    onMessage(receive) {
      channel.receive(receive).catch(() => {});
    },
    exited,
    kill() {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
    },
  };
}

/**
 * Starts a Deno child running the libc adapter and resolves once it is
 * ready.
 *
 * @example
 * ```ts
 * import type { HandleOf } from "../core/hand_off.ts";
 * import { spawnKernelChild } from "./_libc_hand_off.ts";
 * declare const handles: HandleOf;
 * const child = await spawnKernelChild(handles);
 * await child.close();
 * ```
 */
export async function spawnKernelChild(handles: HandleOf): Promise<ChildProcess> {
  const [mine, theirs] = seqpacketPair("spawnChild");
  const channel = new Channel(mine);
  let child: Deno.ChildProcess;
  try {
    child = spawnWith(theirs);
  } catch (err) {
    await channel.close();
    throw toSocketError("spawnChild", err);
  }
  return await startChild(linkTo(child, channel), handles);
}
