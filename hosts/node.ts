/**
 * The Node host: Node runs the TypeScript sources from a bundle of the
 * entry (core/bundle.mjs), or, where none can be made, through tsx's
 * loader.
 *
 * @module
 */
import { join } from "node:path";
import { type HostDescriptor, installedBinary, PACKAGE_ROOT } from "./descriptor.ts";
import { findRuntime } from "./find_runtime.ts";
import { bundleOfSync } from "../core/bundle.mjs";
import { tsxLoader } from "../core/load_module.ts";

/**
 * Node, as sockcheck starts it.
 *
 * @example
 * ```ts
 * import { NODE } from "./node.ts";
 * console.log(NODE.command("node", "harness/main.ts", { args: [] }).args[0]); // .../.bundles/main-….mjs
 * ```
 */
export const NODE: HostDescriptor = {
  name: "node",
  find: (explicit, options) => findRuntime("node", { ...options, explicit }),
  installed: () => installedBinary("node"),
  command: (binary, entry, { args, loads = [] }) => {
    const file = join(PACKAGE_ROOT, entry);
    const bundle = bundleOfSync(binary, file, { modules: loads.map((url) => url.href) });
    return { program: binary, args: [...bundle ? [bundle] : ["--import", tsxLoader(), file], ...args], env: { NO_COLOR: "1" } };
  },
  hostModule: new URL("./node/host.ts", import.meta.url),
  // `node --test`, listed in scripts/test.sh.
  testEntry: ["hosts/node/node.test.ts"],
  lookedIn: "node_modules/.bin or on the PATH",
  takesVersions: true,
  benches: true,
};
