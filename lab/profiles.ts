/**
 * The lab's profiles: per-namespace sysctls on top of the common topology.
 * A case names the profile it needs (`lab.profile`); each profile is its
 * own namespace, with its own column process.
 *
 * `net.core.somaxconn=0` (in the profile of the one case that fills an
 * accept queue): the kernel clamps every listen() backlog to it, and a
 * backlog of 0 still queues one completed connection (the queue is full
 * once it holds more than the backlog), so a listener that does not accept
 * drops the SYN of the second client it did not accept (UNP 4.5; Linux
 * listen(2)). The default profile leaves it at the kernel's default, since
 * the cases that need no namespace of their own run there too.
 *
 * @module
 */
import type { LabProfile } from "../core/case.ts";

/** The environment variable that tells a column process which profile's namespace it runs in. */
export const LAB_ENV = "SOCKCHECK_LAB";

/** The profile a case gets when it names none. */
export const DEFAULT_LAB_PROFILE: LabProfile = "syn-retries-1";

/** One profile: what it is for, and its sysctls (name → value). */
export interface ProfileSpec {
  about: string;
  sysctls: Readonly<Record<string, string>>;
}

/** Every profile. */
export const LAB_PROFILES: Readonly<Record<LabProfile, ProfileSpec>> = {
  "syn-retries-1": {
    about: "one SYN retransmission: an unanswered connect fails with ETIMEDOUT after 1 + 2 s",
    sysctls: { "net.ipv4.tcp_syn_retries": "1" },
  },
  // One namespace for two cases (a full accept queue; no IPv6), neither minding the other's settings:
  // a namespace costs every column a process.
  "syn-retries-2-ipv4-only": {
    about:
      "an accept queue full at one connection, two SYN retransmissions (at 1 s and 3 s: a dropped SYN gets a second and third chance), and IPv6 disabled on every interface (no ::1, though the names files still list it for localhost)",
    sysctls: { "net.core.somaxconn": "0", "net.ipv4.tcp_syn_retries": "2", "net.ipv6.conf.all.disable_ipv6": "1" },
  },
};

/** Whether `name` is a profile. */
export function isLabProfile(name: unknown): name is LabProfile {
  return typeof name === "string" && Object.hasOwn(LAB_PROFILES, name);
}
