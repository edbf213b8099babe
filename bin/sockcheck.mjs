#!/usr/bin/env node
// The CLI is TypeScript; tsx lets Node load it without a build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli.ts");
process.exitCode = await main(process.argv.slice(2));
