/**
 * Counts events and times a window that opens after a warm-up, reading the clock only now and then
 * so that measuring costs next to nothing per message (a clock read is ~50–150 ns on this VM, more
 * than a whole raw-sab message).
 *
 * The clock is read every `mask + 1` events. The mask starts at 0 and doubles (up to `maxMask`)
 * whenever two reads came less than 1 ms apart, so a fast stream soon reads the clock once per ~1000
 * messages while a slow one (a starved round trip, a 1 MiB clone) still reads it every event and
 * its window opens and closes on time. The window opens at the first read at least `warmMs` after
 * the first event and closes at `finish()`; `expired` turns true once `warmMs + measureMs` have
 * passed, which is how publishers know when to stop.
 *
 * @example
 *   const meter = new RateMeter(100, 300);
 *   while (!meter.expired) { send(); meter.tick(); }
 *   meter.finish();
 *   meter.rate(); // events per second inside the window
 */
export class RateMeter {
  /** Events so far. */
  count = 0;
  /** True once `warmMs + measureMs` have passed since the first event. */
  expired = false;
  private mask = 0;
  private tFirst = -1;
  private tLast = -1;
  private tStart = -1;
  private startCount = 0;
  private tEnd = -1;
  private endCount = 0;

  constructor(
    private readonly warmMs: number,
    private readonly measureMs: number,
    private readonly maxMask = 1023,
  ) {}

  /** One event. */
  tick(): void {
    if ((++this.count & this.mask) === 0) this.mark();
  }

  /** Closes the window now. Throws when the window never opened (too few events after warm-up). */
  finish(): void {
    this.tEnd = performance.now();
    this.endCount = this.count;
    if (this.tStart < 0 || this.endCount === this.startCount) {
      throw new Error(
        `too few events to measure: ${this.count} in ${(this.tEnd - this.tFirst).toFixed(1)} ms, ` +
          `warm-up ${this.warmMs} ms (machine starved?)`,
      );
    }
  }

  /** Events per second inside the window (after `finish()`). */
  rate(): number {
    return ((this.endCount - this.startCount) * 1000) / (this.tEnd - this.tStart);
  }

  /** Milliseconds per event inside the window (after `finish()`). */
  periodMs(): number {
    return (this.tEnd - this.tStart) / (this.endCount - this.startCount);
  }

  private mark(): void {
    const now = performance.now();
    if (this.tFirst < 0) this.tFirst = now;
    else if (now - this.tLast < 1 && this.mask < this.maxMask) this.mask = this.mask * 2 + 1;
    this.tLast = now;
    const since = now - this.tFirst;
    if (this.tStart < 0 && since >= this.warmMs) {
      this.tStart = now;
      this.startCount = this.count;
    }
    if (since >= this.warmMs + this.measureMs) this.expired = true;
  }
}
