/**
 * The Deno host. Columns run under `deno run` with a named permission set of
 * deno.json, the same sets `deno test -P` uses, so there is one list to keep
 * narrow: `columns` for every Deno column, `kernel` (the same plus FFI) for a
 * column whose adapter needs native code.
 *
 * One grant is added on the command line: `--allow-run` for Deno's own
 * binary (a column may start its runtime again, as the child a socket is
 * handed to), beside the set's own `run` list. A set in deno.json cannot
 * name the binary, whose place differs between machines, and a
 * `--allow-run` flag replaces the set's list rather than adding to it, so
 * the flag carries both.
 *
 * @module
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { type HostDescriptor, installedBinary, PACKAGE_ROOT } from "./descriptor.ts";
import { findRuntime } from "./find_runtime.ts";

/** The `run` list of a permission set of deno.json. */
function runList(set: string): string[] {
  const config = JSON.parse(readFileSync(join(PACKAGE_ROOT, "deno.json"), "utf8"));
  return config.permissions?.[set]?.run ?? [];
}

/**
 * The binary's real path (Deno compares `--allow-run` paths with the
 * executable's own), or `undefined` where it cannot be told: not found, or
 * the process starting it may not look (a Deno without env or read access).
 */
function realBinary(binary: string): string | undefined {
  try {
    const candidates = binary.includes("/") ? [binary] : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, binary));
    const found = candidates.find((path) => existsSync(path));
    return found === undefined ? undefined : realpathSync(found);
  } catch {
    return undefined;
  }
}

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
    const self = realBinary(binary);
    const run = [...runList(permissions), ...(self ? [self] : [])];
    const grants = [`-P=${permissions}`, ...(self ? [`--allow-run=${run.join(",")}`] : [])];
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
        ...grants,
        join(PACKAGE_ROOT, entry),
        ...args,
      ],
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    };
  },
  hostModule: new URL("./deno/host.ts", import.meta.url),
  // `deno test -P` (deno.json's test.include), and `deno test -P=kernel` for the columns that need FFI.
  testEntry: ["hosts/deno/deno.test.ts", "hosts/deno/kernel.test.ts"],
  lookedIn: "node_modules/.bin or on the PATH",
  takesVersions: true,
  benches: true,
};
