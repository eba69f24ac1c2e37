/**
 * Reads a topic from outside the session's instances, over all of its rings: a topic that several
 * hosts publish has one ring per publishing host (lanes.ts). One subscriber per ring, one doorbell for
 * all of them; poll() takes the rings in turn, so each publisher's frames arrive in its order.
 *
 * @example
 *   const reader = engine.subscribe("result", { wait: "hybrid" });
 *   while (reader.wait(1000)) reader.poll((f) => console.log(f.seq, f.buffer[f.offset]));
 *   reader.close();
 */
import { Doorbell, type FrameHandler, type Subscriber, type Topic, type WaitAlias, type WaitStrategy, createWaitStrategy } from "../transport/index.js";

/** A reader of every ring of one topic. */
export class TopicReader {
  /** The topic's name. */
  readonly topic: string;
  readonly #subs: Subscriber[];
  readonly #doorbell: Doorbell | undefined;
  readonly #strategy: WaitStrategy;
  #closed = false;
  /** Frames poll() handed out since wait() last told the strategy. */
  #batch = 0;

  /** Subscribes to each of `rings` (the topic's own ring first); use SessionEngine.subscribe(). */
  constructor(topic: string, rings: readonly Topic[], wait: WaitAlias) {
    this.topic = topic;
    const seg = rings[0]!.segment;
    this.#doorbell = wait === "spin" ? undefined : new Doorbell(seg.session, seg.waitOps, seg.waitOps.kind === "shm" ? process.pid : 0);
    this.#subs = [];
    try {
      for (const ring of rings) this.#subs.push(ring.subscriber({ wait, ...(this.#doorbell !== undefined ? { doorbell: this.#doorbell } : {}) }));
    } catch (error) {
      this.close();
      throw error;
    }
    this.#strategy = createWaitStrategy(wait, this.#doorbell, () => this.hasData());
  }

  /** Reads the waiting frames of every ring (up to `limit` in all), calls `handler` on each; returns how many. */
  poll(handler: FrameHandler, limit = 0x7fffffff): number {
    let count = 0;
    for (const sub of this.#subs) {
      if (count >= limit) break;
      count += sub.poll(handler, limit - count);
    }
    this.#batch += count;
    return count;
  }

  /** True when a frame is waiting on some ring. */
  hasData(): boolean {
    for (const sub of this.#subs) if (sub.hasData()) return true;
    return false;
  }

  /** Waits per the wait strategy until a frame is waiting; false when `timeoutMs` (negative: no limit) passed first. */
  wait(timeoutMs = -1): boolean {
    const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
    if (this.#batch > 0) {
      // Told even when more frames wait, as Subscriber.wait() does: a reader that keeps finding a few
      // frames naps sooner or later under hybrid, and takes them in one batch.
      this.#strategy.idle(this.#batch, timeoutMs);
      this.#batch = 0;
    }
    for (;;) {
      if (this.hasData()) return true;
      const left = deadline === Infinity ? -1 : deadline - performance.now();
      if (deadline !== Infinity && left <= 0) return false;
      this.#strategy.idle(0, left);
    }
  }

  /** Frames delivered and dropped, payload bytes and invalid messages, over every ring. */
  counts(): { delivered: number; dropped: number; bytes: number; invalid: number } {
    const total = { delivered: 0, dropped: 0, bytes: 0, invalid: 0 };
    for (const sub of this.#subs) {
      const c = sub.counts();
      total.delivered += c.delivered;
      total.dropped += c.dropped;
      total.bytes += c.bytes;
      total.invalid += c.invalid;
    }
    return total;
  }

  /** Leaves every ring: publishers stop waiting for this reader. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const sub of this.#subs) sub.close();
    this.#doorbell?.release();
  }
}
