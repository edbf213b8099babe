/**
 * The peer lives exactly as long as its column process: a stand-in column
 * process (testdata/parent.ts) starts one, and is killed or ends; the peer
 * must be gone, within a bound.
 *
 * Run: `node --import tsx --test peer/lifetime_test.ts`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import process from "node:process";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { startPeer, UnavailableError } from "./mod.ts";

const PARENT = new URL("./testdata/parent.ts", import.meta.url).pathname;
/** How long a dead parent's peer may take to be gone. */
const GONE_WITHIN_MS = 3000;

/** A process's state letter from /proc, or `gone`; a zombie (`Z`) has ended and only waits to be reaped. */
function state(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
  } catch {
    return "gone";
  }
}

/**
 * Waits until `pid` has ended, at most {@linkcode GONE_WITHIN_MS}: a process
 * that is not this one's child announces its end to nobody here, so /proc is
 * looked at every 10 ms. Returns whether it ended.
 */
async function ended(pid: number): Promise<boolean> {
  const deadline = performance.now() + GONE_WITHIN_MS;
  while (!["gone", "Z"].includes(state(pid))) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Starts the stand-in column process; resolves with it and its peer's pid once the peer runs. */
async function startParent(mode: "stay" | "return" | "close") {
  const parent = spawn(process.execPath, ["--import", "tsx", PARENT, mode], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(parent, "exit");
  const [line] = await once(createInterface({ input: parent.stdout }), "line") as [string];
  const { peer } = JSON.parse(line) as { peer: number };
  assert.equal(state(peer) === "gone", false, "the peer runs");
  return { parent, peer, exited };
}

/** Kills a leftover peer, should a test fail with it alive. */
function killLeftover(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone, as it should be
  }
}

test("the peer is gone soon after its column process is SIGKILLed", async () => {
  const { parent, peer, exited } = await startParent("stay");
  try {
    parent.kill("SIGKILL");
    await exited;
    assert.ok(await ended(peer), `peer ${peer} still ${state(peer)} ${GONE_WITHIN_MS} ms after its parent died`);
  } finally {
    killLeftover(peer);
  }
});

test("the kernel kills the peer when its column process dies, even while the peer cannot read (parent-death signal)", async () => {
  const { parent, peer, exited } = await startParent("stay");
  try {
    // Stopped, the peer cannot see its stdin end: only the parent-death SIGKILL can end it.
    process.kill(peer, "SIGSTOP");
    parent.kill("SIGKILL");
    await exited;
    assert.ok(await ended(peer), `peer ${peer} still ${state(peer)} ${GONE_WITHIN_MS} ms after its parent died`);
  } finally {
    killLeftover(peer);
  }
});

test("a column process that ends without closing its peer ends on its own and leaves no peer behind", async () => {
  const { peer, exited } = await startParent("return");
  try {
    const [code] = await exited;
    assert.equal(code, 0, "an idle peer does not keep its column process alive");
    assert.ok(await ended(peer), `peer ${peer} still ${state(peer)} after its parent ended`);
  } finally {
    killLeftover(peer);
  }
});

test("close() resolves once the peer process has exited", async () => {
  const peer = startPeer();
  const { pid } = await peer.ready();
  await peer.close();
  assert.ok(["gone", "Z"].includes(state(pid)), `peer ${pid} is ${state(pid)} after close()`);
  await assert.rejects(peer.tcp.listen({ hostname: "127.0.0.1", port: 0 }), /closed/);
});

test("a peer that cannot start says why, as unavailable, on ready() and on every operation", async () => {
  const peer = startPeer({ deno: "/nonexistent/deno" });
  try {
    await assert.rejects(peer.ready(), (err: unknown) => {
      assert.ok(err instanceof UnavailableError);
      assert.match(
        err.message,
        /^unavailable: the reference peer did not start: cannot start \/nonexistent\/deno: .*ENOENT/,
      );
      return true;
    });
    await assert.rejects(peer.tcp.listen({ hostname: "127.0.0.1", port: 0 }), UnavailableError);
  } finally {
    await peer.close();
  }
});
