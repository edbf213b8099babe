/**
 * The Node host: fixtures and the socket counter for columns run by Node.
 *
 * @module
 */
import process from "node:process";
import { ipv6Fixture, labContext, labFixture, procSocketCounter, procTcpTable, type RuntimeHost } from "../_host.ts";

export const host: RuntimeHost = {
  runtime: "node",
  version: process.versions.node,
  fixtures: { ipv6: ipv6Fixture(), lab: labFixture() },
  platform: process.platform,
  countSockets: procSocketCounter(),
  lab: labContext(procTcpTable),
};
