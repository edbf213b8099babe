/**
 * The Bun host: fixtures and the socket counter for columns run by Bun.
 *
 * @module
 */
import process from "node:process";
import { descriptorLimitFixture, descriptorTable, NODE_PROCESS } from "../descriptor_table.ts";
import { ipv6Fixture, labContext, labFixture, procTcpTable, type RuntimeHost, socketCounting } from "../in_process.ts";

const sockets = socketCounting();

/** Bun, inside Bun. */
export const host: RuntimeHost = {
  runtime: "bun",
  version: Bun.version,
  fixtures: { ipv6: ipv6Fixture(), lab: labFixture(), uncaughtHooks: { ok: true }, childProcess: { ok: true }, socketCount: sockets.fixture, descriptorLimit: descriptorLimitFixture(NODE_PROCESS) },
  platform: process.platform,
  countSockets: sockets.count,
  lab: labContext(procTcpTable),
  descriptors: descriptorTable(NODE_PROCESS),
};
