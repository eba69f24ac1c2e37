/**
 * A monotonic clock in nanoseconds, as a plain number (no BigInt on the hot path), comparable across
 * the threads and processes of one machine: `performance.now()` counts from a per-realm origin, so each
 * realm measures once how far its origin lies from the system's monotonic clock
 * (`process.hrtime`, CLOCK_MONOTONIC on Linux) and adds that offset.
 *
 * Precision: float64 holds integers exactly up to 2^53 ns (about 104 days of uptime); beyond that the
 * value loses sub-nanosecond bits only.
 *
 * @example
 *   const t0 = monotonicNs();
 */
import { performance } from "node:perf_hooks";

const originNs = Number(process.hrtime.bigint()) - performance.now() * 1e6;

/** Nanoseconds on the machine-wide monotonic clock. */
export function monotonicNs(): number {
  return originNs + performance.now() * 1e6;
}

/** 2^32, for splitting a u64 into two u32 words. */
export const TWO_POW_32 = 4294967296;
