/**
 * A publisher of one topic: claims space in the ring, writes a frame (one copy with publish(), none
 * with a loan), and commits it in claim order. See RING_FORMAT.md, "Publish protocol".
 *
 * @example
 *   const pub = topic.publisher();
 *   pub.publish(new Uint8Array([1, 2, 3]));          // one copy
 *   const view = pub.loan(1 << 20)!;                 // write in place…
 *   view.fill(7);
 *   pub.commit();                                    // …and make it visible
 */
import { errors } from "../errors.js";
import { TWO_POW_32, monotonicNs } from "./clock.js";
import {
  DOORBELL_PARKED_OFFSET,
  DOORBELL_RUNG_OFFSET,
  DOORBELL_SEQ_OFFSET,
  PUB_COUNTERS,
  pubCountersOffset,
} from "./session-layout.js";
import {
  FRAME_FLAGS_OFFSET,
  FRAME_FLAG_PADDING,
  FRAME_HEADER_LENGTH,
  FRAME_LENGTH_OFFSET,
  FRAME_PUBLISHER_OFFSET,
  FRAME_SCHEMA_OFFSET,
  FRAME_SEQ_HI_OFFSET,
  FRAME_SEQ_LO_OFFSET,
  FRAME_TIME_HI_OFFSET,
  FRAME_TIME_LO_OFFSET,
  HEAD_INDEX,
  NEXT_SEQ_HI_INDEX,
  NEXT_SEQ_LO_INDEX,
  NO_DOORBELL,
  OLDEST_INDEX,
  POLICY_CODES,
  PUB_CLAIM_END_OFFSET,
  PUB_CLAIM_START_OFFSET,
  PUB_ID_OFFSET,
  PUB_OWNER_OFFSET,
  PUB_SLOT_LENGTH,
  PUB_STATE_OFFSET,
  READERS_PARKED_INDEX,
  RECOVERED_INDEX,
  SLOT_ACTIVE,
  SLOT_DEAD,
  SLOT_FREE,
  SPACE_RUNG_INDEX,
  SPACE_SEQ_INDEX,
  SUB_CURSOR_OFFSET,
  SUB_DOORBELL_OFFSET,
  SUB_OWNER_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
  TAIL_INDEX,
  TURN_WAITERS_INDEX,
  WRITERS_WAITING_INDEX,
} from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { LIVENESS_CHECK_MS, isOwnerAlive } from "./liveness.js";
import { detachSubscriber, recoverDeadClaims } from "./detach.js";

const HDR = FRAME_HEADER_LENGTH;
const BLOCK = POLICY_CODES.block;
const DROP_OLDEST = POLICY_CODES["drop-oldest"];
/** Spins before a blocked publisher parks. */
const BLOCK_SPINS = 200;
/** Longest single park of a blocked publisher, so it re-checks dead readers and its deadline. */
const BLOCK_PARK_MS = 50;

/** Writes frames into one topic. Not shared between threads: each thread makes its own. */
export class Publisher {
  /** The whole topic segment as bytes: claim() returns payload offsets into it. */
  readonly buffer: Uint8Array;
  /** Session-wide id written into every frame. */
  readonly id: number;
  /** The topic's name. */
  readonly topic: string;
  readonly #seg: TopicSegment;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #counters: number;
  readonly #slot: number;
  /** Int32 indices of this slot's claim intent words. */
  readonly #intentStart: number;
  readonly #intentEnd: number;
  readonly #mask: number;
  readonly #capacity: number;
  readonly #data: number;
  /** -1 once closed, so every claim fails. */
  #maxFrame: number;
  readonly #policy: number;
  /** Lowest position any reader may still need, as last computed: only rises, so a stale value is safe. */
  #floor: number;
  #pending = false;
  #claimStart = 0;
  #claimEnd = 0;
  #frameAt = 0;
  #length = 0;
  #closed = false;
  /** End of this publisher's last commit: a claim starting there needs no turn check. */
  #lastEnd = -1;
  /** The slot's published and bytes counters, mirrored here so that updating them is one store each. */
  #published: number;
  #bytes: number;

  /** Takes a publisher slot of the topic; use Topic.publisher(). `owner` is the process id between processes. */
  constructor(seg: TopicSegment, owner = 0) {
    this.#seg = seg;
    this.topic = seg.name;
    this.buffer = seg.u8;
    this.#i32 = seg.i32;
    this.#f64 = seg.session.f64;
    this.#mask = seg.mask;
    this.#capacity = seg.capacity;
    this.#data = seg.dataOffset;
    this.#maxFrame = seg.maxFrame;
    this.#policy = seg.policyCode;
    this.#slot = this.#takeSlot(owner);
    this.#intentStart = this.#slotWord(PUB_CLAIM_START_OFFSET);
    this.#intentEnd = this.#slotWord(PUB_CLAIM_END_OFFSET);
    this.id = seg.session.nextPublisherId();
    this.#i32[(seg.pubTableOffset + this.#slot * PUB_SLOT_LENGTH + PUB_ID_OFFSET) >> 2] = this.id;
    this.#counters = (seg.countersOffset + pubCountersOffset(this.#slot)) >> 3;
    this.#published = this.#f64[this.#counters + PUB_COUNTERS.published]!;
    this.#bytes = this.#f64[this.#counters + PUB_COUNTERS.bytes]!;
    // The floor starts at the slowest reader, not at the tail: other publishers may have filled the ring.
    this.#floor = 0;
    this.#refreshFloor();
  }

  /**
   * Copies `bytes` into the ring as one frame. Returns false only under policy "reject" when the ring
   * is full (counted); under "block" waits for space up to the topic's timeout, then throws.
   */
  publish(bytes: Uint8Array, schemaId = 0): boolean {
    const at = this.claim(bytes.length, schemaId);
    if (at < 0) return false;
    this.buffer.set(bytes, at);
    this.commit();
    return true;
  }

  /**
   * Lends a writable view of `length` bytes inside the ring; fill it, then commit(). Returns undefined
   * when policy "reject" finds the ring full. One loan at a time per publisher.
   */
  loan(length: number, schemaId = 0): Uint8Array | undefined {
    const at = this.claim(length, schemaId);
    return at < 0 ? undefined : this.buffer.subarray(at, at + length);
  }

  /**
   * Allocation-free loan: claims a frame of `length` bytes and returns the byte offset of its payload
   * in `buffer` (8-byte aligned), or -1 when policy "reject" finds the ring full. Then commit().
   */
  claim(length: number, schemaId = 0): number {
    if (this.#pending) throw errors.loanState(this.topic, "commit() the previous loan before claiming again");
    if (!(length >= 0 && length <= this.#maxFrame)) {
      if (this.#closed) throw errors.closed(`publisher of topic "${this.topic}"`);
      throw errors.frameTooLarge(this.topic, length, this.#maxFrame);
    }
    const i32 = this.#i32;
    const capacity = this.#capacity;
    const record = (HDR + length + 7) & ~7;
    for (;;) {
      const head = Atomics.load(i32, HEAD_INDEX);
      const remaining = capacity - (head & this.#mask);
      const pad = record > remaining ? remaining : 0;
      const end = (head + pad + record) | 0;
      const limit = (end - capacity) | 0;
      if (((this.#floor - limit) | 0) < 0 && !this.#makeRoom(limit)) return -1;
      // The clock is read before the CAS: from the CAS to the commit, publishers that claim after this
      // one wait for it, so that window is kept short (a publisher preempted inside it holds them all).
      const now = monotonicNs();
      // The intent goes first, so that if this process dies after the CAS its claim can be recovered.
      i32[this.#intentStart] = head;
      i32[this.#intentEnd] = end;
      if (Atomics.compareExchange(i32, HEAD_INDEX, head, end) !== head) continue; // SYNC head
      if (this.#policy === DROP_OLDEST) this.#evict(limit);
      if (pad >= HDR) {
        const p = (this.#data + (head & this.#mask)) >> 2;
        i32[p] = pad - HDR;
        i32[p + 1] = FRAME_FLAG_PADDING;
      }
      const frame = this.#data + ((head + pad) & this.#mask);
      const h = frame >> 2;
      const hi = (now / TWO_POW_32) | 0;
      i32[h] = length;
      i32[h + (FRAME_FLAGS_OFFSET >> 2)] = 0;
      i32[h + (FRAME_TIME_LO_OFFSET >> 2)] = (now - hi * TWO_POW_32) | 0;
      i32[h + (FRAME_TIME_HI_OFFSET >> 2)] = hi;
      i32[h + (FRAME_PUBLISHER_OFFSET >> 2)] = this.id;
      i32[h + (FRAME_SCHEMA_OFFSET >> 2)] = schemaId;
      this.#claimStart = head;
      this.#claimEnd = end;
      this.#frameAt = h;
      this.#length = length;
      this.#pending = true;
      return frame + HDR;
    }
  }

  /** Makes the claimed frame visible to subscribers (in claim order among publishers) and rings parked readers. */
  commit(): void {
    if (!this.#pending) throw errors.loanState(this.topic, "commit() without a claim or loan");
    const i32 = this.#i32;
    const start = this.#claimStart;
    // Publishers commit in claim order: wait for the one that claimed before us. If our previous
    // commit ended where this claim starts, nobody claimed in between and TAIL is already ours.
    if (start !== this.#lastEnd && Atomics.load(i32, TAIL_INDEX) !== start) this.#awaitTurn(start); // SYNC tail
    const lo = i32[NEXT_SEQ_LO_INDEX]!;
    const hi = i32[NEXT_SEQ_HI_INDEX]!;
    const h = this.#frameAt;
    i32[h + (FRAME_SEQ_LO_OFFSET >> 2)] = lo;
    i32[h + (FRAME_SEQ_HI_OFFSET >> 2)] = hi;
    i32[NEXT_SEQ_LO_INDEX] = (lo + 1) | 0;
    if (lo === -1) i32[NEXT_SEQ_HI_INDEX] = (hi + 1) | 0;
    Atomics.store(i32, TAIL_INDEX, this.#claimEnd); // SYNC tail: the frame becomes visible
    if (Atomics.load(i32, TURN_WAITERS_INDEX) !== 0) this.#seg.waitOps.wake(i32, TAIL_INDEX, 0x7fffffff); // SYNC turn
    this.#lastEnd = this.#claimEnd;
    this.#pending = false;
    const f64 = this.#f64;
    const c = this.#counters;
    f64[c + PUB_COUNTERS.published] = ++this.#published;
    f64[c + PUB_COUNTERS.bytes] = this.#bytes += this.#length;
    if (Atomics.load(i32, READERS_PARKED_INDEX) !== 0) this.#ringParkedReaders(); // SYNC parked
  }

  /** Gives the publisher slot back. A pending loan is committed first so later publishers are not held. */
  close(): void {
    if (this.#closed) return;
    if (this.#pending) this.commit();
    this.#closed = true;
    this.#maxFrame = -1;
    Atomics.store(this.#i32, this.#slotWord(PUB_STATE_OFFSET), SLOT_FREE);
  }

  #takeSlot(owner: number): number {
    const seg = this.#seg;
    for (let slot = 0; slot < seg.maxPublishers; slot++) {
      const state = (seg.pubTableOffset + slot * PUB_SLOT_LENGTH + PUB_STATE_OFFSET) >> 2;
      if (Atomics.compareExchange(this.#i32, state, SLOT_FREE, SLOT_ACTIVE) === SLOT_FREE) {
        this.#i32[(seg.pubTableOffset + slot * PUB_SLOT_LENGTH + PUB_OWNER_OFFSET) >> 2] = owner;
        return slot;
      }
    }
    throw errors.noSlot(seg.name, "publisher", seg.maxPublishers);
  }

  #slotWord(offset: number): number {
    return (this.#seg.pubTableOffset + this.#slot * PUB_SLOT_LENGTH + offset) >> 2;
  }

  /** Recomputes the floor: the tail, lowered to the slowest active subscriber unless policy is drop-oldest. */
  #refreshFloor(): number {
    const i32 = this.#i32;
    const seg = this.#seg;
    let floor = Atomics.load(i32, TAIL_INDEX);
    let slowest = -1;
    if (this.#policy !== DROP_OLDEST) {
      for (let slot = 0; slot < seg.maxSubscribers; slot++) {
        const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
        if (Atomics.load(i32, base + (SUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) continue;
        const cursor = Atomics.load(i32, base + (SUB_CURSOR_OFFSET >> 2)); // SYNC cursor
        if (((cursor - floor) | 0) < 0) {
          floor = cursor;
          slowest = slot;
        }
      }
    }
    this.#floor = floor;
    return slowest;
  }

  /** Waits (block), refuses (reject) or waits only for in-flight publishers (drop-oldest) until `limit` is free. */
  #makeRoom(limit: number): boolean {
    let slowest = this.#refreshFloor();
    if (((this.#floor - limit) | 0) >= 0) return true;
    if (this.#policy !== BLOCK && this.#policy !== DROP_OLDEST) {
      this.#f64[this.#counters + PUB_COUNTERS.rejected]! += 1;
      return false;
    }
    const i32 = this.#i32;
    const started = performance.now();
    const deadline = started + this.#seg.blockTimeoutMs;
    let livenessAt = started + LIVENESS_CHECK_MS;
    this.#f64[this.#counters + PUB_COUNTERS.blocked]! += 1;
    for (let spin = 0; ; spin++) {
      slowest = this.#refreshFloor();
      if (((this.#floor - limit) | 0) >= 0) return true;
      if (spin < BLOCK_SPINS) continue;
      const now = performance.now();
      if (now >= livenessAt && slowest >= 0) {
        livenessAt = now + LIVENESS_CHECK_MS;
        if (this.#detachIfDead(slowest)) continue;
      }
      const left = deadline - now;
      if (left <= 0) throw errors.publishTimeout(this.topic, this.#seg.blockTimeoutMs, slowest);
      // Park: announce, re-check, then sleep on SPACE_SEQ; a reader that frees space bumps it.
      const seen = Atomics.load(i32, SPACE_SEQ_INDEX);
      Atomics.store(i32, SPACE_RUNG_INDEX, 0);
      Atomics.add(i32, WRITERS_WAITING_INDEX, 1); // SYNC writers-waiting
      try {
        this.#refreshFloor();
        if (((this.#floor - limit) | 0) >= 0) return true;
        this.#seg.waitOps.wait(i32, SPACE_SEQ_INDEX, seen, Math.min(left, BLOCK_PARK_MS));
      } finally {
        Atomics.sub(i32, WRITERS_WAITING_INDEX, 1);
      }
    }
  }

  /** Detaches subscriber `slot` if its process died; true when it did. */
  #detachIfDead(slot: number): boolean {
    const base = (this.#seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
    if (isOwnerAlive(this.#i32[base + (SUB_OWNER_OFFSET >> 2)]!)) return false;
    return detachSubscriber(this.#seg, slot);
  }


  /** Drop-oldest: moves OLDEST past `limit` record by record before the space is overwritten. */
  #evict(limit: number): void {
    const i32 = this.#i32;
    const capacity = this.#capacity;
    for (;;) {
      const oldest = Atomics.load(i32, OLDEST_INDEX);
      if (((oldest - limit) | 0) >= 0) return;
      const remaining = capacity - (oldest & this.#mask);
      let next: number;
      if (remaining < HDR) next = oldest + remaining;
      else {
        // A racing publisher may have evicted and overwritten this record; the CAS below then fails.
        const length = i32[(this.#data + (oldest & this.#mask) + FRAME_LENGTH_OFFSET) >> 2]! >>> 0;
        const record = (HDR + length + 7) & ~7;
        next = record > remaining || record < HDR ? oldest + remaining : oldest + record;
      }
      Atomics.compareExchange(i32, OLDEST_INDEX, oldest, next | 0); // SYNC oldest
    }
  }

  /**
   * Another publisher claimed before us and has not committed yet: spin briefly, then sleep on TAIL
   * (announced in TURN_WAITERS, so the committer wakes us; a publisher preempted in the middle of its
   * frame gets the core back meanwhile). Every 32 sleeps, recover the claim at TAIL if its publisher is
   * known to be gone (owner DEAD_OWNER, set by a supervisor); after LIVENESS_CHECK_MS without progress,
   * also ask the system whether the holder's process still exists.
   */
  #awaitTurn(start: number): void {
    const i32 = this.#i32;
    let since = 0;
    for (let round = 0; ; round++) {
      const tail = Atomics.load(i32, TAIL_INDEX);
      if (tail === start) return;
      if (round < 200) continue;
      Atomics.add(i32, TURN_WAITERS_INDEX, 1); // SYNC turn
      if (Atomics.load(i32, TAIL_INDEX) === tail) this.#seg.waitOps.wait(i32, TAIL_INDEX, tail, 1);
      Atomics.sub(i32, TURN_WAITERS_INDEX, 1);
      if ((round & 31) !== 0) continue;
      const now = performance.now();
      if (since === 0) since = now;
      const probe = now - since > LIVENESS_CHECK_MS;
      if (probe) since = now;
      recoverDeadClaims(this.#seg, probe);
    }
  }

  /** Rings the doorbell of every active subscriber whose host said it is parked. */
  #ringParkedReaders(): void {
    const i32 = this.#i32;
    const seg = this.#seg;
    const s32 = seg.session.i32;
    for (let slot = 0; slot < seg.maxSubscribers; slot++) {
      const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
      if (Atomics.load(i32, base + (SUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) continue;
      const bell = Atomics.load(i32, base + (SUB_DOORBELL_OFFSET >> 2));
      if (bell === (NO_DOORBELL | 0)) continue;
      const at = seg.session.doorbellOffset(bell);
      if (Atomics.load(s32, (at + DOORBELL_PARKED_OFFSET) >> 2) === 0) continue; // SYNC parked
      // One wake per park: whoever sets RUNG first rings; later frames find the sleeper already woken.
      // Load before CAS: a failed CAS still takes the line exclusive, a load leaves it shared.
      const rung = (at + DOORBELL_RUNG_OFFSET) >> 2;
      if (Atomics.load(s32, rung) !== 0 || Atomics.compareExchange(s32, rung, 0, 1) !== 0) continue;
      Atomics.add(s32, (at + DOORBELL_SEQ_OFFSET) >> 2, 1);
      seg.waitOps.wake(s32, (at + DOORBELL_SEQ_OFFSET) >> 2, 1);
    }
  }
}
