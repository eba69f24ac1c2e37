// A Timer the test drives by hand: callbacks run only inside advance(), in due order, and each is
// followed by a flush of pending promise work, so async health checks settle before time moves on.
import type { Timer } from "../../src/lifecycle/index.js";

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Lets every promise chain started so far run to its next real wait (a few macrotask turns). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class ManualTimer implements Timer {
  now = 0;
  #seq = 0;
  #queue: Scheduled[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const entry: Scheduled = { at: this.now + ms, seq: this.#seq++, callback, cancelled: false };
    this.#queue.push(entry);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    (handle as Scheduled).cancelled = true;
  }

  /** Callbacks scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.#queue.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by `ms`, running each callback that falls due (and flushing after each). */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      this.#queue = this.#queue.filter((e) => !e.cancelled);
      const due = this.#queue.filter((e) => e.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#queue.splice(this.#queue.indexOf(due), 1);
      this.now = due.at;
      due.callback();
      await flush();
    }
    this.now = end;
    await flush();
  }
}
