/**
 * `node --test` entry: the `node` column (node:net on Node).
 *
 * @module
 */
import { test } from "node:test";
import { registerColumn } from "../_register.ts";
import { host } from "./host.ts";

await registerColumn("node", host, (t) => test(t.name, { skip: t.skip, timeout: t.timeoutMs }, t.fn));
