// A digitizer, a calibration driver that crashes now and then (as real instrument drivers do), and a
// sink that checks that nothing was lost. The driver runs in its own process with a restart policy.
import { every, pub, skip, sub } from "etherflow";

/** Samples a (simulated) voltage every 2 ms: `count` samples numbered 0, 1, 2, … on daq/samples. */
export class Digitizer {
  #seq = 0;
  constructor(private readonly opts: { count: number }) {}

  @every("2ms")
  @pub("daq/samples")
  sample(): { seq: number; volts: number } | typeof skip {
    if (this.#seq >= this.opts.count) return skip;
    const seq = this.#seq++;
    return { seq, volts: Math.sin(seq / 20) };
  }
}

/**
 * Calibrates each sample. It "crashes" (kills its own process, like a segfault in a native driver)
 * after every `crash_every` samples it handled, right after publishing one: that sample is then in
 * flight, so its successor calibrates it again.
 */
export class CalibrationDriver {
  #handled = 0;
  constructor(private readonly opts: { gain: number; crash_every: number }) {}

  @sub("daq/samples")
  @pub("daq/calibrated")
  calibrate({ seq, volts }: { seq: number; volts: number }): { seq: number; volts: number; pid: number } {
    const out = { seq, volts: volts * this.opts.gain, pid: process.pid };
    if (++this.#handled === this.opts.crash_every) {
      this.publishNow(out);
      process.kill(process.pid, "SIGKILL");
    }
    return out;
  }

  /** Publishes a result at once (the crash comes before the handler could return it). */
  @pub("daq/calibrated")
  publishNow(out: { seq: number; volts: number; pid: number }): { seq: number; volts: number; pid: number } {
    return out;
  }
}

/** Collects the calibrated samples and reports, at cleanup, what arrived. */
export class Sink {
  readonly #seen = new Set<number>();
  readonly #drivers = new Set<number>();
  #received = 0;
  constructor(private readonly opts: { expected: number }) {}

  @sub("daq/calibrated")
  take({ seq, pid }: { seq: number; pid: number }): void {
    this.#received++;
    this.#seen.add(seq);
    this.#drivers.add(pid);
  }

  /** True once every expected sample arrived. */
  get complete(): boolean {
    return this.#seen.size >= this.opts.expected;
  }

  cleanup(): void {
    const missing = this.opts.expected - this.#seen.size;
    console.log(`Sink: ${this.#seen.size} of ${this.opts.expected} samples calibrated, ${missing} missing`);
    console.log(`Sink: ${this.#received - this.#seen.size} delivered twice (in flight at a crash), by ${this.#drivers.size} driver processes`);
  }
}
