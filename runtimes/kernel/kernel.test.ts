/**
 * `deno test` entry for the `kernel` reference column (libc via Deno FFI).
 * Run with its own permission set, the only one with FFI:
 * `deno test -P=kernel runtimes/kernel/`.
 *
 * @module
 */
import { registerColumn } from "../_register.ts";
import { defineDenoTest } from "../deno/_define.ts";
import { host } from "../deno/host.ts";

await registerColumn("kernel", host, defineDenoTest);
