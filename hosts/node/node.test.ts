/**
 * `node --test` entry: the columns Node runs, `node` (node:net on Node).
 *
 * @module
 */
import { test } from "node:test";
import { registerColumns } from "../../harness/register.ts";
import { host } from "./host.ts";

await registerColumns(host, { define: (t) => test(t.name, { skip: t.skip, timeout: t.timeoutMs }, t.fn) });
