/**
 * UDP toward addresses the fault lab (lab/) made unreachable: with no
 * handshake, the only moment the kernel can refuse is the route lookup,
 * which it does for every sendto() and for connect().
 *
 * The lab's addresses (lab/topology.ts): 127.0.0.10 has an `unreachable`
 * route, 127.0.0.12 no route at all.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Adapter } from "../core/adapter.ts";
import { rejectsWith } from "../core/assert.ts";
import { defineCase } from "../core/case.ts";
import { LAB_ADDRESSES } from "../lab/topology.ts";
import { bytes, connectedUdp } from "./helpers.ts";

const { local, unreachable: UNREACHABLE, noRoute: NO_ROUTE } = LAB_ADDRESSES;

/** Any port: the route fails before a port matters. */
const ANY_PORT = 9;

/** The route lookup fails inside the call: no packet, no wait. */
const AT_ONCE_MS = 1000;

const TARGETS = [[UNREACHABLE, "EHOSTUNREACH"], [NO_ROUTE, "ENETUNREACH"]] as const;

/** A UDP socket bound to 127.0.0.1 on an ephemeral port. */
function bindLocal(net: Adapter) {
  assert.ok(net.udp, "the adapter declares udp but has no udp API");
  return net.udp.bind({ hostname: local, port: 0 });
}

export const sendUnreachableRoute = defineCase({
  id: "udp.send.unreachable-route",
  title: "a UDP send toward an unreachable route or no route fails at once, even unconnected",
  semantic:
    "sendto() looks the route up for every datagram: toward an address whose route is `unreachable` it fails at once with EHOSTUNREACH, and toward an address that no route matches with ENETUNREACH, on an unconnected socket too (in the lab: 127.0.0.10 and 127.0.0.12). Every column must surface those errors from the send itself; a send that resolves lost the error.",
  reference: "UNP 8.11 (an unconnected sendto makes for every datagram the route check that connect makes once); Linux udp(7), ip(7) (EHOSTUNREACH: no valid routing table entry), ip-route(8) (unreachable)",
  requires: { capabilities: ["udp"], fixtures: ["lab"] },
  async run(net, ctx) {
    const socket = await bindLocal(net);
    try {
      for (const [hostname, code] of TARGETS) {
        const started = performance.now();
        await rejectsWith(ctx, `send to ${hostname}`, socket.send(bytes("x"), { hostname, port: ANY_PORT }), code);
        const ms = Math.round(performance.now() - started);
        assert.ok(ms < AT_ONCE_MS, `the send to ${hostname} took ${ms} ms to fail; the route lookup fails at once`);
      }
    } finally {
      await socket.close();
    }
  },
});

export const connectUnreachableRoute = defineCase({
  id: "udp.connect.unreachable-route",
  title: "connecting a UDP socket toward an unreachable route or no route fails at connect time",
  semantic:
    "connect() on a UDP socket sends nothing but looks the route up to fix the peer and the source address: toward an address whose route is `unreachable` it fails at once with EHOSTUNREACH, toward an address no route matches with ENETUNREACH (in the lab: 127.0.0.10 and 127.0.0.12). Every column with connected UDP must surface those errors from connect.",
  reference: "UNP 8.11 (connect on a UDP socket exchanges nothing: the kernel checks for immediate errors such as an unreachable destination and records the peer); Linux udp(7), connect(2) (ENETUNREACH), ip(7), ip-route(8)",
  requires: { capabilities: ["udp", "udpConnect"], fixtures: ["lab"] },
  async run(net, ctx) {
    for (const [hostname, code] of TARGETS) {
      const started = performance.now();
      // A socket that connects anyway is closed by the runner; the case has failed by then.
      await rejectsWith(ctx, `connect to ${hostname}`, connectedUdp(net, { hostname, port: ANY_PORT }), code);
      const ms = Math.round(performance.now() - started);
      assert.ok(ms < AT_ONCE_MS, `the connect to ${hostname} took ${ms} ms to fail; the route lookup fails at once`);
    }
  },
});
