/**
 * `deno test` entry: the `deno` (Deno.connect/Deno.listen/Deno.listenDatagram)
 * and `deno-node` (node:net and node:dgram on Deno) columns.
 *
 * @module
 */
import { registerColumn } from "../_register.ts";
import { defineDenoTest } from "./_define.ts";
import { host } from "./host.ts";

for (const column of ["deno", "deno-node"]) await registerColumn(column, host, defineDenoTest);
