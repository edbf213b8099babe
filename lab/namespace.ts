/**
 * The command that runs a program inside a fresh lab namespace:
 *
 *   unshare [-r] -n -m -- /bin/sh -c SCRIPT sockcheck-lab PROGRAM ARGS...
 *
 * `unshare` makes a private network namespace and a private mount
 * namespace (as root, `-n -m`; otherwise `-r -n -m`, where a user namespace
 * maps this user to root inside it; unshare makes the new mount namespace's
 * propagation private, so no mount made in it reaches the host), the script
 * shapes it (lab/topology.ts, the profile's sysctls, then the lab's names
 * files, lab/names.ts), sets the lab's environment variable to the
 * profile's name and `exec`s the program. Nothing is forked and nothing is named: unshare, the shell and
 * the program are one process, the only one in the namespace (short-lived
 * children aside), so the namespace disappears with it however it ends —
 * exit, crash, or the SIGKILL of a time budget. No `ip netns` name or bind
 * mount is ever left behind: the names files' mounts live in the
 * namespace's own mount table and end with it.
 *
 * @module
 */
import type { LabProfile } from "../core/case.ts";
import { namesCommands } from "./names.ts";
import { LAB_ENV, LAB_PROFILES } from "./profiles.ts";
import { TOPOLOGY_COMMANDS } from "./topology.ts";

/** How the namespace is made: as root, or through a user namespace. */
export type UnshareMode = "root" | "user";

/** `unshare`'s flags for a mode. */
export function unshareFlags(mode: UnshareMode): string[] {
  return mode === "root" ? ["-n", "-m"] : ["-r", "-n", "-m"];
}

/** Quotes one word for the POSIX shell. */
function sh(word: string): string {
  return /^[A-Za-z0-9_./:=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The shell script that shapes a fresh namespace for `profile` and execs its arguments. */
export function setupScript(profile: LabProfile): string {
  // One `ip` for every route (its batch mode stops at the first command that fails): a process, not six.
  const lines = ["set -e", "ip -batch - <<'LAB_ROUTES'", ...TOPOLOGY_COMMANDS.map((args) => args.join(" ")), "LAB_ROUTES"];
  for (const [name, value] of Object.entries(LAB_PROFILES[profile].sysctls)) {
    // /proc/sys directly: no dependency on procps' sysctl.
    lines.push(`echo ${sh(value)} > ${sh(`/proc/sys/${name.replaceAll(".", "/")}`)}`);
  }
  lines.push(...namesCommands(sh));
  lines.push(`export ${LAB_ENV}=${sh(profile)}`, `exec "$@"`);
  return lines.join("\n");
}

/** A program and its arguments. */
export interface Argv {
  program: string;
  args: string[];
}

/**
 * Wraps `command` so that it runs inside a fresh namespace shaped for
 * `profile`.
 *
 * @example
 * ```ts
 * import { labCommand } from "./namespace.ts";
 * const { program, args } = labCommand("syn-retries-1", "root", { program: "node", args: ["main.js"] });
 * // program === "unshare"; args start with "-n", "--", "/bin/sh", "-c"
 * ```
 */
export function labCommand(profile: LabProfile, mode: UnshareMode, command: Argv): Argv {
  return {
    program: "unshare",
    args: [...unshareFlags(mode), "--", "/bin/sh", "-c", setupScript(profile), "sockcheck-lab", command.program, ...command.args],
  };
}
