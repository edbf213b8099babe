/**
 * The short human string a result shows as "observed".
 *
 * @module
 */
import type { CaseResult } from "./result.ts";

function word(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Puts first what explains a divergence: the value an assertion saw, then an
 * unexpected socket error, then everything the case observed.
 */
export function describe(result: CaseResult, actual?: string): string {
  const parts: string[] = [];
  const observed = Object.values(result.observations).map(word);
  // The value an assertion saw leads, unless the observations already say it
  // (or it is a bare flag that they explain better).
  const flag = actual !== undefined && /^(undefined|null|true|false)$/.test(actual) && observed.length > 0;
  if (actual !== undefined && !flag && !observed.some((o) => o === actual || o.startsWith(`${actual} (`))) parts.push(actual);
  if (result.error) {
    const raw = result.error.raw;
    parts.push(`${result.error.code} on ${result.error.op} (${raw.class}${raw.code !== undefined ? ` ${raw.code}` : ""})`);
  }
  for (const [key, value] of Object.entries(result.observations)) parts.push(`${key}=${word(value)}`);
  return parts.join("; ");
}

export { word as show };
