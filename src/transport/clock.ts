/**
 * A monotonic clock in nanoseconds, as a plain number (no BigInt on the hot path), comparable across
 * the threads and processes of one machine: `process.hrtime()` reads CLOCK_MONOTONIC (libuv's
 * uv_hrtime), the same clock in every realm and process, so no per-realm origin is involved.
 *
 * Why hrtime() and not performance.now(): on Node 20 performance.now() adds a receiver brand check
 * and a float conversion around the same clock read (~60 ns here against ~39 ns); the [s, ns] pair
 * hrtime() returns is not allocated once the call is inlined (escape analysis), and the publisher
 * reads the clock once per frame.
 *
 * Precision: float64 holds integers exactly up to 2^53 ns (about 104 days of uptime); beyond that the
 * value loses sub-nanosecond bits only.
 *
 * @example
 *   const t0 = monotonicNs();
 */
const hrtime = process.hrtime;

/** Nanoseconds on the machine-wide monotonic clock. */
export function monotonicNs(): number {
  const t = hrtime();
  return t[0] * 1e9 + t[1];
}

/** 2^32, for splitting a u64 into two u32 words. */
export const TWO_POW_32 = 4294967296;
