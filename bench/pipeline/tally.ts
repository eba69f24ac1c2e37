/**
 * What every implementation of `pipeline-dict` shares: the messages, the generator's bookkeeping and
 * the collector's (`PipelineTally`), so that ether, postMessage and zeromq-json do the same work per
 * message and are checked the same way.
 *
 * ```
 *                      +-> processor k=2 --+
 *   generator --data---+                   +--result--> collector
 *                      +-> processor k=4 --+
 * ```
 *
 * - The generator sends `{ seq, t, value }` (seq = 0, 1, 2, …; t = seq·1e-3; value = seq·0.5), one
 *   reused object, for the trial's warm-up + measured window.
 * - Each processor receives every message and sends `{ seq, k, value: value·k }` (a new object).
 * - The collector receives 2 results per generated message. It checks that, per processor, `seq`
 *   runs 0, 1, 2, … without gap, repeat or reorder and that `value` is right, and that each processor
 *   delivered exactly as many results as the generator sent (so every message was processed by both
 *   processors and nothing was lost).
 *
 * **The rate** is generated messages per second that came out of the pipeline completely: the
 * collector's results per second over its measured window, divided by 2. (The collector handles
 * twice that many messages; the two figures differ by exactly 2× for every implementation.)
 */
import { RateMeter } from "../lib/meter.js";

/** What the generator sends. */
export interface DataMessage {
  seq: number;
  t: number;
  value: number;
}

/** What a processor sends. */
export interface ResultMessage {
  seq: number;
  k: number;
  value: number;
}

/** Multipliers of the two processors (as in the quickstart); `k` also tells the collector who sent a result. */
export const PROCESSOR_KS: readonly [number, number] = [2, 4];

/** Results the collector receives per generated message. */
export const FANOUT = PROCESSOR_KS.length;

/** Trial lengths a pipeline role measures with. */
export interface PipelineTiming {
  readonly warmMs: number;
  readonly measureMs: number;
}

/** What the generator reports when it stops. */
export interface GeneratedTotal {
  /** Messages sent. */
  count: number;
  /** Sum of the low bytes of their sequence numbers (int32). */
  sum: number;
}

/** What the collector reports (plain data: it travels as a dict message, structured clone or JSON). */
export interface PipelineReport {
  /** Results per processor, in `PROCESSOR_KS` order. */
  count0: number;
  count1: number;
  sum0: number;
  sum1: number;
  /** Results with an unknown `k`, a `seq` out of order or a wrong `value`. */
  bad: number;
  /** The first of them, described ("" when none). */
  firstBad: string;
  /** Collector results per second / FANOUT: generated messages per second through the pipeline. */
  rate: number;
}

/** Fills the generator's reused message for sequence number `seq`. */
export function fillData(msg: DataMessage, seq: number): void {
  msg.seq = seq;
  msg.t = seq * 1e-3;
  msg.value = seq * 0.5;
}

/** A processor's work on one message. */
export function processData(m: DataMessage, k: number): ResultMessage {
  return { seq: m.seq, k, value: m.value * k };
}

/** The collector's bookkeeping: order and value checks per processor, counts, checksums and the rate. */
export class PipelineTally {
  readonly meter: RateMeter;
  #count0 = 0;
  #count1 = 0;
  #sum0 = 0;
  #sum1 = 0;
  #bad = 0;
  #firstBad = "";

  constructor(timing: PipelineTiming) {
    this.meter = new RateMeter(timing.warmMs, timing.measureMs);
  }

  /**
   * One result. Every result counts for its processor, in order or not, so a wrong one cannot stall
   * the end of the trial (or the postMessage credit window); `bad` makes the trial fail.
   */
  add(m: ResultMessage): void {
    const seq = m.seq;
    if (m.k === PROCESSOR_KS[0]) {
      if (seq !== this.#count0 || m.value !== seq * 0.5 * m.k) this.#wrong(m);
      this.#count0++;
      this.#sum0 = (this.#sum0 + (seq & 255)) | 0;
    } else if (m.k === PROCESSOR_KS[1]) {
      if (seq !== this.#count1 || m.value !== seq * 0.5 * m.k) this.#wrong(m);
      this.#count1++;
      this.#sum1 = (this.#sum1 + (seq & 255)) | 0;
    } else this.#wrong(m);
    this.meter.tick();
  }

  #wrong(m: ResultMessage): void {
    if (this.#bad++ === 0) {
      this.#firstBad =
        `result ${JSON.stringify(m)} after ${this.#count0} results of k=${PROCESSOR_KS[0]} ` +
        `and ${this.#count1} of k=${PROCESSOR_KS[1]}`;
    }
  }

  /** Results received from the slower processor: every generated message up to here is complete. */
  get complete(): number {
    return Math.min(this.#count0, this.#count1);
  }

  /** True once both processors delivered `total` results each. */
  reached(total: number): boolean {
    return this.#count0 >= total && this.#count1 >= total;
  }

  /** Closes the measured window (at the last result) and reports. */
  finish(): PipelineReport {
    this.meter.finish();
    return {
      count0: this.#count0,
      count1: this.#count1,
      sum0: this.#sum0,
      sum1: this.#sum1,
      bad: this.#bad,
      firstBad: this.#firstBad,
      rate: this.meter.rate() / FANOUT,
    };
  }
}

/** Throws unless the collector got every generated message from both processors, in order and right. */
export function checkPipeline(impl: string, gen: GeneratedTotal, r: PipelineReport): void {
  const problems: string[] = [];
  if (r.bad > 0) problems.push(`${r.bad} result(s) out of order or wrong, first: ${r.firstBad}`);
  if (r.count0 !== gen.count || r.sum0 !== gen.sum) {
    problems.push(`k=${PROCESSOR_KS[0]} delivered count=${r.count0} sum=${r.sum0}`);
  }
  if (r.count1 !== gen.count || r.sum1 !== gen.sum) {
    problems.push(`k=${PROCESSOR_KS[1]} delivered count=${r.count1} sum=${r.sum1}`);
  }
  if (problems.length > 0) {
    throw new Error(`${impl}: delivery mismatch: generated count=${gen.count} sum=${gen.sum}; ${problems.join("; ")}`);
  }
}
