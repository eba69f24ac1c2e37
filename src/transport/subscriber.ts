/**
 * A subscriber of one topic: reads every frame published after it joined, in order. Under `block` and
 * `reject` the handler gets a view of the frame in place (zero copy): publishers never overwrite a
 * record at or after a subscriber's cursor, and the cursor moves past a frame only after its handler
 * returned. Under `drop-oldest` publishers never wait, so a frame is copied out once and validated
 * against the eviction mark before the handler sees it: a lapped subscriber skips to the oldest frame
 * still in the ring and counts exactly the frames it missed. See RING_FORMAT.md, "Read protocol".
 *
 * @example
 *   const sub = topic.subscriber({ wait: "hybrid" });
 *   while (sub.wait(1000)) sub.poll((f) => console.log(f.seq, f.buffer[f.offset]));
 */
import { errors } from "../errors.js";
import { TWO_POW_32 } from "./clock.js";
import { Doorbell } from "./doorbell.js";
import { FrameView } from "./frame-view.js";
import {
  FRAME_FLAG_PADDING,
  FRAME_HEADER_LENGTH,
  HEAD_INDEX,
  NO_DOORBELL,
  POLICY_CODES,
  SLOT_FREE,
  SUB_CURSOR_OFFSET,
  SUB_DOORBELL_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
  TAIL_INDEX,
  WRITERS_WAITING_INDEX,
} from "./ring-layout.js";
import { SUB_COUNTERS, SUB_COUNTER_WORDS, subCountersOffset } from "./session-layout.js";
import { LatencySampler } from "./latency-sampler.js";
import { ringSpaceWaiters, wakeSpaceWaiters } from "./space-wait.js";
import type { TopicSegment } from "./topic-segment.js";
import { type TakenSlot, joinSlot, resumeSlot, storeExpectedSeq } from "./subscriber-slot.js";
import { StallWatch } from "./detach.js";
import { loadAcquire } from "./acquire.js";
import { mayStorePlainly } from "./fence.js";
import { EvictingCopy } from "./evicting-copy.js";
import { type WaitAlias, type WaitStrategy, type WaitTuning, createWaitStrategy } from "./wait/wait-strategy.js";

const HDR = FRAME_HEADER_LENGTH;
/** The cursor is published to publishers at least every this many frames within one poll. */
const CURSOR_PUBLISH_EVERY = 64;

/** hold() under drop-oldest reads through #pollCopy, which leaves the frame in the view: nothing to call. */
const NO_HANDLER = (): void => {};

/** Called once per frame. */
export type FrameHandler = (frame: FrameView) => void;

/** Options of Topic.subscriber(). */
export interface SubscriberOptions {
  /** How wait() waits: "spin", "hybrid" (default) or "park". */
  wait?: WaitAlias;
  /** Doorbell of the reading host; a subscriber that parks on its own gets a private one. */
  doorbell?: Doorbell;
  /** Owner recorded in the slot (process id between processes). */
  owner?: number;
  /** Spins before `hybrid` parks, and the longest single park. */
  tuning?: WaitTuning;
  /**
   * Take over this active slot instead of joining: a restarted reader resumes at the cursor its
   * predecessor left (the frame it was handling is read again) and keeps its counters.
   */
  resume?: number;
}

/** Reads frames of one topic. Not shared between threads: each thread makes its own. */
export class Subscriber {
  /** The topic's name. */
  readonly topic: string;
  /** Subscriber slot index in the topic segment (and in the counters). */
  readonly slot: number;
  /** Reads every available frame (up to `limit`), calls `handler` on each, returns how many. */
  readonly poll: (handler: FrameHandler, limit?: number) => number;
  readonly #seg: TopicSegment;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #counters: number;
  readonly #cursorWord: number;
  /** The cursor is stored plainly (fence.ts): a publisher parking for space issues the heavy barrier. */
  readonly #plainCursor: boolean;
  readonly #view = new FrameView();
  /** Drop-oldest only: copies each frame out before it is handled (evicting-copy.ts). */
  readonly #copy: EvictingCopy | undefined;
  readonly #doorbell: Doorbell | undefined;
  readonly #ownsDoorbell: boolean;
  readonly #strategy: WaitStrategy;
  #cursor: number;
  /** Drop-oldest: sequence number of the next frame this subscriber expects. */
  #expectedSeq = 0;
  #closed = false;
  readonly #latency: LatencySampler;
  /** This subscriber's delivered and bytes counters, mirrored here so that updating them is one store each. */
  #delivered = 0;
  #bytes = 0;
  /** #delivered when wait() last began to wait. */
  #deliveredAtWait = 0;
  /** Notices a TAIL stuck short of HEAD while this reader finds nothing. */
  readonly #stall: StallWatch;
  /** Reads that found no frame, modulo 64: every 64th checks for a stuck TAIL. */
  #emptyReads = 0;
  /** hold(): the frame held (in place) and where the cursor goes on release(); -1 when none is held. */
  #heldEnd = -1;
  #heldLength = 0;
  /** Frames and payload bytes let go with releaseDeferred() whose space publishers have not been given yet. */
  #deferredCount = 0;
  #deferredBytes = 0;
  /** TAIL as hold() last loaded it: frames before it are committed, so hold() loads TAIL only on reaching it. */
  #knownTail: number;
  /** holdNext(): the frames held, oldest first (their ends, lengths, and whether let go), and the first one's ticket. */
  readonly #ticketEnds: number[] = [];
  readonly #ticketLengths: number[] = [];
  readonly #ticketDone: boolean[] = [];
  #firstTicket = 0;
  /** While frames are held: where holdNext() reads next (past the last one held and any padding after it). */
  #aheadAt = 0;

  /** Takes a subscriber slot and joins at the current tail; use Topic.subscriber(). */
  constructor(seg: TopicSegment, options: SubscriberOptions = {}) {
    this.#seg = seg;
    this.topic = seg.name;
    this.#i32 = seg.i32;
    this.#f64 = seg.session.f64;
    const alias = options.wait ?? "hybrid";
    this.#ownsDoorbell = options.doorbell === undefined && alias !== "spin";
    this.#doorbell = options.doorbell ?? (this.#ownsDoorbell ? new Doorbell(seg.session, seg.waitOps, options.owner ?? 0) : undefined);
    const bell = this.#doorbell === undefined ? NO_DOORBELL | 0 : this.#doorbell.index;
    let taken: TakenSlot;
    try {
      taken = options.resume === undefined ? joinSlot(seg, options.owner ?? 0, bell) : resumeSlot(seg, options.resume, options.owner ?? 0, bell);
    } catch (error) {
      if (this.#ownsDoorbell) this.#doorbell?.release();
      throw error;
    }
    this.slot = taken.slot;
    this.#expectedSeq = taken.expectedSeq;
    this.#cursorWord = (seg.subTableOffset + this.slot * SUB_SLOT_LENGTH + SUB_CURSOR_OFFSET) >> 2;
    this.#cursor = Atomics.load(this.#i32, this.#cursorWord);
    this.#plainCursor = mayStorePlainly(seg.fence);
    this.#knownTail = this.#cursor;
    this.#stall = new StallWatch(seg);
    this.#counters = (seg.countersOffset + subCountersOffset(seg.maxPublishers, this.slot)) >> 3;
    if (options.resume === undefined) this.#f64.fill(0, this.#counters, this.#counters + SUB_COUNTER_WORDS); // a subscriber's counters are its own
    this.#delivered = this.#f64[this.#counters + SUB_COUNTERS.delivered]!;
    this.#bytes = this.#f64[this.#counters + SUB_COUNTERS.bytes]!;
    this.#deliveredAtWait = this.#delivered;
    this.#latency = new LatencySampler(this.#f64, this.#counters);
    this.#copy = seg.policyCode === POLICY_CODES["drop-oldest"] ? new EvictingCopy(seg) : undefined;
    this.#doorbell?.watch(seg.i32, seg.fence);
    this.#strategy = createWaitStrategy(alias, this.#doorbell, () => this.hasData(), options.tuning);
    this.poll = seg.policyCode === POLICY_CODES["drop-oldest"] ? this.#pollCopy.bind(this) : this.#pollInPlace.bind(this);
  }

  /** True when a frame is waiting to be read. */
  hasData(): boolean {
    return loadAcquire(this.#i32, TAIL_INDEX) !== this.#cursor; // SYNC tail
  }

  /** This subscriber's counters: frames delivered and dropped, payload bytes, invalid messages. */
  counts(): { delivered: number; dropped: number; bytes: number; invalid: number } {
    const f64 = this.#f64;
    const c = this.#counters;
    return {
      delivered: f64[c + SUB_COUNTERS.delivered]!,
      dropped: f64[c + SUB_COUNTERS.dropped]!,
      bytes: f64[c + SUB_COUNTERS.bytes]!,
      invalid: f64[c + SUB_COUNTERS.invalid]!,
    };
  }

  /**
   * Waits per the wait strategy until a frame is available; false when `timeoutMs` passed first.
   * The strategy learns how many frames were read since the last wait: a big batch makes it spin
   * again first, a few frames at a time make `hybrid` nap sooner (see wait-strategy.ts).
   */
  wait(timeoutMs = -1): boolean {
    const strategy = this.#strategy;
    const batch = this.#delivered - this.#deliveredAtWait;
    if (batch > 0) {
      // Told even when more frames wait: a reader that keeps finding a few (chasing its publisher
      // frame by frame) naps sooner or later under `hybrid`, and takes them in one batch.
      this.#deliveredAtWait = this.#delivered;
      strategy.idle(batch, timeoutMs);
    }
    if (this.hasData()) return true;
    const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
    // The clock costs ~50 ns here, far more than a poll of the tail: read it once per 1024 idle rounds.
    let left = timeoutMs < 0 ? -1 : timeoutMs;
    for (let round = 1; ; round++) {
      const parked = strategy.idle(0, left);
      if (this.hasData()) return true;
      if (parked || (round & 1023) === 0) {
        const now = performance.now();
        this.#checkStall(now);
        left = deadline === Infinity ? -1 : deadline - now;
        if (deadline !== Infinity && left <= 0) return this.hasData();
      }
    }
  }

  /** A read found no frame: every 64th time, look whether TAIL is stuck (a clock read costs ~50 ns; 64 empty polls, next to nothing). */
  #foundNothing(): void {
    if ((++this.#emptyReads & 63) === 0) this.#checkStall(performance.now());
  }

  /**
   * While this reader finds nothing: TAIL short of HEAD and not moving for LIVENESS_CHECK_MS means the
   * claim at TAIL may be a dead publisher's (later publishers do not wait for it, their frames wait
   * behind it). Recover it, so that they are delivered. Called from wait(), and every 64 empty reads.
   */
  #checkStall(now: number): void {
    const i32 = this.#i32;
    const tail = Atomics.load(i32, TAIL_INDEX);
    if (this.#stall.moved(tail, now)) return; // a stream flows: HEAD's line stays with the publishers
    this.#stall.check(tail, Atomics.load(i32, HEAD_INDEX), now);
  }

  /**
   * From `at`, skips the rest of a lap too short for a header and padding records; returns where the
   * next frame starts, or the tail (#knownTail, loaded only on reaching the last one known) when no
   * frame waits. A record that runs past the tail was written outside the protocol: ERR_ETHER_CORRUPT_RING.
   */
  #nextFrameAt(at: number): number {
    const i32 = this.#i32;
    const seg = this.#seg;
    let tail = this.#knownTail;
    if (at === tail) tail = this.#knownTail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
    while (at !== tail) {
      const remaining = seg.capacity - (at & seg.mask);
      if (remaining < HDR) {
        at = (at + remaining) | 0;
        continue;
      }
      const h = (seg.dataOffset + (at & seg.mask)) >> 2;
      const length = i32[h]!;
      const record = (HDR + length + 7) & ~7;
      if (((tail - at - record) | 0) < 0 || length < 0) throw errors.corruptRing(this.topic, at, tail, length);
      if ((i32[h + 1]! & FRAME_FLAG_PADDING) === 0) return at;
      at = (at + record) | 0;
    }
    return at;
  }

  /**
   * Reads the next frame and keeps it: the view (and anything decoded from it in place) stays valid,
   * and publishers keep off it, until release(). For handlers that finish later (async ones).
   * Returns undefined when no frame is waiting. One frame at a time; do not poll() while holding.
   *
   * @example
   *   for (let f = sub.hold(); f !== undefined; f = sub.hold()) { await handle(f); sub.release(); }
   */
  hold(): FrameView | undefined {
    if (this.#heldEnd !== -1) throw errors.loanState(this.topic, "release() the held frame before holding another");
    if (this.#ticketEnds.length !== 0) throw errors.loanState(this.topic, "let go of the frames of holdNext() before hold()");
    if (this.#seg.policyCode === POLICY_CODES["drop-oldest"]) {
      // Drop-oldest copies each frame out: the copy is the subscriber's own until the next read.
      if (this.#pollCopy(NO_HANDLER, 1) === 0) return undefined;
      this.#heldEnd = this.#cursor;
      this.#heldLength = -1; // already counted
      return this.#view; // the frame is the subscriber's own copy
    }
    const i32 = this.#i32;
    const seg = this.#seg;
    const cursor = this.#nextFrameAt(this.#cursor);
    if (cursor !== this.#knownTail) {
      const h = (seg.dataOffset + (cursor & seg.mask)) >> 2;
      const length = i32[h]!;
      this.#cursor = cursor; // padding before it is consumed; the frame itself is not
      const view = this.#view;
      this.#present(view, seg.u8, i32, h, length);
      this.#heldEnd = (cursor + ((HDR + length + 7) & ~7)) | 0;
      this.#heldLength = length;
      return view;
    }
    if (cursor !== this.#cursor || this.#deferredCount !== 0) this.#finish(cursor, 0, 0);
    this.#foundNothing();
    return undefined;
  }

  /**
   * Like hold(), but keeps every frame held before: shows the next frame in `view` (the caller's, one
   * per frame held at once) and returns its ticket, or -1 when no frame waits. A frame's space goes
   * back to publishers once it and every frame held before it are let go (releaseTicket()), so a
   * reader resumed after a crash starts at the oldest frame not let go. In place only: a drop-oldest
   * topic copies each frame into one buffer, which hold() lends.
   *
   * @example
   *   const t = sub.holdNext(view); if (t >= 0) work(view).then(() => sub.releaseTicket(t));
   */
  holdNext(view: FrameView): number {
    if (this.#heldEnd !== -1) throw errors.loanState(this.topic, "release() the frame of hold() before holdNext()");
    if (this.#seg.policyCode === POLICY_CODES["drop-oldest"]) throw errors.loanState(this.topic, "holdNext() reads in place; a drop-oldest topic copies each frame (use hold())");
    const i32 = this.#i32;
    const seg = this.#seg;
    const held = this.#ticketEnds.length;
    const at = this.#nextFrameAt(held === 0 ? this.#cursor : this.#aheadAt);
    if (at !== this.#knownTail) {
      const h = (seg.dataOffset + (at & seg.mask)) >> 2;
      const length = i32[h]!;
      this.#present(view, seg.u8, i32, h, length);
      this.#aheadAt = (at + ((HDR + length + 7) & ~7)) | 0;
      this.#ticketEnds.push(this.#aheadAt); // padding before it goes back with it
      this.#ticketLengths.push(length);
      this.#ticketDone.push(false);
      return this.#firstTicket + held;
    }
    if (held !== 0) this.#aheadAt = at;
    else if (at !== this.#cursor) this.#finish(at, 0, 0); // only padding: hand it back
    this.#foundNothing();
    return -1;
  }

  /** Lets go of a frame of holdNext(); hands back the space of every frame let go before the oldest one still held. */
  releaseTicket(ticket: number): void {
    const index = ticket - this.#firstTicket;
    if (!(index >= 0 && index < this.#ticketEnds.length) || this.#ticketDone[index]) throw errors.loanState(this.topic, `releaseTicket(${ticket}): not a frame held`);
    this.#ticketDone[index] = true;
    let count = 0;
    let bytes = 0;
    let end = this.#cursor;
    while (count < this.#ticketDone.length && this.#ticketDone[count]) {
      end = this.#ticketEnds[count]!;
      bytes += this.#ticketLengths[count]!;
      count++;
    }
    if (count === 0) return;
    this.#ticketEnds.splice(0, count);
    this.#ticketLengths.splice(0, count);
    this.#ticketDone.splice(0, count);
    this.#firstTicket += count;
    this.#finish(end, count, bytes);
  }

  /** True when a frame waits that holdNext() has not taken yet. */
  hasUnheld(): boolean {
    const held = this.#ticketEnds.length;
    return loadAcquire(this.#i32, TAIL_INDEX) !== (held === 0 ? this.#cursor : this.#aheadAt); // SYNC tail
  }

  /** Lets go of the frame taken by hold(): publishers may reuse its space (and that of frames let go with releaseDeferred()). */
  release(): void {
    const end = this.#heldEnd;
    if (end === -1) throw errors.loanState(this.topic, "release() without a held frame");
    this.#heldEnd = -1;
    if (this.#heldLength < 0) return; // drop-oldest: counted when copied
    this.#finish(end, 1, this.#heldLength);
  }

  /**
   * Lets go of the frame taken by hold() without handing its space back yet: that happens, for this
   * frame and the ones deferred before it, every CURSOR_PUBLISH_EVERY frames, when hold() finds no
   * frame, and on flush(), release() or close(). Saves a shared-memory store per frame for a loop
   * of handlers that finish at once; the delivered counters lag as long. A reader resumed after a
   * crash starts again at the last frame handed back.
   */
  releaseDeferred(): void {
    const end = this.#heldEnd;
    if (end === -1) throw errors.loanState(this.topic, "releaseDeferred() without a held frame");
    this.#heldEnd = -1;
    if (this.#heldLength < 0) return; // drop-oldest: counted when copied
    this.#cursor = end;
    this.#deferredBytes += this.#heldLength;
    if (++this.#deferredCount === CURSOR_PUBLISH_EVERY) this.#finish(end, 0, 0);
  }

  /** Hands publishers the space of the frames let go with releaseDeferred(), and counts them. */
  flush(): void {
    if (this.#deferredCount !== 0) this.#finish(this.#cursor, 0, 0);
  }

  /** Counts a frame this subscriber's host found invalid (it was not delivered to a handler). */
  countInvalid(): void {
    this.#f64[this.#counters + SUB_COUNTERS.invalid]! += 1;
  }

  /** Leaves the topic: publishers stop waiting for this subscriber. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#doorbell?.unwatch(this.#seg.i32);
    const base = (this.#seg.subTableOffset + this.slot * SUB_SLOT_LENGTH) >> 2;
    Atomics.store(this.#i32, base + (SUB_DOORBELL_OFFSET >> 2), NO_DOORBELL | 0);
    Atomics.store(this.#i32, base + (SUB_STATE_OFFSET >> 2), SLOT_FREE);
    if (this.#ownsDoorbell) this.#doorbell?.release();
    wakeSpaceWaiters(this.#seg);
  }

  #pollInPlace(handler: FrameHandler, limit = 0x7fffffff): number {
    const i32 = this.#i32;
    const tail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
    let cursor = this.#cursor;
    if (cursor === tail) {
      this.#foundNothing();
      return 0;
    }
    const seg = this.#seg;
    const u8 = seg.u8;
    const mask = seg.mask;
    const capacity = seg.capacity;
    const data = seg.dataOffset;
    const view = this.#view;
    view.locate(u8, i32, 0, 0); // the frames below only move it (no object stores per frame)
    const latency = this.#latency;
    let count = 0;
    let bytes = 0;
    try {
      while (cursor !== tail && count < limit) {
        const remaining = capacity - (cursor & mask);
        if (remaining < HDR) {
          cursor = (cursor + remaining) | 0;
          continue;
        }
        const h = (data + (cursor & mask)) >> 2;
        const length = i32[h]!;
        const next = (cursor + ((HDR + length + 7) & ~7)) | 0;
        // A record never runs past the committed tail; one that does was written outside the protocol.
        if (((tail - next) | 0) < 0 || length < 0) throw errors.corruptRing(this.topic, cursor, tail, length);
        if ((i32[h + 1]! & FRAME_FLAG_PADDING) !== 0) {
          // Wrap padding runs to the end of the lap; a dead publisher's recovered claim may be shorter.
          cursor = next;
          continue;
        }
        if ((count & (CURSOR_PUBLISH_EVERY - 1)) === CURSOR_PUBLISH_EVERY - 1) this.#storeCursor(cursor);
        view.move(h, length);
        if (latency.due()) latency.sample((i32[h + 4]! >>> 0) + i32[h + 5]! * TWO_POW_32);
        cursor = next;
        count++;
        bytes += length;
        handler(view);
      }
    } finally {
      this.#finish(cursor, count, bytes);
    }
    return count;
  }

  #pollCopy(handler: FrameHandler, limit = 0x7fffffff): number {
    const copy = this.#copy!;
    const view = this.#view;
    let cursor = this.#cursor;
    let count = 0;
    let bytes = 0;
    try {
      while (count < limit) {
        if (!copy.next(cursor)) {
          cursor = copy.cursor;
          if (count === 0) this.#foundNothing();
          break;
        }
        cursor = copy.cursor;
        const length = copy.length;
        this.#present(view, copy.bytes, copy.words, 0, length);
        this.#f64[this.#counters + SUB_COUNTERS.dropped]! += view.seq - this.#expectedSeq;
        this.#expectedSeq = view.seq + 1;
        count++;
        bytes += length;
        handler(view);
      }
    } finally {
      this.#finish(cursor, count, bytes);
    }
    return count;
  }

  /** Points the view at a frame, and samples its latency one frame in LATENCY_SAMPLE_EVERY. */
  #present(view: FrameView, buffer: Uint8Array, words: Int32Array, h: number, length: number): void {
    view.locate(buffer, words, h, length);
    if (this.#latency.due()) this.#latency.sample((words[h + 4]! >>> 0) + words[h + 5]! * TWO_POW_32);
  }

  /** Hands publishers the space before `cursor`: a release store. */
  #storeCursor(cursor: number): void {
    if (this.#plainCursor) this.#i32[this.#cursorWord] = cursor; // SYNC cursor: a release store on x86-64 (fence.ts)
    else Atomics.store(this.#i32, this.#cursorWord, cursor); // SYNC cursor
  }

  /** Publishes the cursor (freeing the space before it) and counts the frames read, with any deferred ones. */
  #finish(cursor: number, count: number, bytes: number): void {
    this.#cursor = cursor;
    if (this.#deferredCount !== 0) {
      count += this.#deferredCount;
      bytes += this.#deferredBytes;
      this.#deferredCount = 0;
      this.#deferredBytes = 0;
    }
    if (this.#copy !== undefined) storeExpectedSeq(this.#seg, this.#cursorWord, this.#expectedSeq); // drop-oldest (the cursor is the slot's first word)
    this.#storeCursor(cursor);
    if (count !== 0) {
      const f64 = this.#f64;
      f64[this.#counters + SUB_COUNTERS.delivered] = this.#delivered += count;
      f64[this.#counters + SUB_COUNTERS.bytes] = this.#bytes += bytes;
    }
    if (loadAcquire(this.#i32, WRITERS_WAITING_INDEX) !== 0) ringSpaceWaiters(this.#seg, cursor); // SYNC writers-waiting
  }
}
