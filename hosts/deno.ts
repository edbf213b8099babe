/**
 * The Deno host. Columns run under `deno run` with a named permission set of
 * deno.json, the same sets `deno test -P` uses, so there is one list to keep
 * narrow: `columns` for every Deno column, `kernel` (the same plus FFI) for a
 * column whose adapter needs native code.
 *
 * @module
 */
import { join } from "node:path";
import { type HostDescriptor, installedBinary, PACKAGE_ROOT } from "./descriptor.ts";
import { findRuntime } from "./find_runtime.ts";

/**
 * Deno, as sockcheck starts it.
 *
 * @example
 * ```ts
 * import { DENO } from "./deno.ts";
 * const { program, args } = DENO.command("deno", "harness/main.ts", { args: ["--column", "deno"] });
 * console.log(program, args.join(" ")); // deno run --quiet --no-prompt --config .../deno.json -P=columns ...
 * ```
 */
export const DENO: HostDescriptor = {
  name: "deno",
  find: (explicit, options) => findRuntime("deno", { ...options, explicit }),
  installed: () => installedBinary("deno"),
  command(binary, entry, { args, needs = [] }) {
    const permissions = needs.includes("ffi") ? "kernel" : "columns";
    const config = join(PACKAGE_ROOT, "deno.json");
    return {
      program: binary,
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--config",
        config,
        // Installed from npm, the package sits in node_modules, whose TypeScript Deno refuses to run
        // (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING) unless it is told node_modules is not its own.
        "--node-modules-dir=none",
        `-P=${permissions}`,
        join(PACKAGE_ROOT, entry),
        ...args,
      ],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    };
  },
  hostModule: new URL("./deno/host.ts", import.meta.url),
  // `deno test -P` (deno.json's test.include), and `deno test -P=kernel` for the columns that need FFI.
  testEntry: ["hosts/deno/deno.test.ts", "hosts/deno/kernel.test.ts"],
};
