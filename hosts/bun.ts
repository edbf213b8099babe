/**
 * The Bun host: Bun runs TypeScript as it is, with no permission system.
 *
 * @module
 */
import { join } from "node:path";
import { type HostDescriptor, installedBinary, PACKAGE_ROOT } from "./descriptor.ts";
import { findRuntime } from "./find_runtime.ts";

/**
 * Bun, as sockcheck starts it.
 *
 * @example
 * ```ts
 * import { BUN } from "./bun.ts";
 * console.log(BUN.command("bun", "harness/main.ts", { args: ["--column", "bun"] }).args[0]); // .../harness/main.ts
 * ```
 */
export const BUN: HostDescriptor = {
  name: "bun",
  find: (explicit, options) => findRuntime("bun", { ...options, explicit }),
  installed: () => installedBinary("bun"),
  command: (binary, entry, { args }) => ({ program: binary, args: [join(PACKAGE_ROOT, entry), ...args], env: { NO_COLOR: "1" } }),
  hostModule: new URL("./bun/host.ts", import.meta.url),
  // `bun test` (bunfig.toml leaves every other runner's files out).
  testEntry: ["hosts/bun/bun.test.ts"],
  lookedIn: "node_modules/.bin or on the PATH",
  takesVersions: true,
  benches: true,
};
