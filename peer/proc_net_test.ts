/**
 * Finding a socket in the kernel's socket tables: addresses compared as
 * addresses, rows read as the kernel prints them; and TCP_INFO decoded
 * only as far as the kernel wrote it.
 *
 * Run: `node --import tsx --test peer/proc_net_test.ts`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { addressKey, matchRows, parseTable } from "./_proc_net.ts";
import { decodeTcpInfo } from "./_tcp_info.ts";

test("an IPv4 address and its IPv4-mapped IPv6 form are the same address", () => {
  assert.equal(addressKey("127.0.0.1"), "00000000000000000000ffff7f000001");
  assert.equal(addressKey("::ffff:127.0.0.1"), addressKey("127.0.0.1"));
  assert.equal(addressKey("::ffff:7f00:1"), addressKey("127.0.0.1"));
});

test("IPv6 addresses compare whatever their spelling", () => {
  assert.equal(addressKey("::1"), "00000000000000000000000000000001");
  assert.equal(addressKey("0:0:0:0:0:0:0:1"), addressKey("::1"));
  assert.equal(addressKey("[::1]"), addressKey("::1"));
  assert.equal(addressKey("fe80::1%lo"), "fe800000000000000000000000000001");
  assert.equal(addressKey("::"), "0".repeat(32));
  assert.equal(addressKey("1::"), "0001" + "0".repeat(28));
});

test("a name or a malformed address is no address", () => {
  for (const bad of ["localhost", "1.2.3", "256.0.0.1", "1:2:3:4:5:6:7", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::"]) {
    assert.equal(addressKey(bad), undefined, bad);
  }
});

// As the kernel prints them (little-endian words), trimmed to the fields read.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1
   2: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 20 4 30 10 -1
   3: 0100007F:D432 0100007F:1F90 06 00000000:00000000 03:00001234 00000000     0        0 0 3 0
`;
const TCP6 =
  `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F91 0000000000000000FFFF00000100007F:D433 01 00000000:00000000 00:00000000 00000000     0        0 555 1 0 20 4 30 10 -1
`;

test("a listener is the row with its local end and no remote end", () => {
  const rows = parseTable(TCP);
  assert.deepEqual(matchRows(rows, { local: { hostname: "127.0.0.1", port: 8080 } }).map((r) => r.inode), [111]);
});

test("a connection is the row with both its ends, not its other end's row", () => {
  const rows = parseTable(TCP);
  const local = { hostname: "127.0.0.1", port: 8080 };
  const remote = { hostname: "127.0.0.1", port: 0xd431 };
  assert.deepEqual(matchRows(rows, { local, remote }).map((r) => r.inode), [222]);
  assert.deepEqual(matchRows(rows, { local: remote, remote: local }).map((r) => r.inode), [333]);
});

test("a socket no descriptor holds (inode 0, TIME_WAIT) is not a candidate", () => {
  const rows = parseTable(TCP);
  assert.deepEqual(
    matchRows(rows, { local: { hostname: "127.0.0.1", port: 0xd432 }, remote: { hostname: "127.0.0.1", port: 8080 } }),
    [],
  );
});

test("IPv6 rows match IPv6 and IPv4-mapped endpoints", () => {
  const rows = parseTable(TCP6);
  assert.deepEqual(matchRows(rows, { local: { hostname: "::1", port: 8081 } }).map((r) => r.inode), [444]);
  const mapped = {
    local: { hostname: "127.0.0.1", port: 8081 },
    remote: { hostname: "::ffff:127.0.0.1", port: 0xd433 },
  };
  assert.deepEqual(matchRows(rows, mapped).map((r) => r.inode), [555]);
});

test("TCP_INFO leaves out the fields the kernel did not write", () => {
  const bytes = new Uint8Array(104);
  bytes[0] = 10; // LISTEN
  new DataView(bytes.buffer).setUint32(28, 511, true); // tcpi_sacked: the accept queue's limit
  const info = decodeTcpInfo(bytes);
  assert.equal(info.state, "LISTEN");
  assert.equal(info.sacked, 511);
  assert.equal(info.totalRetrans, 0);
  assert.equal("bytesAcked" in info, false);
  assert.throws(() => decodeTcpInfo(new Uint8Array(40)), RangeError);
});

test("a table read for one port keeps every row with that port at either end, and only those", () => {
  assert.deepEqual(parseTable(TCP, { port: 8080 }).map((r) => r.inode), [111, 222, 333]);
  assert.deepEqual(parseTable(TCP, { port: 0xd431 }).map((r) => r.inode), [222, 333]);
  assert.deepEqual(parseTable(TCP6, { port: 0xd433 }).map((r) => r.inode), [555]);
  // 0x1234 appears only in the timer field of a TIME_WAIT row.
  assert.deepEqual(parseTable(TCP, { port: 0x1234 }), []);
});
