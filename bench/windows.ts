/**
 * Timed windows: a warm-up that is not counted, then {@linkcode WINDOWS}
 * windows back to back, each ending at its time or at its count, whichever
 * comes first. A step is one awaited operation (or a batch of them: it
 * returns how many it did).
 *
 * @module
 */
import { type TimedPlan, WINDOWS } from "./plan.ts";

/** One measured window. */
export interface Window {
  /** Operations completed in the window. */
  ops: number;
  /** The window's length, from its first step's start to its last step's end (ms). */
  ms: number;
  /** Each step's duration (ms), where asked for. */
  samples?: number[];
}

/** How to run the windows. */
export interface WindowOptions {
  /** Keep each step's duration (for percentiles). */
  samples?: boolean;
  /** Called after the warm-up (0) and after each window (1..WINDOWS). */
  onWindow?(done: number, of: number): void;
}

async function phase(plan: { ms: number; maxOps: number }, step: () => Promise<number>, samples?: number[]): Promise<Window> {
  const began = performance.now();
  let ops = 0;
  for (;;) {
    const start = performance.now();
    ops += await step();
    const end = performance.now();
    samples?.push(end - start);
    if (end - began >= plan.ms || ops >= plan.maxOps) return { ops, ms: end - began, ...(samples ? { samples } : {}) };
  }
}

/**
 * The warm-up, then the windows.
 *
 * @example
 * ```ts
 * import { timedWindows } from "./windows.ts";
 * const windows = await timedWindows({ warmupMs: 10, windowMs: 10, maxOps: 1000 }, () => Promise.resolve(1));
 * console.log(windows.map((w) => w.ops / w.ms * 1000)); // operations per second, per window
 * ```
 */
export async function timedWindows(plan: TimedPlan, step: () => Promise<number>, options: WindowOptions = {}): Promise<Window[]> {
  await phase({ ms: plan.warmupMs, maxOps: plan.maxOps }, step);
  options.onWindow?.(0, WINDOWS);
  const windows: Window[] = [];
  for (let i = 1; i <= WINDOWS; i++) {
    windows.push(await phase({ ms: plan.windowMs, maxOps: plan.maxOps }, step, options.samples ? [] : undefined));
    options.onWindow?.(i, WINDOWS);
  }
  return windows;
}

/**
 * Operations per second in a window.
 *
 * @example
 * ```ts
 * import { perSecond } from "./windows.ts";
 * perSecond({ ops: 50, ms: 100 }); // 500
 * ```
 */
export function perSecond(window: Window): number {
  return window.ops / window.ms * 1000;
}
