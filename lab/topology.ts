/**
 * The lab's network: which 127.x addresses fail how inside the namespace,
 * and the `ip` commands that make them so. Everything is loopback, inside a
 * namespace the lab made itself; no packet can leave it.
 *
 * Inside the namespace the kernel's `local 127.0.0.0/8` route (which makes
 * every 127.x address local) is replaced by host routes for 127.0.0.1 and
 * 127.0.0.2 only, so any other 127.x address follows the main table, which
 * is empty in a new namespace but for the routes below:
 *
 * | address      | route                        | connect / send fails with         |
 * |--------------|------------------------------|-----------------------------------|
 * | 127.0.0.10   | `unreachable`                | EHOSTUNREACH, at once             |
 * | 127.0.0.11   | `prohibit`                   | EACCES, at once                   |
 * | 127.0.0.12   | none                         | ENETUNREACH, at once              |
 * | 127.0.0.13   | unicast out through `lo`     | TCP: ETIMEDOUT after the SYN retries |
 *
 * The last one is the lab's SYN sink: the kernel sends the SYN out through
 * the loopback device, and on the way in the receiving side drops it,
 * because a loopback destination that is not a local address is a martian
 * (Linux ip(7), `route_localnet`, off by default). No RST, no ICMP: the
 * client retransmits until `tcp_syn_retries` is used up. It needs no
 * listener, so what a case measures about a connect does not depend on how
 * the runtime under test treats its own listeners.
 *
 * Broadcast and multicast need nothing more (measured): the kernel's
 * `broadcast 127.255.255.255 dev lo` route in the local table, added with
 * 127.0.0.1/8, stays, so a datagram to it reaches sockets bound to the
 * wildcard address; a group joined on 127.0.0.1 (IP_ADD_MEMBERSHIP) is a
 * membership of `lo`, and a datagram to the group from a socket bound to
 * 127.0.0.1 goes out through `lo` (the source address picks the device)
 * and comes back in, without the MULTICAST flag or a multicast route. `lo`
 * is the namespace's only interface, so neither can leave it.
 *
 * @module
 */

/** The lab's addresses, by the fault they produce. */
export const LAB_ADDRESSES = {
  /** Local, as everywhere: listeners and the sockets of accepted connections. */
  local: "127.0.0.1",
  /** Kept local too, for the cases that use a second local address. */
  otherLocal: "127.0.0.2",
  /** An `unreachable` route: EHOSTUNREACH. */
  unreachable: "127.0.0.10",
  /** A `prohibit` route: EACCES. */
  prohibited: "127.0.0.11",
  /** No route at all: ENETUNREACH. */
  noRoute: "127.0.0.12",
  /** Routed out through `lo` and dropped on the way in: a SYN is never answered. */
  silent: "127.0.0.13",
  /** `lo`'s broadcast address (127.0.0.1/8): reaches wildcard-bound sockets, with SO_BROADCAST. */
  broadcast: "127.255.255.255",
  /** An administratively scoped multicast group (RFC 2365), joined on `lo` by the cases that use it. */
  multicastGroup: "239.1.2.3",
} as const;

/**
 * The `ip` commands (arguments after `ip`) that shape the namespace, in
 * order. Run as root inside a fresh network namespace only.
 */
export const TOPOLOGY_COMMANDS: readonly (readonly string[])[] = [
  ["link", "set", "lo", "up"],
  ["route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local"],
  // `local 127.0.0.1` stays: the kernel added it with the address itself.
  ["route", "add", "local", `${LAB_ADDRESSES.otherLocal}/32`, "dev", "lo", "table", "local"],
  ["route", "add", "unreachable", `${LAB_ADDRESSES.unreachable}/32`],
  ["route", "add", "prohibit", `${LAB_ADDRESSES.prohibited}/32`],
  ["route", "add", `${LAB_ADDRESSES.silent}/32`, "dev", "lo", "src", LAB_ADDRESSES.local],
];
