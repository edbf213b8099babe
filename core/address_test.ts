/** Address helpers of the adapter kit. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ipAddress, unixAddress } from "./address.ts";

test("an IP address keeps the family the runtime gave, as a word or a number", () => {
  assert.deepEqual(ipAddress("::ffff:127.0.0.1", 80, "IPv6"), { hostname: "::ffff:127.0.0.1", port: 80, family: "IPv6" });
  assert.equal(ipAddress("::1", 80, 6).family, "IPv6");
  // The runtime's word wins over what the hostname looks like.
  assert.equal(ipAddress("::1", 80, "IPv4").family, "IPv4");
});

test("an IP address without a family reads it from the hostname, and missing values are empty", () => {
  assert.equal(ipAddress("::1", 80).family, "IPv6");
  assert.equal(ipAddress("127.0.0.1", 80).family, "IPv4");
  assert.deepEqual(ipAddress(undefined, undefined), { hostname: "", port: 0, family: "IPv4" });
});

test("a Unix address carries a path only where the runtime reported one", () => {
  assert.deepEqual(unixAddress("/tmp/a.sock"), { hostname: "", port: 0, family: "Unix", path: "/tmp/a.sock" });
  assert.deepEqual(unixAddress(""), { hostname: "", port: 0, family: "Unix", path: "" });
  assert.equal("path" in unixAddress(), false);
});
