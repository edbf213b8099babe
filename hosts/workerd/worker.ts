/**
 * The worker that runs catalog cases inside workerd on the WinterTC adapter:
 * `GET /cases` lists them, `POST /run` with a {@linkcode RunRequest} runs
 * one and answers its result as JSON.
 *
 * @module
 */
import { adapter } from "../../adapters/wintertc.ts";
import type { Case } from "../../core/case.ts";
import { runCase } from "../../core/runner.ts";
import { CATALOG } from "../../suites/catalog.ts";
import { type CaseListing, PATHS, type RunRequest } from "./protocol.ts";

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
  const result = await runCase(found, adapter, { fixtures: body.fixtures ?? {}, platform: body.platform });
  return Response.json(result);
}

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
  if (pathname === PATHS.run && request.method === "POST") return run(request, find);
  return Promise.resolve(new Response("not found\n", { status: 404 }));
}

export default {
  fetch(request: Request): Promise<Response> {
    return handle(request, catalogCase);
  },
};
