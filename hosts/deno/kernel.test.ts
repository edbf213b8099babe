/**
 * `deno test -P=kernel hosts/deno/kernel.test.ts`: the columns whose adapter
 * needs FFI, the `kernel` reference column (libc via Deno FFI). Its
 * permission set is the only one with FFI.
 *
 * @module
 */
import { registerColumns } from "../../harness/register.ts";
import { defineDenoTest } from "./_define.ts";
import { host } from "./host.ts";

await registerColumns(host, { define: defineDenoTest, needs: ["ffi"] });
