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
  /** Loads the adapter (inside the column's runtime). */
  loadAdapter(): Promise<Adapter>;
  /** The column's expectations file. */
  expectations: URL;
}

const nodeNet = async () => (await import("./node/adapter.ts")).adapter;

/** Every column, in display order. */
export const COLUMNS: readonly Column[] = [
  {
    id: "deno",
    runtime: "deno",
    api: "Deno.connect/Deno.listen",
    loadAdapter: async () => (await import("./deno/adapter.ts")).adapter,
    expectations: new URL("./deno/expectations/deno.json", import.meta.url),
  },
  {
    id: "bun",
    runtime: "bun",
    api: "Bun.connect/Bun.listen",
    loadAdapter: async () => (await import("./bun/adapter.ts")).adapter,
    expectations: new URL("./bun/expectations/bun.json", import.meta.url),
  },
  {
    id: "node",
    runtime: "node",
    api: "node:net",
    loadAdapter: nodeNet,
    expectations: new URL("./node/expectations/node.json", import.meta.url),
  },
  {
    id: "deno-node",
    runtime: "deno",
    api: "node:net",
    loadAdapter: nodeNet,
    expectations: new URL("./deno/expectations/deno-node.json", import.meta.url),
  },
  {
    id: "bun-node",
    runtime: "bun",
    api: "node:net",
    loadAdapter: nodeNet,
    expectations: new URL("./bun/expectations/bun-node.json", import.meta.url),
  },
];

/** The column with this id, or `undefined`. */
export function findColumn(id: string): Column | undefined {
  return COLUMNS.find((c) => c.id === id);
}
