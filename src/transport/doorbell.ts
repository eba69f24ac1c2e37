/**
 * A doorbell: one 32-bit word in the session segment that a reading host parks on, whichever of its
 * topics has data. A publisher rings it only when the host said it is parked, so a busy reader costs
 * publishers one load per frame. Only the sleeper clears its own "parked" flag (a ringer that cleared
 * it could consume a flag set for an older tail and skip the wake that mattered).
 *
 * Park protocol (sleeper):  seen = SEQ; RUNG = 0; PARKED = 1; READERS_PARKED++ on each watched
 *                           topic; if no data: wait(SEQ, seen); READERS_PARKED--; PARKED = 0.
 * Ring protocol (publisher): store TAIL; if READERS_PARKED != 0: for each subscriber whose doorbell is
 *                           PARKED: if CAS(RUNG, 0, 1) succeeds: SEQ++, wake(SEQ).
 * With sequentially consistent atomics either the sleeper's re-check sees the new tail or the
 * publisher sees READERS_PARKED > 0, so no wake is lost (a lone publisher's TAIL store is plain: for
 * topics that allow it the sleeper issues the heavy barrier before its re-check, see fence.ts); RUNG limits the wakes to one per park (a
 * failed CAS means SEQ was already bumped after the reset, so the sleeper's wait returns anyway).
 *
 * @example
 *   const bell = new Doorbell(session, threadWaitOps);
 *   bell.watch(topicSegment.i32);
 *   bell.park(() => sub.hasData(), 1000);
 */
import { DOORBELL_PARKED_OFFSET, DOORBELL_RUNG_OFFSET, DOORBELL_SEQ_OFFSET } from "./session-layout.js";
import { FENCE_FULL, READERS_PARKED_INDEX } from "./ring-layout.js";
import { UNFENCED_PARK_MS, heavyBarrier } from "./fence.js";
import type { SessionSegment } from "./session-segment.js";
import type { WaitOps } from "./wait-ops.js";


/** The doorbell of one reading host (a worker thread, a process, or one standalone subscriber). */
export class Doorbell {
  /** Index in the session's doorbell table; subscriber slots record it. */
  readonly index: number;
  readonly #session: SessionSegment;
  readonly #s32: Int32Array;
  readonly #seq: number;
  readonly #parked: number;
  readonly #rung: number;
  readonly #waitOps: WaitOps;
  #watched: Int32Array[] = [];
  /** TOPIC_FENCE of each watched topic, and the strongest of them (FENCE_FULL needs no barrier). */
  #fences: number[] = [];
  #barrier = FENCE_FULL;
  #released = false;

  /** Claims a doorbell in the session segment. */
  constructor(session: SessionSegment, waitOps: WaitOps, owner = 0) {
    this.#session = session;
    this.#s32 = session.i32;
    this.#waitOps = waitOps;
    this.index = session.claimDoorbell(owner);
    const at = session.doorbellOffset(this.index);
    this.#seq = (at + DOORBELL_SEQ_OFFSET) >> 2;
    this.#parked = (at + DOORBELL_PARKED_OFFSET) >> 2;
    this.#rung = (at + DOORBELL_RUNG_OFFSET) >> 2;
  }

  /**
   * Counts this doorbell among the parked readers of a topic (given by its segment's Int32Array) while
   * parked; `fence` is the topic's TOPIC_FENCE.
   */
  watch(topic: Int32Array, fence: number = FENCE_FULL): void {
    this.#watched.push(topic);
    this.#fences.push(fence);
    this.#barrier = Math.max(this.#barrier, fence);
  }

  /** Stops counting this doorbell for a topic (once per earlier watch). */
  unwatch(topic: Int32Array): void {
    const at = this.#watched.indexOf(topic);
    if (at < 0) return;
    this.#watched.splice(at, 1);
    this.#fences.splice(at, 1);
    this.#barrier = Math.max(FENCE_FULL, ...this.#fences);
  }

  /**
   * Parks until a publisher rings, `timeoutMs` passes (negative: no limit) or ring() is called, unless
   * `hasWork()` says there is data once the park is announced.
   */
  park(hasWork: () => boolean, timeoutMs: number): void {
    const seen = this.#announce();
    try {
      const timeout = this.#fenced(timeoutMs); // before the re-check
      if (!hasWork()) this.#waitOps.wait(this.#s32, this.#seq, seen, timeout);
    } finally {
      this.#withdraw();
    }
  }

  /** park() without blocking the thread: the same announce protocol, then an asynchronous wait. */
  async parkAsync(hasWork: () => boolean, timeoutMs: number): Promise<void> {
    const seen = this.#announce();
    try {
      const timeout = this.#fenced(timeoutMs); // before the re-check
      if (!hasWork()) await this.#waitOps.waitAsync(this.#s32, this.#seq, seen, timeout);
    } finally {
      this.#withdraw();
    }
  }

  /** Announces a park (see the protocol above); returns the SEQ value to wait on. */
  #announce(): number {
    const s32 = this.#s32;
    const watched = this.#watched;
    const seen = Atomics.load(s32, this.#seq);
    Atomics.store(s32, this.#rung, 0);
    Atomics.store(s32, this.#parked, 1); // SYNC parked
    for (let i = 0; i < watched.length; i++) Atomics.add(watched[i]!, READERS_PARKED_INDEX, 1);
    return seen;
  }

  /**
   * Between the announce and the re-check: the heavy barrier, if a watched topic has a lone publisher's
   * plain commits to order (fence.ts). Returns how long the park may last: `timeoutMs`, or at most
   * UNFENCED_PARK_MS when this thread cannot issue the barrier and a wake could be missed.
   */
  #fenced(timeoutMs: number): number {
    if (this.#barrier === FENCE_FULL || heavyBarrier(this.#barrier)) return timeoutMs;
    return timeoutMs < 0 || timeoutMs > UNFENCED_PARK_MS ? UNFENCED_PARK_MS : timeoutMs;
  }

  /** Ends a park: only the sleeper clears its own flag. */
  #withdraw(): void {
    const watched = this.#watched;
    for (let i = 0; i < watched.length; i++) Atomics.sub(watched[i]!, READERS_PARKED_INDEX, 1);
    Atomics.store(this.#s32, this.#parked, 0);
  }

  /**
   * Sleeps up to `ms` without announcing it: publishers do not ring a napping host, so a nap costs
   * them nothing; ring() still ends it early. The caller re-checks its data afterwards.
   */
  nap(ms: number): void {
    this.#waitOps.wait(this.#s32, this.#seq, Atomics.load(this.#s32, this.#seq), ms);
  }

  /** Wakes the host if it is parked (used to stop a host, or to hand it work from outside). */
  ring(): void {
    Atomics.add(this.#s32, this.#seq, 1);
    this.#waitOps.wake(this.#s32, this.#seq, 0x7fffffff);
  }

  /** Rings doorbell `index` of a session from anywhere (a session stopping a host, say). */
  static ring(session: SessionSegment, waitOps: WaitOps, index: number): void {
    const seq = (session.doorbellOffset(index) + DOORBELL_SEQ_OFFSET) >> 2;
    Atomics.add(session.i32, seq, 1);
    waitOps.wake(session.i32, seq, 0x7fffffff);
  }

  /** Gives the doorbell back to the session. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#watched = [];
    this.#fences = [];
    this.#barrier = FENCE_FULL;
    this.#session.releaseDoorbell(this.index);
  }
}
