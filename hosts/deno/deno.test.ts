/**
 * `deno test -P` entry: the columns Deno runs with the `columns` permission
 * set, `deno` (Deno.connect/Deno.listen/Deno.listenDatagram) and
 * `deno-node` (node:net and node:dgram on Deno).
 *
 * @module
 */
import { registerColumns } from "../../harness/register.ts";
import { defineDenoTest } from "./_define.ts";
import { host } from "./host.ts";

await registerColumns(host, { define: defineDenoTest });
