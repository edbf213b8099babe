/**
 * The reference peer's wire protocol, for a process that carries its
 * requests for another (a bridge): the request and response shapes, the
 * channel contract and the error codecs. No process is started from here.
 *
 * @example
 * ```ts
 * import { fromWireError, toWireError } from "./wire.ts";
 * const back = fromWireError(toWireError(new Error("x")));
 * console.log(back.message); // reference peer: Error: x
 * ```
 *
 * @module
 */
export {
  fromWireError,
  type Op,
  type Operations,
  type PeerChannel,
  type Request,
  type Response,
  toWireError,
  type WireError,
} from "./_protocol.ts";
