/**
 * Takes one file out of an npm package tarball (gzip + ustar, with the pax
 * and GNU long-name records node-tar may write), streaming, so a 150 MB
 * binary never sits in memory whole. npm tarballs put every file under one
 * top folder (usually `package/`), which is stripped as npm strips it.
 *
 * @module
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { createGunzip } from "node:zlib";

/** The file that was taken out: its size and the mode the tarball gave it. */
export interface Extracted {
  size: number;
  mode: number;
}

interface Entry {
  path: string;
  size: number;
  mode: number;
  type: string;
}

const BLOCK = 512;

/** A tarball that is not a well-formed tar stream. */
export class TarFormatError extends Error {
  override name = "TarFormatError";
}

/**
 * Writes the tarball's file `wanted` (a path inside the package, such as
 * `bin/bun`) to `dest`. Resolves undefined when the tarball has no such file.
 * `onBytes(written, size)` follows the copy.
 */
export async function extractFile(
  tgz: string,
  wanted: string,
  dest: string,
  onBytes?: (written: number, size: number) => void,
): Promise<Extracted | undefined> {
  const reader = new OneFileReader(wanted, dest, onBytes);
  for await (const chunk of createReadStream(tgz).pipe(createGunzip())) {
    await reader.push(chunk);
    // npm has checked the tarball's integrity; the rest need not be read.
    if (reader.done) break;
  }
  return reader.finish();
}

/** A tar stream reader that keeps one file and skips the rest. */
class OneFileReader {
  #pending: Buffer = Buffer.alloc(0);
  #entry: Entry | undefined; // the entry whose data comes next
  #left = 0; // data bytes of #entry still to come
  #padding = 0; // zero bytes after it, up to the block boundary
  #meta: Buffer[] = []; // data of a long-name or pax record
  #longPath: string | undefined; // the path such a record gave the next entry
  #out: WriteStream | undefined;
  #found: Extracted | undefined;

  constructor(
    readonly wanted: string,
    readonly dest: string,
    readonly onBytes?: (written: number, size: number) => void,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#pending.length) {
      if (this.#entry) await this.#data();
      else if (this.#padding) this.#padding -= this.#take(this.#padding).length;
      else if (this.#pending.length >= BLOCK) await this.#header(this.#take(BLOCK));
      else return;
    }
  }

  get done(): boolean {
    return this.#found !== undefined;
  }

  finish(): Extracted | undefined {
    if (this.#entry && !this.#found) throw new TarFormatError(`the tarball ends inside ${this.#entry.path}`);
    return this.#found;
  }

  #take(max: number): Buffer {
    const taken = this.#pending.subarray(0, Math.min(max, this.#pending.length));
    this.#pending = this.#pending.subarray(taken.length);
    return taken;
  }

  async #header(block: Buffer): Promise<void> {
    if (block.every((b) => b === 0)) return; // end-of-archive blocks
    const entry = parseHeader(block, this.#longPath);
    if (!/^[xgL]$/.test(entry.type)) this.#longPath = undefined;
    this.#entry = entry;
    this.#left = entry.size;
    this.#padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    const regular = entry.type === "0" || entry.type === "\0";
    if (regular && !this.#found && stripTop(entry.path) === this.wanted) {
      this.#out = createWriteStream(this.dest, { mode: 0o644 });
    }
    if (this.#left === 0) await this.#endEntry();
  }

  async #data(): Promise<void> {
    const entry = this.#entry!;
    const data = this.#take(this.#left);
    this.#left -= data.length;
    if (this.#out) {
      if (!this.#out.write(data)) await once(this.#out, "drain");
      this.onBytes?.(entry.size - this.#left, entry.size);
    } else if (entry.type === "x" || entry.type === "L") this.#meta.push(Buffer.from(data));
    if (this.#left === 0) await this.#endEntry();
  }

  async #endEntry(): Promise<void> {
    const entry = this.#entry!;
    if (this.#out) {
      // "close", not "finish": the descriptor is closed only after "finish",
      // and running the file while it is still open for writing fails ETXTBSY.
      this.#out.end();
      await once(this.#out, "close");
      this.#out = undefined;
      this.#found = { size: entry.size, mode: entry.mode };
    } else if (entry.type === "L") this.#longPath = cString(Buffer.concat(this.#meta), 0, Infinity);
    else if (entry.type === "x") this.#longPath = paxPath(Buffer.concat(this.#meta)) ?? this.#longPath;
    this.#entry = undefined;
    this.#meta = [];
  }
}

function parseHeader(block: Buffer, longPath: string | undefined): Entry {
  const name = cString(block, 0, 100);
  const ustar = cString(block, 257, 6) === "ustar";
  const prefix = ustar ? cString(block, 345, 155) : "";
  return {
    path: longPath ?? (prefix ? `${prefix}/${name}` : name),
    mode: parseInt(cString(block, 100, 8).trim() || "0", 8),
    size: parseInt(cString(block, 124, 12).trim() || "0", 8),
    type: String.fromCharCode(block[156]),
  };
}

function cString(buf: Buffer, start: number, length: number): string {
  const end = Math.min(buf.length, start + length);
  const nul = buf.indexOf(0, start);
  return buf.toString("utf8", start, nul >= 0 && nul < end ? nul : end);
}

/** The `path` field of pax records: `<len> path=<value>\n`. */
function paxPath(data: Buffer): string | undefined {
  for (const line of data.toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

const stripTop = (path: string) => path.replace(/^\.?\/?[^/]+\//, "");
