/**
 * The columns: one socket API on one runtime each. The `node:net` adapter
 * serves three columns, one per runtime that offers `node:net`.
 *
 * @module
 */
import type { Adapter } from "../core/adapter.ts";

/** A runtime the columns run on. */
export type RuntimeName = "deno" | "bun" | "node";

/** One column of the matrix. */
export interface Column {
  id: string;
  /** The runtime whose process runs the column. */
  runtime: RuntimeName;
  /** The socket API, as people call it. */
  api: string;
  /**
   * The adapter module, exporting `adapter`. Loaded only inside the
   * column's runtime, and by URL so that type checkers of one runtime do not
   * follow it into another runtime's globals.
   */
  adapterModule: URL;
  /** The column's expectations file. */
  expectations: URL;
  /** Deno's permission set in deno.json for this column (Deno columns only); `columns` by default. */
  denoPermissions?: string;
  /**
   * What the column's version names: the runtime's (default), or the
   * kernel's release for the reference column, whose runtime only carries it.
   */
  version?: "runtime" | "kernel";
  /** The platforms (`process.platform`) the column can run on; every one when absent. */
  platforms?: readonly string[];
}

const nodeNet = new URL("../adapters/node.ts", import.meta.url);

/** Every column, in display order: the kernel reference first. */
export const COLUMNS: readonly Column[] = [
  {
    id: "kernel",
    runtime: "deno",
    api: "libc socket calls (via Deno FFI)",
    adapterModule: new URL("../adapters/libc.ts", import.meta.url),
    expectations: new URL("./kernel/expectations/kernel.json", import.meta.url),
    denoPermissions: "kernel",
    version: "kernel",
    // The adapter's constants and struct layouts are Linux/glibc's.
    platforms: ["linux"],
  },
  {
    id: "deno",
    runtime: "deno",
    api: "Deno.connect/Deno.listen/Deno.listenDatagram",
    adapterModule: new URL("../adapters/deno.ts", import.meta.url),
    expectations: new URL("./deno/expectations/deno.json", import.meta.url),
  },
  {
    id: "bun",
    runtime: "bun",
    api: "Bun.connect/Bun.listen/Bun.udpSocket",
    adapterModule: new URL("../adapters/bun.ts", import.meta.url),
    expectations: new URL("./bun/expectations/bun.json", import.meta.url),
  },
  {
    id: "node",
    runtime: "node",
    api: "node:net/node:dgram",
    adapterModule: nodeNet,
    expectations: new URL("./node/expectations/node.json", import.meta.url),
  },
  {
    id: "deno-node",
    runtime: "deno",
    api: "node:net/node:dgram",
    adapterModule: nodeNet,
    expectations: new URL("./deno/expectations/deno-node.json", import.meta.url),
  },
  {
    id: "bun-node",
    runtime: "bun",
    api: "node:net/node:dgram",
    adapterModule: nodeNet,
    expectations: new URL("./bun/expectations/bun-node.json", import.meta.url),
  },
];

/** Loads a column's adapter; call it only inside the column's runtime. */
export async function loadAdapter(column: Column): Promise<Adapter> {
  const module = await import(column.adapterModule.href);
  return module.adapter as Adapter;
}

/** The column with this id, or `undefined`. */
export function findColumn(id: string): Column | undefined {
  return COLUMNS.find((c) => c.id === id);
}
