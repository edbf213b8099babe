/**
 * The runtimes sockcheck can host columns on, by the name a user types.
 *
 * @module
 */

/** A JavaScript runtime sockcheck can find, install and start. */
export type RuntimeName = "deno" | "bun" | "node";

/** Every runtime name, in the order they are listed to users. */
export const RUNTIME_NAMES: readonly RuntimeName[] = ["deno", "bun", "node"];

/**
 * Whether `name` is a runtime sockcheck knows.
 *
 * @example
 * ```ts
 * import { isRuntimeName } from "./runtime.ts";
 * isRuntimeName("bun"); // true
 * isRuntimeName("java"); // false
 * ```
 */
export function isRuntimeName(name: string): name is RuntimeName {
  return (RUNTIME_NAMES as readonly string[]).includes(name);
}
