/**
 * Column process entry for columns that run on Node.
 *
 * @module
 */
import process from "node:process";
import { columnMain } from "../_main.ts";
import { host } from "./host.ts";

await columnMain(host, process.argv.slice(2));
