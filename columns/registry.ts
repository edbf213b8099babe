/**
 * The columns: a column is one adapter (one socket API) on one host (one
 * runtime), with the platforms it runs on and its expectations file,
 * `columns/<id>.json`. The `node:net` adapter serves three columns, one per
 * runtime that offers `node:net`. Adding a column is one entry here plus its
 * expectations file. The `workerd` column runs the WinterTC adapter inside
 * workerd; its host descriptor starts a column process of its own that
 * forwards each case to the worker (hosts/workerd.ts).
 *
 * @module
 */
import type { Adapter } from "../core/adapter.ts";
import { importModule } from "../core/load_module.ts";
import { BUN } from "../hosts/bun.ts";
import { DENO } from "../hosts/deno.ts";
import type { HostDescriptor, HostNeed } from "../hosts/descriptor.ts";
import { NODE } from "../hosts/node.ts";
import { WORKERD } from "../hosts/workerd.ts";

/** An adapter module, as the registry knows it without loading it. */
export interface AdapterEntry {
  /**
   * The module exporting `adapter`. Loaded only inside a column's runtime,
   * and by URL, so that type checkers of one runtime do not follow it into
   * another runtime's globals.
   */
  module: URL;
  /** The socket API, as people call it. */
  api: string;
  /** What the adapter needs from its host beyond what every column gets. */
  needs?: readonly HostNeed[];
  /** The platforms (`process.platform`) the adapter works on; every one when absent. */
  platforms?: readonly string[];
  /**
   * The kernel reference: its column's version is the kernel's release,
   * and reports show it first.
   */
  reference?: true;
}

/** One column of the matrix. */
export interface Column {
  id: string;
  adapter: AdapterEntry;
  host: HostDescriptor;
  /** The column's expectations file. */
  expectations: URL;
}

/** Every adapter a column uses. */
const ADAPTERS = {
  libc: {
    module: new URL("../adapters/libc.ts", import.meta.url),
    api: "libc socket calls (via Deno FFI)",
    needs: ["ffi"],
    // Its constants and struct layouts are Linux/glibc's.
    platforms: ["linux"],
    reference: true,
  },
  deno: { module: new URL("../adapters/deno.ts", import.meta.url), api: "Deno.connect/Deno.listen/Deno.listenDatagram" },
  bun: { module: new URL("../adapters/bun.ts", import.meta.url), api: "Bun.connect/Bun.listen/Bun.udpSocket" },
  node: { module: new URL("../adapters/node.ts", import.meta.url), api: "node:net/node:dgram" },
  // Loaded by workerd's worker (bundled), never by a column process: it imports `cloudflare:sockets`.
  wintertc: { module: new URL("../adapters/wintertc.ts", import.meta.url), api: "WinterTC connect() (cloudflare:sockets)" },
} as const satisfies Record<string, AdapterEntry>;

function column(id: string, adapter: AdapterEntry, host: HostDescriptor): Column {
  return { id, adapter, host, expectations: new URL(`./${id}.json`, import.meta.url) };
}

/** Every column, in display order: the kernel reference first. */
export const COLUMNS: readonly Column[] = [
  column("kernel", ADAPTERS.libc, DENO),
  column("deno", ADAPTERS.deno, DENO),
  column("bun", ADAPTERS.bun, BUN),
  column("node", ADAPTERS.node, NODE),
  column("deno-node", ADAPTERS.node, DENO),
  column("bun-node", ADAPTERS.node, BUN),
  column("workerd", ADAPTERS.wintertc, WORKERD),
];

/** The hosts the columns run on, each once, in the columns' order. */
export const HOSTS: readonly HostDescriptor[] = [...new Set(COLUMNS.map((c) => c.host))];

/**
 * The column with this id, or `undefined`.
 *
 * @example
 * ```ts
 * import { findColumn } from "./registry.ts";
 * console.log(findColumn("deno-node")?.host.name); // deno
 * ```
 */
export function findColumn(id: string): Column | undefined {
  return COLUMNS.find((c) => c.id === id);
}

/** Loads a column's adapter; call it only inside the column's runtime. */
export async function loadAdapter(column: Column): Promise<Adapter> {
  const module = await importModule(column.adapter.module) as { adapter: Adapter };
  return module.adapter;
}
