/**
 * The package's own source files, for the tests that read the code itself
 * (its import graph, its function lengths).
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root folder. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url));

const SKIP = new Set(["node_modules", "test-artifacts", "sockcheck-report"]);

/** Every TypeScript and JavaScript module of the package, relative to its root, hidden folders aside. */
export function sources(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}
