/**
 * Case-id filters: comma-separated globs where `*` matches any run of
 * characters (`tcp.connect.*`, `*.refused`, `tcp.*,udp.bind.*`).
 *
 * @module
 */

/**
 * A predicate over case ids.
 *
 * @example
 * ```ts
 * import { idFilter } from "./filter.ts";
 * idFilter("tcp.connect.*")("tcp.connect.refused"); // true
 * ```
 */
export function idFilter(globs: string | undefined): (id: string) => boolean {
  if (!globs) return () => true;
  const patterns = globs.split(",").map((g) => g.trim()).filter(Boolean).map((g) =>
    new RegExp(`^${g.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)
  );
  return (id) => patterns.some((p) => p.test(id));
}
