/**
 * Counts events and times a window that opens after a warm-up, reading the clock only every
 * `mask + 1` events so that measuring costs nothing per message.
 *
 * The clock starts at the first mark; the measured window opens at the first mark at least `warmMs`
 * later and closes at `finish()`. `expired` turns true once `warmMs + measureMs` have passed, which
 * is how publishers know when to stop.
 *
 * @example
 *   const meter = new RateMeter(100, 300, 1023);
 *   while (!meter.expired) { send(); meter.tick(); }
 *   meter.finish();
 *   meter.rate(); // events per second inside the window
 */
export class RateMeter {
  /** Events so far. */
  count = 0;
  /** True once `warmMs + measureMs` have passed since the first mark. */
  expired = false;
  private tFirst = -1;
  private tStart = -1;
  private startCount = 0;
  private tEnd = -1;
  private endCount = 0;

  constructor(
    private readonly warmMs: number,
    private readonly measureMs: number,
    private readonly mask: number,
  ) {}

  /** One event. */
  tick(): void {
    if ((++this.count & this.mask) === 0) this.mark();
  }

  /** Closes the window now. */
  finish(): void {
    this.tEnd = performance.now();
    this.endCount = this.count;
    if (this.tStart < 0) {
      // Too few events to open the window after warm-up: fall back to the whole run.
      this.tStart = this.tFirst < 0 ? this.tEnd : this.tFirst;
      this.startCount = this.tFirst < 0 ? 0 : this.mask + 1;
    }
  }

  /** Events per second inside the window (after `finish()`). */
  rate(): number {
    const ms = this.tEnd - this.tStart;
    return ms > 0 ? ((this.endCount - this.startCount) * 1000) / ms : 0;
  }

  /** Milliseconds per event inside the window (after `finish()`). */
  periodMs(): number {
    const n = this.endCount - this.startCount;
    return n > 0 ? (this.tEnd - this.tStart) / n : 0;
  }

  private mark(): void {
    const now = performance.now();
    if (this.tFirst < 0) {
      this.tFirst = now;
      return;
    }
    const since = now - this.tFirst;
    if (this.tStart < 0 && since >= this.warmMs) {
      this.tStart = now;
      this.startCount = this.count;
    }
    if (since >= this.warmMs + this.measureMs) this.expired = true;
  }
}
