// Pretend this is a third-party package: plain classes, no decorators, no import of etherflow.
// Ether wires them into a session through the YAML `registry:` section (see ../pipeline.yaml).

/** Exponential smoothing of a noisy signal: smoothed = alpha * raw + (1 - alpha) * previous. */
export class SignalFilter {
  readonly alpha: number;
  #previous: number | undefined;

  constructor({ alpha = 0.5 }: { alpha?: number } = {}) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
    this.alpha = alpha;
  }

  /** Takes one sample `{ index, value }`, returns it with its smoothed value. */
  process_data(msg: { index: number; value: number }): { index: number; raw: number; smoothed: number } {
    const smoothed = this.#previous === undefined ? msg.value : this.alpha * msg.value + (1 - this.alpha) * this.#previous;
    this.#previous = smoothed;
    return { index: msg.index, raw: msg.value, smoothed: Math.round(smoothed * 1000) / 1000 };
  }
}

/** Prints what it is given, one line per sample. */
export class Reporter {
  readonly #prefix: string;
  count = 0;

  constructor({ prefix = "Reporter" }: { prefix?: string } = {}) {
    this.#prefix = prefix;
  }

  report(msg: { index: number; raw: number; smoothed: number }): void {
    this.count++;
    console.log(`${this.#prefix}: sample ${msg.index} raw ${msg.raw.toFixed(3)} -> smoothed ${msg.smoothed.toFixed(3)}`);
  }
}
