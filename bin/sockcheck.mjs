#!/usr/bin/env node
// The CLI is TypeScript: Node runs it from a bundle of the sources, rebuilt
// when one changes, or through tsx's loader where no bundle can be made.
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleOf } from "../core/bundle.mjs";

const bundle = await bundleOf(fileURLToPath(new URL("../cli.ts", import.meta.url)));
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  await import("tsx"); // registers its loaders, as `node --import tsx` does
  ({ main } = await import("../cli.ts"));
}
process.exitCode = await main(process.argv.slice(2));
