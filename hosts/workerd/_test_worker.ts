/**
 * The worker the workerd host's test runs: the catalog, plus the
 * client-side cases whose other side is a Node peer the test starts.
 *
 * @module
 */
import { CLIENT_CASE_IDS, clientCase } from "./_client_cases.ts";
import { CASES, catalogCase, handle } from "./worker.ts";

const LISTING = [...CASES, ...CLIENT_CASE_IDS.map((id) => ({ id, topic: "probe" }))];

export default {
  fetch(request: Request): Promise<Response> {
    return handle(request, (run) => clientCase(run.id, run.ports ?? {}) ?? catalogCase(run), { listing: LISTING });
  },
};
