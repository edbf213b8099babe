/**
 * Registers one test with `Deno.test`, for every column Deno runs.
 *
 * Deno's own op and resource sanitizers are off: the runner checks for
 * leaked sockets itself, the same way on every runtime.
 *
 * @module
 */
import type { TestDefinition } from "../in_process.ts";

/** Registers `t` with `Deno.test`. */
export function defineDenoTest(t: TestDefinition): void {
  Deno.test({
    name: t.skip ? `${t.name} (${t.skip})` : t.name,
    ignore: t.skip !== undefined,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: t.fn,
  });
}
