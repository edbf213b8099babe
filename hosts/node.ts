/**
 * The Node host: Node loads the TypeScript sources through tsx's loader.
 *
 * @module
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type HostDescriptor, installedBinary, PACKAGE_ROOT } from "./descriptor.ts";
import { findRuntime } from "./find_runtime.ts";

/** tsx's loader, as `--import` takes it. */
const tsxLoader = (): string => pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/**
 * Node, as sockcheck starts it.
 *
 * @example
 * ```ts
 * import { NODE } from "./node.ts";
 * console.log(NODE.command("node", "harness/main.ts", { args: [] }).args[0]); // --import
 * ```
 */
export const NODE: HostDescriptor = {
  name: "node",
  find: (explicit, options) => findRuntime("node", { ...options, explicit }),
  installed: () => installedBinary("node"),
  command: (binary, entry, { args }) => ({
    program: binary,
    args: ["--import", tsxLoader(), join(PACKAGE_ROOT, entry), ...args],
    env: { NO_COLOR: "1" },
  }),
  hostModule: new URL("./node/host.ts", import.meta.url),
  // `node --test`, listed in scripts/test.sh.
  testEntry: ["hosts/node/node.test.ts"],
  lookedIn: "node_modules/.bin or on the PATH",
  takesVersions: true,
  benches: true,
};
