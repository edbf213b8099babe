/**
 * `struct tcp_info` (getsockopt TCP_INFO, linux/tcp.h) decoded from the
 * bytes the kernel wrote. The struct has grown over the kernel's releases;
 * a field the kernel did not write (the length it returned is shorter) is
 * left out, never read as 0.
 *
 * @module
 */
import type { TcpInfo } from "../core/peer.ts";

export type { TcpInfo };

/** The kernel's TCP state names, by number (include/net/tcp_states.h). */
const STATES: readonly string[] = [
  "UNKNOWN",
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
  "NEW_SYN_RECV",
];


type Width = 8 | 32 | 64;

/** [field, byte offset, width in bits]: the layout of linux/tcp.h. */
const FIELDS: readonly (readonly [keyof TcpInfo, number, Width])[] = [
  ["caState", 1, 8],
  ["retransmits", 2, 8],
  ["probes", 3, 8],
  ["backoff", 4, 8],
  ["options", 5, 8],
  ["rto", 8, 32],
  ["ato", 12, 32],
  ["sndMss", 16, 32],
  ["rcvMss", 20, 32],
  ["unacked", 24, 32],
  ["sacked", 28, 32],
  ["lost", 32, 32],
  ["retrans", 36, 32],
  ["lastDataSent", 44, 32],
  ["lastDataRecv", 52, 32],
  ["lastAckRecv", 56, 32],
  ["pmtu", 60, 32],
  ["rcvSsthresh", 64, 32],
  ["rtt", 68, 32],
  ["rttvar", 72, 32],
  ["sndSsthresh", 76, 32],
  ["sndCwnd", 80, 32],
  ["advmss", 84, 32],
  ["reordering", 88, 32],
  ["rcvRtt", 92, 32],
  ["rcvSpace", 96, 32],
  ["totalRetrans", 100, 32],
  ["bytesAcked", 120, 64],
  ["bytesReceived", 128, 64],
  ["segsOut", 136, 32],
  ["segsIn", 140, 32],
  ["notsentBytes", 144, 32],
  ["minRtt", 148, 32],
  ["dataSegsIn", 152, 32],
  ["dataSegsOut", 156, 32],
  ["delivered", 192, 32],
  ["bytesSent", 200, 64],
  ["bytesRetrans", 208, 64],
  ["sndWnd", 228, 32],
  ["rcvWnd", 232, 32],
];

/** The bytes TCP_INFO returned, in host byte order (little-endian on x86-64 and arm64). */
export function decodeTcpInfo(bytes: Uint8Array): TcpInfo {
  if (bytes.byteLength < 104) {
    throw new RangeError(`TCP_INFO returned ${bytes.byteLength} bytes, fewer than Linux 2.6 did`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info: Record<string, number | string> = {
    state: STATES[bytes[0]] ?? `state ${bytes[0]}`,
    sndWscale: bytes[6] & 0xf,
    rcvWscale: bytes[6] >> 4,
  };
  for (const [name, offset, width] of FIELDS) {
    if (offset + width / 8 > bytes.byteLength) continue;
    info[name] = width === 8
      ? view.getUint8(offset)
      : width === 32
      ? view.getUint32(offset, true)
      : Number(view.getBigUint64(offset, true));
  }
  return info as unknown as TcpInfo;
}
