/**
 * The one argument parser of the CLI and the column process: `parseArgs`
 * from `node:util` (built into Node, Deno and Bun) in strict mode. Every
 * option must be known, every string option needs a value, a flag takes
 * none; anything else is a {@linkcode UsageError} whose message is the one
 * line shown to the user (exit 2).
 *
 * @module
 */
import { parseArgs } from "node:util";

/** Bad usage: the message is the one line shown to the user. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The options a command takes: each a string option or a flag. */
export type OptionSpec = Record<string, { type: "string" | "boolean" }>;

/** Parsed options: string values and flags by name. */
export type OptionValues<S extends OptionSpec> = {
  [K in keyof S]?: S[K]["type"] extends "string" ? string : boolean;
};

/**
 * Parses `argv` against `options`; positional arguments are allowed only
 * with `positionals: true`. Throws a UsageError naming the first problem.
 *
 * @example
 * ```ts
 * import { parseOptions } from "./args.ts";
 * const { values } = parseOptions(["--filter", "tcp.*", "--json"], {
 *   options: { filter: { type: "string" }, json: { type: "boolean" } },
 * });
 * console.log(values.filter, values.json); // tcp.* true
 * ```
 */
export function parseOptions<S extends OptionSpec>(
  argv: string[],
  spec: { options: S; positionals?: boolean },
): { values: OptionValues<S>; positionals: string[] } {
  const { options, positionals = false } = spec;
  // A lenient pass first, whose tokens say exactly what is wrong, in our words.
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "positional" && !positionals) throw new UsageError(`unexpected argument "${token.value}"`);
    if (token.kind !== "option") continue;
    const type = Object.hasOwn(options, token.name) ? options[token.name].type : undefined;
    if (!type) throw new UsageError(`unknown option ${token.rawName}`);
    if (type === "boolean" && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
    const missing = !token.value || (!token.inlineValue && token.value.startsWith("-"));
    if (type === "string" && missing) throw new UsageError(`${token.rawName} needs a value`);
  }
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
    return { values: parsed.values as OptionValues<S>, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]);
  }
}
