/**
 * What the host and the worker say to each other over HTTP: the host asks
 * for the case list (`GET /cases`) and runs one case per request
 * (`POST /run`), so a case's sockets live and die within its own request,
 * as workerd requires of sockets.
 *
 * @module
 */
import type { Fixture } from "../../core/case.ts";
import type { FixtureStatus } from "../../core/runner.ts";

/** One case to run, and what the host knows that the worker cannot see. */
export interface RunRequest {
  id: string;
  /** The fixtures as the host found them (the worker cannot look at the machine). */
  fixtures?: Partial<Record<Fixture, FixtureStatus>>;
  /** The host's `process.platform`. */
  platform?: string;
  /** Ports of peers the host started, by name, for cases whose other side runs outside workerd. */
  ports?: Record<string, number>;
}

/** A line of `GET /cases`. */
export interface CaseListing {
  id: string;
  topic: string;
}

/** The paths the worker answers. */
export const PATHS = { cases: "/cases", run: "/run" } as const;
