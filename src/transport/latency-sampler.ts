/**
 * The publish-to-read latency histogram of one subscriber slot (session segment counters): one frame
 * in LATENCY_SAMPLE_EVERY is sampled (a clock read costs about as much as reading a small frame),
 * counting across polls and starting with the first frame ever read. Bucket i counts latencies in
 * [2^i, 2^(i+1)) ns.
 *
 * @example
 *   const sampler = new LatencySampler(f64, countersIndex);
 *   sampler.frameRead(publishTimeNs);
 */
import { monotonicNs } from "./clock.js";
import { LATENCY_BUCKETS, SUB_COUNTERS } from "./session-layout.js";

/** One frame in this many is sampled. */
export const LATENCY_SAMPLE_EVERY = 64;

/** Samples read latencies into a subscriber slot's histogram. Not shared between threads. */
export class LatencySampler {
  readonly #f64: Float64Array;
  /** Float64 index of bucket 0. */
  readonly #histogram: number;
  /** Frames until the next sample. */
  #countdown = 0;

  /** `counters`: float64 index of the slot's counters in `f64`. */
  constructor(f64: Float64Array, counters: number) {
    this.#f64 = f64;
    this.#histogram = counters + SUB_COUNTERS.latencyHistogram;
  }

  /** True when the frame being read now is to be sampled (then call sample() with its publish time). */
  due(): boolean {
    if (this.#countdown-- !== 0) return false;
    this.#countdown = LATENCY_SAMPLE_EVERY - 1;
    return true;
  }

  /** Counts the latency of a frame published at `publishTimeNs`. */
  sample(publishTimeNs: number): void {
    const ns = monotonicNs() - publishTimeNs;
    const bucket = ns < 1 ? 0 : Math.min(LATENCY_BUCKETS - 1, 31 - Math.clz32(ns > 0xffffffff ? 0xffffffff : ns));
    this.#f64[this.#histogram + bucket]! += 1;
  }
}
