/**
 * A rate limit for compiling templates. Building one costs tens of microseconds (a frame copy and
 * `new Function`), repaid after a few hundred fast-path messages. A topic that cycles through more
 * shapes than the caches hold would otherwise rebuild on every message; with the budget the first
 * few builds are immediate and later ones wait for `every` general-path frames, which bounds the
 * overhead to a fraction of a microsecond per message in the worst case.
 *
 * @example
 *   budget.tick();                       // once per general-path frame
 *   if (budget.take()) templates.push(build());
 */
export class BuildBudget {
  private builds = 0;
  private since = 0;

  /**
   * @param free builds allowed before the limit applies
   * @param every general-path frames between later builds
   */
  constructor(
    private readonly free = 8,
    private readonly every = 256,
  ) {}

  /** Counts one general-path frame. */
  tick(): void {
    this.since++;
  }

  /** True (and counted) when a build may happen now. */
  take(): boolean {
    if (this.builds < this.free || this.since >= this.every) {
      this.builds++;
      this.since = 0;
      return true;
    }
    return false;
  }
}
