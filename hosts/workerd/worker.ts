/**
 * The worker that runs catalog cases inside workerd on the WinterTC adapter:
 * `GET /cases` lists them, `GET /adapter` gives the adapter's capabilities,
 * `POST /run` with a {@linkcode RunRequest} runs one and answers its result
 * as JSON. A case's reference peer and lab socket table are reached through
 * the column process's bridge, whose address the request carries.
 *
 * @module
 */
import { adapter } from "../../adapters/wintertc.ts";
import type { Case, LabContext, TcpTableEntry } from "../../core/case.ts";
import { type Host, runCase } from "../../core/runner.ts";
import { peerOver } from "../../peer/channel_peer.ts";
import { CATALOG } from "../../suites/catalog.ts";
import { BridgeChannel } from "./_bridge_channel.ts";
import { type AdapterListing, BRIDGE_PATHS, type CaseListing, PATHS, type RunRequest } from "./protocol.ts";

/** Finds the case a request names; `undefined` for an unknown id. */
export type CaseFinder = (request: RunRequest) => Case | undefined;

const BY_ID: ReadonlyMap<string, Case> = new Map(CATALOG.map((entry) => [entry.case.id, entry.case]));

/** The catalog's cases, by id. */
export const catalogCase: CaseFinder = (request) => BY_ID.get(request.id);

/** Every catalog case with its topic. */
export const CASES: readonly CaseListing[] = CATALOG.map((entry) => ({ id: entry.case.id, topic: entry.topic }));

function badRequest(why: string): Response {
  return new Response(`${why}\n`, { status: 400 });
}

async function run(request: Request, find: CaseFinder): Promise<Response> {
  let body: RunRequest;
  try {
    body = await request.json() as RunRequest;
  } catch {
    return badRequest("the body is not JSON");
  }
  if (typeof body?.id !== "string") return badRequest("no case id");
  const found = find(body);
  if (!found) return badRequest(`unknown case id ${body.id}`);
  const result = await runCase(found, adapter, hostOf(body));
  return Response.json(result);
}

/** The lab's offer to a case, its socket table read by the column process in the same namespace. */
function labOf(bridge: string, lab: NonNullable<RunRequest["lab"]>): LabContext {
  const tcpSockets = async () => {
    const response = await fetch(`${bridge}${BRIDGE_PATHS.tcpSockets}`);
    if (!response.ok) throw new Error(`the lab's socket table: ${response.status} ${(await response.text()).trim()}`);
    return await response.json() as TcpTableEntry[];
  };
  return { profile: lab.profile, names: lab.names, tcpSockets };
}

/** The host a case sees inside the worker: what the column process found, the peer and the lab through its bridge. */
function hostOf(body: RunRequest): Host {
  const { bridge } = body;
  return {
    fixtures: body.fixtures ?? {},
    platform: body.platform,
    peer: bridge && body.peer ? peerOver(new BridgeChannel(bridge, body.peer)) : undefined,
    lab: bridge && body.lab ? labOf(bridge, body.lab) : undefined,
  };
}

/** The adapter's API and capabilities, for the column process (which cannot load it). */
export const ADAPTER_LISTING: AdapterListing = { api: adapter.api, capabilities: [...adapter.capabilities] };

/**
 * Answers one request: the case list (`listing`, the catalog's by default),
 * or one case run, found by `find`.
 *
 * @example
 * ```ts
 * import { catalogCase, handle } from "./worker.ts";
 * export default { fetch: (request: Request) => handle(request, catalogCase) };
 * ```
 */
export function handle(
  request: Request,
  find: CaseFinder,
  options: { listing?: readonly CaseListing[] } = {},
): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === PATHS.cases && request.method === "GET") {
    return Promise.resolve(Response.json(options.listing ?? CASES));
  }
  if (pathname === PATHS.adapter && request.method === "GET") return Promise.resolve(Response.json(ADAPTER_LISTING));
  if (pathname === PATHS.run && request.method === "POST") return run(request, find);
  return Promise.resolve(new Response("not found\n", { status: 404 }));
}

export default {
  fetch(request: Request): Promise<Response> {
    return handle(request, catalogCase);
  },
};
