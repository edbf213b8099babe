/**
 * A column process stand-in for the peer's lifetime tests: starts a peer,
 * prints `{"peer":<pid>,"parent":<pid>}` once it runs, then, by its one
 * argument, stays (`stay`: until killed, at most 60 s), or returns without
 * closing the peer (`return`), or closes it and returns (`close`).
 *
 * @module
 */
import process from "node:process";
import { startPeer } from "../mod.ts";

const mode = process.argv[process.argv.length - 1];
if (!["stay", "return", "close"].includes(mode)) {
  console.error(`usage: parent.ts stay|return|close; got ${mode}`);
  process.exit(2);
}
const peer = startPeer();
const ready = await peer.ready();
console.log(JSON.stringify({ peer: ready.pid, parent: process.pid, startMs: ready.startMs }));
// Bounds the stand-in's life should the test that kills it fail first.
if (mode === "stay") setTimeout(() => process.exit(3), 60_000);
if (mode === "close") await peer.close();
