/**
 * `deno test` entry: the `deno` (Deno.connect/Deno.listen) and `deno-node`
 * (node:net on Deno) columns.
 *
 * Deno's own op and resource sanitizers are off: the runner checks for
 * leaked sockets itself, the same way on every runtime.
 *
 * @module
 */
import { registerColumn } from "../_register.ts";
import { host } from "./host.ts";

for (const column of ["deno", "deno-node"]) {
  await registerColumn(column, host, (t) =>
    Deno.test({
      name: t.skip ? `${t.name} (${t.skip})` : t.name,
      ignore: t.skip !== undefined,
      sanitizeOps: false,
      sanitizeResources: false,
      fn: t.fn,
    }));
}
