/**
 * How a column process is started: which binary, which flags, which entry.
 * Deno's permissions come from the `columns` permission set in deno.json,
 * the same set `deno test -P` uses, so there is one list to keep narrow.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Column, RuntimeName } from "./columns.ts";

/** The package's root folder. */
export const PACKAGE_ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** The runtime binaries to run columns with. */
export type Binaries = Record<RuntimeName, string>;

/** Finds `name` in the nearest `node_modules/.bin` at or above the package. */
function installedBinary(name: string): string | undefined {
  for (let dir = PACKAGE_ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", ".bin", name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The binaries `npm ci` installed (Deno, Bun) and the `node` on PATH. */
export function defaultBinaries(): Binaries {
  return {
    deno: installedBinary("deno") ?? "deno",
    bun: installedBinary("bun") ?? "bun",
    node: "node",
  };
}

/** A command line: program, arguments, and extra environment. */
export interface Command {
  program: string;
  args: string[];
  env: Record<string, string>;
}

const tsxLoader = (): string => pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * The command that runs `entry` (a file under the package) on `runtime`;
 * on Deno with the named permission set of deno.json.
 */
export function runtimeCommand(
  runtime: RuntimeName,
  binaries: Binaries,
  entry: string,
  args: string[],
  denoPermissions = "columns",
): Command {
  const file = join(PACKAGE_ROOT, entry);
  const env = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const argv: Record<RuntimeName, string[]> = {
    deno: ["run", "--quiet", "--no-prompt", "--config", join(PACKAGE_ROOT, "deno.json"), `-P=${denoPermissions}`, file],
    bun: [file],
    node: ["--import", tsxLoader(), file],
  };
  return { program: binaries[runtime], args: [...argv[runtime], ...args], env };
}

/** The command that runs a column process for `column`. */
export function columnCommand(column: Column, binaries: Binaries, args: string[]): Command {
  return runtimeCommand(
    column.runtime,
    binaries,
    `runtimes/${column.runtime}/main.ts`,
    ["--column", column.id, ...args],
    column.denoPermissions,
  );
}
