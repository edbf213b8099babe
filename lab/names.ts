/**
 * The lab's names: every lab namespace gets a private mount namespace
 * (`unshare -m`, propagation private) in which the lab's own names files
 * are bind-mounted over the system's, so that a name a case hands an
 * adapter resolves through the lab's files only, and nothing of the host's
 * own files or resolver is read or touched:
 *
 * | file                 | the lab's content                                      |
 * |----------------------|--------------------------------------------------------|
 * | `/etc/hosts`         | `127.0.0.1 localhost` and `::1 localhost`              |
 * | `/etc/nsswitch.conf` | `hosts: files`: names come from the hosts file alone   |
 * | `/etc/resolv.conf`   | `nameserver 127.0.0.1`, where nothing listens (port 53) |
 * | `/etc/gai.conf`      | empty: getaddrinfo sorts by RFC 6724's default table   |
 *
 * With both families of `localhost` in the hosts file, glibc's getaddrinfo
 * returns `::1` before `127.0.0.1` (RFC 6724 rule 6: ::1 has precedence 50,
 * IPv4 35), or `127.0.0.1` first where IPv6 is off (rule 1: ::1 cannot be
 * reached). A name in no file fails with EAI_NONAME at once: no query is
 * made. (With `hosts: files dns` glibc would ask the nameserver, be refused,
 * and report EAI_AGAIN, not that the name is unknown.) The nameserver is
 * there for resolvers that read `resolv.conf` whatever nsswitch says: their
 * query goes to 127.0.0.1 inside the namespace and is refused at once.
 *
 * A file the system lacks (`nsswitch.conf` on musl, `gai.conf`,
 * `resolv.conf`) is left absent, which gives the same defaults; only
 * `/etc/hosts` must exist. Each file is written to a fresh temporary file,
 * bind-mounted and unlinked at once: the mount keeps it alive until the
 * namespace ends, and nothing is left on the host.
 *
 * @module
 */

/** The names cases may use inside the lab, and only there. */
export const LAB_NAMES = {
  /** In the lab's hosts file as both `127.0.0.1` and `::1`. */
  localhost: "localhost",
  /** In no file: a name under `.invalid` (RFC 6761), which no resolver may answer with an address. */
  unknown: "nowhere.invalid",
} as const;

/** The nameserver the lab's resolv.conf names: inside the namespace, with nothing listening. */
export const LAB_NAMESERVER = "127.0.0.1";

/** Each names file the lab mounts, its content, and whether the system must have it. */
export const NAMES_FILES: readonly { path: string; content: string; required: boolean }[] = [
  { path: "/etc/hosts", content: `127.0.0.1 ${LAB_NAMES.localhost}\n::1 ${LAB_NAMES.localhost}\n`, required: true },
  { path: "/etc/nsswitch.conf", content: "hosts: files\n", required: false },
  { path: "/etc/resolv.conf", content: `nameserver ${LAB_NAMESERVER}\noptions attempts:1 timeout:1\n`, required: false },
  { path: "/etc/gai.conf", content: "", required: false },
];

/**
 * The shell lines that mount the names files, run as root inside the
 * namespace's private mount namespace. `sh` quotes one word.
 */
export function namesCommands(sh: (word: string) => string): string[] {
  const lines = [
    // One temporary folder for every file (removed before the exec, and on any failure): a process fewer per file.
    'lab_dir=$(mktemp -d)',
    'trap \'rm -rf "$lab_dir"\' EXIT',
    // Writes $2 to a file of the folder and mounts it over $1.
    'lab_names() { printf %s "$2" > "$lab_dir/${1##*/}" && mount --bind "$lab_dir/${1##*/}" "$1"; }',
  ];
  for (const { path, content, required } of NAMES_FILES) {
    const mount = `lab_names ${sh(path)} ${sh(content)}`;
    lines.push(required ? mount : `[ ! -e ${sh(path)} ] || ${mount}`);
  }
  // A mounted file stays mounted once its name is gone.
  lines.push('rm -rf "$lab_dir"', "trap - EXIT");
  return lines;
}
