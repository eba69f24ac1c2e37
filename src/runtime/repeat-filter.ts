/**
 * Keeps a repeated log line from flooding: a handler that throws the same error on every message at
 * a kilohertz would otherwise print (and publish on `ether/log`) a thousand lines a second. A line
 * equal to the one before it, within a window of REPEAT_WINDOW_MS from when that one was printed, is
 * counted instead; the count is told in one line when a different line comes, when the window has
 * passed and the line comes again, or at flush() (the host stopping).
 *
 * @example
 *   const filter = new RepeatFilter((line) => print(line));
 *   filter.offer({ key: "error|a|boom", ... });
 */

/** How long repeats of a printed line are only counted. */
export const REPEAT_WINDOW_MS = 1000;

/** One log line as the filter sees it: `key` says which lines are the same. */
export interface FilteredLine<T> {
  readonly key: string;
  readonly line: T;
}

/** Passes lines on, counting repeats (see the module comment). Not shared between threads. */
export class RepeatFilter<T> {
  readonly #emit: (line: T, repeatsBefore?: { count: number; ms: number }) => void;
  #last: FilteredLine<T> | undefined;
  #since = 0;
  #repeats = 0;

  /**
   * `emit(line)` prints a line; `emit(line, { count, ms })` says that `line` was repeated `count`
   * more times in the last `ms` (printed before whatever comes next).
   */
  constructor(emit: (line: T, repeatsBefore?: { count: number; ms: number }) => void) {
    this.#emit = emit;
  }

  /** Prints `entry` or counts it as a repeat. `now`: ms on a monotonic clock. */
  offer(entry: FilteredLine<T>, now = performance.now()): void {
    const last = this.#last;
    if (last !== undefined && last.key === entry.key && now - this.#since < REPEAT_WINDOW_MS) {
      this.#repeats++;
      return;
    }
    this.flush(now);
    this.#last = entry;
    this.#since = now;
    this.#emit(entry.line);
  }

  /** Tells the repeats counted so far, if any. */
  flush(now = performance.now()): void {
    if (this.#repeats === 0 || this.#last === undefined) return;
    this.#emit(this.#last.line, { count: this.#repeats, ms: Math.round(now - this.#since) });
    this.#repeats = 0;
  }
}
