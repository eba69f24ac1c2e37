/**
 * The `pipeline-dict` components for the `ether` implementation: plain classes with the public
 * decorators, run by a real session (`pipeline.bench.ts` taps a config that names them by
 * `./components.js#Generator` etc.). Each instance runs on its own worker thread.
 *
 * - `Generator`: its `@start()` method loops for the trial's warm-up + measured window, calling the
 *   `@pub("data")` method `emit` (which fills and returns one reused `{ seq, t, value }`); the
 *   `block` policy of `data` holds it back when the processors fall behind. Then it publishes its
 *   total on `pipeline/generated`.
 * - `Processor` (two instances, k = 2 and 4): `@sub("data") @pub("result")`, returns
 *   `{ seq, k, value: value * k }`.
 * - `Collector`: `@sub("result")` feeds a `PipelineTally` (order, value and count checks, RateMeter);
 *   `@sub("pipeline/generated")` learns the total. Once both processors delivered the total it
 *   publishes its report on `pipeline/report`, which the trial's main thread reads.
 *
 * The work per message is the same as in the postMessage and zeromq-json implementations
 * (`tally.ts`).
 */
import { pub, start, sub } from "../../src/index.js";
import { RateMeter } from "../lib/meter.js";
import {
  PipelineTally,
  fillData,
  processData,
  type DataMessage,
  type GeneratedTotal,
  type PipelineReport,
  type PipelineTiming,
  type ResultMessage,
} from "./tally.js";

/** Topic on which the generator publishes its total once it stops. */
export const GENERATED_TOPIC = "pipeline/generated";
/** Topic on which the collector publishes its report. */
export const REPORT_TOPIC = "pipeline/report";

/** What the collector publishes: its tally and the generator's total it checked against. */
export interface CollectorReport extends PipelineReport {
  genCount: number;
  genSum: number;
  /** Why the collector could not measure ("" when it could). */
  error: string;
}

export class Generator {
  readonly #timing: PipelineTiming;
  readonly #msg: DataMessage = { seq: 0, t: 0, value: 0 };

  constructor(kwargs: PipelineTiming) {
    this.#timing = kwargs;
  }

  @pub("data")
  emit(seq: number): DataMessage {
    fillData(this.#msg, seq);
    return this.#msg;
  }

  @pub(GENERATED_TOPIC)
  generated(total: GeneratedTotal): GeneratedTotal {
    return total;
  }

  @start()
  run(): void {
    const meter = new RateMeter(this.#timing.warmMs, this.#timing.measureMs);
    let i = 0;
    let sum = 0;
    while (!meter.expired) {
      this.emit(i);
      sum = (sum + (i & 255)) | 0;
      i++;
      meter.tick();
    }
    this.generated({ count: i, sum });
  }
}

export class Processor {
  readonly #k: number;

  constructor(kwargs: { k: number }) {
    this.#k = kwargs.k;
  }

  @sub("data")
  @pub("result")
  process(m: DataMessage): ResultMessage {
    return processData(m, this.#k);
  }
}

export class Collector {
  readonly #tally: PipelineTally;
  #total: GeneratedTotal | undefined;
  #reported = false;

  constructor(kwargs: PipelineTiming) {
    this.#tally = new PipelineTally(kwargs);
  }

  @sub("result")
  collect(m: ResultMessage): void {
    this.#tally.add(m);
    if (this.#total !== undefined) this.#maybeReport();
  }

  @sub(GENERATED_TOPIC)
  generated(total: GeneratedTotal): void {
    this.#total = { count: total.count, sum: total.sum };
    this.#maybeReport();
  }

  @pub(REPORT_TOPIC)
  report(r: CollectorReport): CollectorReport {
    return r;
  }

  #maybeReport(): void {
    const total = this.#total!;
    if (this.#reported || !this.#tally.reached(total.count)) return;
    this.#reported = true;
    let tally: PipelineReport;
    try {
      tally = this.#tally.finish();
    } catch (e) {
      // The trial waits for a report: send the reason rather than only logging a handler error.
      tally = { count0: 0, count1: 0, sum0: 0, sum1: 0, bad: 0, firstBad: "", rate: 0 };
      this.report({ ...tally, genCount: total.count, genSum: total.sum, error: (e as Error).message });
      return;
    }
    this.report({ ...tally, genCount: total.count, genSum: total.sum, error: "" });
  }
}
