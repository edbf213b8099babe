/**
 * A strict argument parser: every option must be known, every string
 * option needs a value. Anything else is a UsageError with one line.
 *
 * @module
 */

/** Bad usage: the message is the one line shown to the user. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface ArgSpec {
  booleans: string[];
  strings: string[];
}

/** Parsed arguments: string options by name, boolean flags, and positionals. */
export interface ParsedArgs {
  values: Record<string, string | undefined>;
  flags: Set<string>;
  positionals: string[];
}

/** Parses `--name value`, `--name=value` and `--flag`; everything else is positional. */
export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { values: {}, flags: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      out.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.booleans.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      out.flags.add(name);
    } else if (spec.strings.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "") throw new UsageError(`--${name} needs a value`);
      out.values[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return out;
}
