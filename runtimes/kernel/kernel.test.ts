/**
 * `deno test` entry for the `kernel` reference column (libc via Deno FFI).
 * Run with its own permission set, the only one with FFI:
 * `deno test -P=kernel runtimes/kernel/`.
 *
 * @module
 */
import { registerColumn } from "../_register.ts";
import { host } from "../deno/host.ts";

await registerColumn("kernel", host, (t) =>
  Deno.test({
    name: t.skip ? `${t.name} (${t.skip})` : t.name,
    ignore: t.skip !== undefined,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: t.fn,
  }));
