/**
 * A publisher of one topic: claims space in the ring, writes a frame (one copy with publish(), none
 * with a loan), and commits it; frames become visible in claim order, but a publisher never waits for
 * another one to commit (see commit.ts). See RING_FORMAT.md, "Publish protocol".
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
import { PUB_COUNTERS, pubCountersOffset } from "./session-layout.js";
import {
  FRAME_FLAGS_OFFSET,
  FRAME_FLAG_PADDING,
  FRAME_HEADER_LENGTH,
  FRAME_LENGTH_OFFSET,
  FRAME_PUBLISHER_OFFSET,
  FRAME_SCHEMA_OFFSET,
  FRAME_SEQ_HI_OFFSET,
  takenMark,
  FRAME_TIME_HI_OFFSET,
  FRAME_TIME_LO_OFFSET,
  EXCLUSIVE_INDEX,
  HEAD_INDEX,
  OLDEST_INDEX,
  POLICY_CODES,
  PUB_CLAIM_END_OFFSET,
  PUB_CLAIM_START_OFFSET,
  PUB_COMMITTING_OFFSET,
  PUB_ID_OFFSET,
  PUB_OWNER_OFFSET,
  PUB_SLOT_LENGTH,
  PUB_STATE_OFFSET,
  READERS_PARKED_INDEX,
  SLOT_ACTIVE,
  SLOT_FREE,
  SUB_CURSOR_OFFSET,
  SUB_OWNER_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
  TAIL_INDEX,
} from "./ring-layout.js";
import type { Policy, TopicSegment } from "./topic-segment.js";
import { LIVENESS_CHECK_MS, isOwnerAlive } from "./liveness.js";
import { StallWatch, detachSubscriber, recoverDeadClaims } from "./detach.js";
import { commitFrame, commitFramePlainly, commitReady, ringParkedReaders } from "./commit.js";
import { parkForSpace } from "./space-wait.js";
import { joinPublishers, leaveExclusive } from "./exclusive.js";
import { loadAcquire } from "./acquire.js";

const HDR = FRAME_HEADER_LENGTH;
const BLOCK = POLICY_CODES.block;
const DROP_OLDEST = POLICY_CODES["drop-oldest"];
/** Spins before a blocked publisher parks. */
const BLOCK_SPINS = 200;
/** Longest single park of a blocked publisher, so it re-checks dead readers and its deadline. */
const BLOCK_PARK_MS = 50;
/** #aloneMark of a publisher that may not claim alone: EXCLUSIVE never holds it. */
const NEVER_ALONE = -2;

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
  /** What this publisher writes into a ready claim's SEQ_HI when it takes it (names its slot, see takenMark). */
  readonly #takenMark: number;
  /** Int32 indices of this slot's claim intent words. */
  readonly #intentStart: number;
  readonly #intentEnd: number;
  /** Int32 index of this slot's PUB_COMMITTING word. */
  readonly #committing: number;
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
  /** Int32 index of the claim's first header (the wrap padding's, if it begins with one): where it is stamped ready. */
  #firstAt = 0;
  #length = 0;
  /** When the claim was made (monotonic ns). */
  #claimNs = 0;
  /** Notices a TAIL stuck short of this publisher's claims (timed by the claims' clock readings). */
  readonly #stall: StallWatch;
  #closed = false;
  /** End of this publisher's last commit if it moved TAIL there itself (else -1): a claim starting there holds TAIL. */
  #lastEnd = -1;
  /** The slot's published and bytes counters, mirrored here so that updating them is one store each. */
  #published: number;
  #bytes: number;
  /** EXCLUSIVE while this publisher claims alone (slot + 1); a value EXCLUSIVE never holds when it may not. */
  readonly #aloneMark: number;
  /** The pending claim was made alone (plain stores), not by CAS. */
  #claimedAlone = false;
  /** See giveUpWhen(). */
  #giveUp: (() => boolean) | undefined;

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
    this.#takenMark = takenMark(this.#slot);
    this.#stall = new StallWatch(seg);
    this.#intentStart = this.#slotWord(PUB_CLAIM_START_OFFSET);
    this.#intentEnd = this.#slotWord(PUB_CLAIM_END_OFFSET);
    this.#committing = this.#slotWord(PUB_COMMITTING_OFFSET);
    this.id = seg.session.nextPublisherId();
    this.#i32[(seg.pubTableOffset + this.#slot * PUB_SLOT_LENGTH + PUB_ID_OFFSET) >> 2] = this.id;
    this.#counters = (seg.countersOffset + pubCountersOffset(this.#slot)) >> 3;
    this.#published = this.#f64[this.#counters + PUB_COUNTERS.published]!;
    this.#bytes = this.#f64[this.#counters + PUB_COUNTERS.bytes]!;
    // The floor starts at the slowest reader, not at the tail: other publishers may have filled the ring.
    this.#floor = 0;
    this.#refreshFloor();
    try {
      this.#aloneMark = joinPublishers(seg, this.#slot) ? this.#slot + 1 : NEVER_ALONE;
    } catch (error) {
      Atomics.store(this.#i32, this.#slotWord(PUB_STATE_OFFSET), SLOT_FREE);
      throw error;
    }
  }

  /**
   * Copies `bytes` into the ring as one frame. Returns false only under policy "reject" when the ring
   * is full (counted); under "block" waits for space up to the topic's timeout, then throws (or
   * returns false once giveUpWhen()'s check says so, counted as rejected too).
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
   * when policy "reject" finds the ring full (or a blocked claim gives up, see giveUpWhen()). One loan
   * at a time per publisher.
   */
  loan(length: number, schemaId = 0): Uint8Array | undefined {
    const at = this.claim(length, schemaId);
    return at < 0 ? undefined : this.buffer.subarray(at, at + length);
  }

  /**
   * Allocation-free loan: claims a frame of `length` bytes and returns the byte offset of its payload
   * in `buffer` (8-byte aligned), or -1 when policy "reject" finds the ring full (or a blocked claim
   * gives up, see giveUpWhen()). Then commit().
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
      const head = loadAcquire(i32, HEAD_INDEX);
      const remaining = capacity - (head & this.#mask);
      const pad = record > remaining ? remaining : 0;
      const end = (head + pad + record) | 0;
      const limit = (end - capacity) | 0;
      if (((this.#floor - limit) | 0) < 0 && !this.#makeRoom(limit)) return -1;
      // The clock is read before the CAS: frames claimed after this one become visible only once it is
      // committed, so the window from the CAS to the commit is kept short.
      const now = monotonicNs();
      // The intent goes first, so that if this process dies after the CAS its claim can be recovered.
      i32[this.#intentStart] = head;
      i32[this.#intentEnd] = end;
      // Alone: a plain store (x86-64 keeps it after the intent; see exclusive.ts). Else by CAS.
      const alone = loadAcquire(i32, EXCLUSIVE_INDEX) === this.#aloneMark;
      if (alone) i32[HEAD_INDEX] = end;
      else if (Atomics.compareExchange(i32, HEAD_INDEX, head, end) !== head) continue; // SYNC head
      this.#claimedAlone = alone;
      if (this.#policy === DROP_OLDEST) this.#evict(limit);
      const frame = this.#data + ((head + pad) & this.#mask);
      const h = frame >> 2;
      let first = h;
      if (pad >= HDR) {
        first = (this.#data + (head & this.#mask)) >> 2;
        i32[first] = pad - HDR;
        i32[first + 1] = FRAME_FLAG_PADDING;
        i32[first + (FRAME_SEQ_HI_OFFSET >> 2)] = 0; // not ready: whatever an earlier lap left there goes
      }
      const hi = (now / TWO_POW_32) | 0;
      i32[h] = length;
      i32[h + (FRAME_FLAGS_OFFSET >> 2)] = 0;
      i32[h + (FRAME_TIME_LO_OFFSET >> 2)] = (now - hi * TWO_POW_32) | 0;
      i32[h + (FRAME_TIME_HI_OFFSET >> 2)] = hi;
      i32[h + (FRAME_PUBLISHER_OFFSET >> 2)] = this.id;
      i32[h + (FRAME_SCHEMA_OFFSET >> 2)] = schemaId;
      i32[h + (FRAME_SEQ_HI_OFFSET >> 2)] = 0; // not ready (see commit.ts)
      this.#claimStart = head;
      this.#firstAt = first;
      this.#claimNs = now;
      this.#claimEnd = end;
      this.#frameAt = h;
      this.#length = length;
      this.#pending = true;
      return frame + HDR;
    }
  }

  /**
   * Makes the claimed frame visible to subscribers, in claim order among publishers, and rings parked
   * readers. If an earlier claim is still being written, the frame is marked ready instead and the
   * publisher of that claim makes it visible when it commits; this one does not wait.
   */
  commit(): void {
    if (!this.#pending) throw errors.loanState(this.topic, "commit() without a claim or loan");
    this.#pending = false;
    const i32 = this.#i32;
    const start = this.#claimStart;
    const end = this.#claimEnd;
    if (this.#claimedAlone && this.#stillAlone(end)) {
      commitFramePlainly(this.#seg, this.#frameAt, end);
      this.#lastEnd = end;
      if (loadAcquire(i32, READERS_PARKED_INDEX) !== 0) ringParkedReaders(this.#seg); // SYNC parked (see fence.ts)
    } else if (start === this.#lastEnd || loadAcquire(i32, TAIL_INDEX) === start || this.#markReady(start)) {
      commitFrame(this.#seg, this.#frameAt, end);
      this.#lastEnd = end;
      if (loadAcquire(i32, HEAD_INDEX) !== end) commitReady(this.#seg, this.#takenMark); // claims after ours that are ready
      if (loadAcquire(i32, READERS_PARKED_INDEX) !== 0) ringParkedReaders(this.#seg); // SYNC parked
    } else {
      this.#lastEnd = -1;
    }
    const f64 = this.#f64;
    const c = this.#counters;
    f64[c + PUB_COUNTERS.published] = ++this.#published;
    f64[c + PUB_COUNTERS.bytes] = this.#bytes += this.#length;
  }

  /**
   * A claim made alone is about to be committed: says so (PUB_COMMITTING), then looks whether it is
   * still alone. If not, a joiner revoked it meanwhile, and the claim is committed as everyone's are.
   */
  #stillAlone(end: number): boolean {
    const i32 = this.#i32;
    i32[this.#committing] = end;
    return loadAcquire(i32, EXCLUSIVE_INDEX) === this.#aloneMark;
  }

  /** The topic's delivery policy. */
  get policy(): Policy {
    return this.#seg.policy;
  }

  /**
   * Lets a publish that waits for space on a `block` topic give up: once `check()` returns true
   * (asked before each park, so at least every BLOCK_PARK_MS while it waits), the publish returns
   * false and counts the frame as rejected instead of waiting on. A host being stopped uses it to
   * let go of readers that no longer read, which it cannot otherwise hear about while it waits.
   */
  giveUpWhen(check: () => boolean): void {
    this.#giveUp = check;
  }

  /** Gives the publisher slot back. A pending loan is committed first so later publishers are not held. */
  close(): void {
    if (this.#closed) return;
    if (this.#pending) this.commit();
    this.#closed = true;
    this.#maxFrame = -1;
    leaveExclusive(this.#seg, this.#slot);
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
    const started = performance.now();
    const deadline = started + this.#seg.blockTimeoutMs;
    let livenessAt = started + LIVENESS_CHECK_MS;
    this.#f64[this.#counters + PUB_COUNTERS.blocked]! += 1;
    for (let spin = 0; ; spin++) {
      slowest = this.#refreshFloor();
      if (((this.#floor - limit) | 0) >= 0) return true;
      if (spin < BLOCK_SPINS) continue;
      const now = performance.now();
      if (now >= livenessAt) {
        livenessAt = now + LIVENESS_CHECK_MS;
        if (slowest >= 0 && this.#detachIfDead(slowest)) continue;
        if (recoverDeadClaims(this.#seg, true) > 0) continue; // TAIL held by a dead publisher's claim
      }
      const left = deadline - now;
      if (left <= 0) throw errors.publishTimeout(this.topic, this.#seg.blockTimeoutMs, slowest);
      if (this.#giveUp !== undefined && this.#giveUp()) {
        this.#f64[this.#counters + PUB_COUNTERS.rejected]! += 1;
        return false;
      }
      // Park (space-wait.ts); a reader that frees space rings.
      const hasRoom = (): boolean => {
        this.#refreshFloor();
        return ((this.#floor - limit) | 0) >= 0;
      };
      if (parkForSpace(this.#seg, hasRoom, Math.min(left, BLOCK_PARK_MS))) return true;
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
   * An earlier claim is not committed yet: stamps this one ready for whoever holds TAIL when it gets
   * here (see commit.ts). Returns true when TAIL reached this claim meanwhile and this publisher took
   * it back to commit it itself.
   */
  #markReady(start: number): boolean {
    const i32 = this.#i32;
    const stampAt = this.#firstAt + (FRAME_SEQ_HI_OFFSET >> 2);
    const stamp = this.#seg.readyStamp;
    i32[stampAt - 1] = start; // SEQ_LO: the claim's position, so that no earlier lap's stamp passes for this one
    Atomics.store(i32, stampAt, stamp); // SYNC ready
    const tail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
    if (tail === start) return Atomics.compareExchange(i32, stampAt, stamp, this.#takenMark) === stamp;
    // TAIL short of this claim: if it stays there (timed by the claims' own clock readings), the claim
    // at TAIL may be a dead publisher's.
    this.#stall.check(tail, this.#claimEnd, this.#claimNs / 1e6);
    return false;
  }
}
