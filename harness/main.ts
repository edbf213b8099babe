/**
 * The column process: `<runtime> harness/main.ts --column ID [--filter GLOBS]
 * [--cases FILE] [--expectations FILE] [--concurrent] [--lab-unavailable
 * REASON] [--peer]`, started by the parent with the arguments protocol.ts's
 * `columnArgs` builds; column_main.ts does the work.
 *
 * `--peer` (the parent's word that a case of this process runs against the
 * reference peer) starts the peer first of all, before the column's own
 * modules load (the most of a Node column's start, through tsx), so that
 * its start overlaps them; it is the process's child, so in its namespace,
 * and it ends with the process (harness/peer.ts).
 *
 * @module
 */
import process from "node:process";
import { startEarlyPeer } from "./peer.ts";

const early = startEarlyPeer(process.argv.slice(2));
const { columnMain } = await import("./column_main.ts");
await columnMain(process.argv.slice(2), early);
