/**
 * The runtimes sockcheck can host columns on, by the name a user types.
 *
 * @module
 */

/** A JavaScript runtime sockcheck can find, install and start. */
export type RuntimeName = "deno" | "bun" | "node";

/**
 * A host a column runs on: a runtime sockcheck finds, installs and starts,
 * or `workerd`, whose column process is a Node process driving a
 * `workerd serve` (hosts/workerd.ts).
 */
export type HostName = RuntimeName | "workerd";

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
