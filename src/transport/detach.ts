/**
 * Detaching a subscriber whose owner is gone (a killed process, or a thread host that ended): its
 * slot becomes dead so that block publishers stop waiting for it, the topic counts it, and a park it
 * announced (and can never end) is undone. Waiting writers are woken to re-check their space.
 *
 * @example
 *   if (detachSubscriber(segment, slot)) log("detached a dead reader");
 */
import { LIVENESS_CHECK_MS, isOwnerAlive } from "./liveness.js";
import {
  DETACHED_INDEX,
  FRAME_FLAG_PADDING,
  FRAME_HEADER_LENGTH,
  FRAME_SEQ_HI_OFFSET,
  FRAME_SEQ_LO_OFFSET,
  TAKEN_BY_NONE,
  isTakenMark,
  HEAD_INDEX,
  RECOVERED_INDEX,
  PUB_CLAIM_END_OFFSET,
  PUB_CLAIM_START_OFFSET,
  PUB_OWNER_OFFSET,
  PUB_SLOT_LENGTH,
  PUB_STATE_OFFSET,
  SLOT_FREE,
  TAIL_INDEX,
  NO_DOORBELL,
  READERS_PARKED_INDEX,
  SLOT_ACTIVE,
  SLOT_DEAD,
  SUB_DOORBELL_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
} from "./ring-layout.js";
import { DOORBELL_PARKED_OFFSET } from "./session-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { commitReady, firstHeader, publishTaken, ringParkedReaders } from "./commit.js";
import { wakeSpaceWaiters } from "./space-wait.js";

/** Marks subscriber `slot` dead if it is active; true when this call detached it. */
export function detachSubscriber(seg: TopicSegment, slot: number): boolean {
  const i32 = seg.i32;
  const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
  if (Atomics.compareExchange(i32, base + (SUB_STATE_OFFSET >> 2), SLOT_ACTIVE, SLOT_DEAD) !== SLOT_ACTIVE) return false;
  Atomics.add(i32, DETACHED_INDEX, 1);
  const bell = Atomics.load(i32, base + (SUB_DOORBELL_OFFSET >> 2));
  if (bell !== (NO_DOORBELL | 0)) undoPark(seg, bell);
  wakeSpaceWaiters(seg);
  return true;
}

/**
 * A subscriber whose reader is gone but will be restarted (see SubscriberOptions.resume): the slot
 * stays active with its cursor, so block publishers wait for the successor (up to their timeout);
 * a park its reader announced, and can never end, is undone, and its doorbell is no longer rung.
 * Returns the doorbell index it had, or undefined.
 *
 * @example
 *   const bell = orphanSubscriber(segment, slot); // then, once per host: session.releaseDoorbell(bell)
 */
export function orphanSubscriber(seg: TopicSegment, slot: number): number | undefined {
  const i32 = seg.i32;
  const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
  if (Atomics.load(i32, base + (SUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) return undefined;
  const bell = Atomics.exchange(i32, base + (SUB_DOORBELL_OFFSET >> 2), NO_DOORBELL | 0);
  if (bell === (NO_DOORBELL | 0)) return undefined;
  undoPark(seg, bell);
  return bell;
}

/** A reader that is gone was counted among the topic's parked readers if its doorbell says parked: that park never ends. */
function undoPark(seg: TopicSegment, bell: number): void {
  const parked = (seg.session.doorbellOffset(bell) + DOORBELL_PARKED_OFFSET) >> 2;
  if (Atomics.load(seg.session.i32, parked) !== 0) Atomics.sub(seg.i32, READERS_PARKED_INDEX, 1);
}

/**
 * Recovers claims at TAIL whose publisher is gone, one after the other: each becomes padding and is
 * committed, so the claims after it can go on (the partial frame is never delivered); claims marked
 * ready on the way are committed as usual (a publisher that died after finishing its frame loses
 * nothing). A publisher is gone when its owner is DEAD_OWNER, or, with `probe`, when the system says
 * its process no longer exists (a syscall, so callers probe only now and then). Stops at a claim
 * whose publisher lives. Parked readers are rung. Returns the claims recovered.
 *
 * @example
 *   recoverDeadClaims(segment, false);   // after a supervisor marked a dead host's slots
 */
export function recoverDeadClaims(seg: TopicSegment, probe: boolean): number {
  const i32 = seg.i32;
  let recovered = 0;
  let moved = 0;
  for (;;) {
    moved += commitReady(seg, TAKEN_BY_NONE);
    const tail = Atomics.load(i32, TAIL_INDEX);
    if (Atomics.load(i32, HEAD_INDEX) === tail) break;
    const first = firstHeader(seg, tail);
    const mark = Atomics.load(i32, first + (FRAME_SEQ_HI_OFFSET >> 2));
    if (isTakenMark(mark) && Atomics.load(i32, first + (FRAME_SEQ_LO_OFFSET >> 2)) === tail) {
      // Taken to be published and TAIL still here: its taker is publishing it now, or died doing so.
      if (!takerGone(seg, mark, probe) || Atomics.compareExchange(i32, first + (FRAME_SEQ_HI_OFFSET >> 2), mark, TAKEN_BY_NONE) !== mark) break;
      publishTaken(seg, tail, first);
      moved++;
      continue;
    }
    let dead = -1;
    let live = false;
    for (let slot = 0; slot < seg.maxPublishers && !live; slot++) {
      const base = (seg.pubTableOffset + slot * PUB_SLOT_LENGTH) >> 2;
      if (Atomics.load(i32, base + (PUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) continue;
      if (Atomics.load(i32, base + (PUB_CLAIM_START_OFFSET >> 2)) !== tail) continue;
      const owner = i32[base + (PUB_OWNER_OFFSET >> 2)]!;
      if (owner === DEAD_OWNER || (probe && !isOwnerAlive(owner))) dead = slot;
      else live = true; // a live publisher holds TAIL: it commits when it is done
    }
    if (live || dead < 0) break;
    const base = (seg.pubTableOffset + dead * PUB_SLOT_LENGTH) >> 2;
    if (Atomics.compareExchange(i32, base + (PUB_STATE_OFFSET >> 2), SLOT_ACTIVE, SLOT_DEAD) !== SLOT_ACTIVE) break;
    const end = Atomics.load(i32, base + (PUB_CLAIM_END_OFFSET >> 2));
    for (let at = tail; at !== end; ) {
      const remaining = seg.capacity - (at & seg.mask);
      const chunk = Math.min(remaining, (end - at) >>> 0);
      if (chunk >= FRAME_HEADER_LENGTH) {
        const p = (seg.dataOffset + (at & seg.mask)) >> 2;
        i32[p] = chunk - FRAME_HEADER_LENGTH;
        i32[p + 1] = FRAME_FLAG_PADDING;
      }
      at = (at + chunk) | 0;
    }
    Atomics.store(i32, TAIL_INDEX, end); // SYNC tail
    Atomics.add(i32, RECOVERED_INDEX, 1);
    recovered++;
  }
  if (moved > 0 && Atomics.load(i32, READERS_PARKED_INDEX) !== 0) ringParkedReaders(seg); // SYNC parked
  return recovered;
}

/**
 * Notices a TAIL that stays short of HEAD at the same place for LIVENESS_CHECK_MS, and then
 * recovers the claim there if its publisher is gone (live publishers do not wait for it, so nothing
 * else would notice).
 *
 * @example
 *   const watch = new StallWatch(segment);
 *   watch.check(tail, head, performance.now());   // whenever the caller finds nothing to do
 */
export class StallWatch {
  readonly #seg: TopicSegment;
  #tail = 0;
  /** When TAIL was first seen at #tail (ms), or -1 when it was not stuck. */
  #since = -1;

  constructor(seg: TopicSegment) {
    this.#seg = seg;
  }

  /**
   * True when TAIL moved since the last look (and starts timing it at `tail` from `nowMs`): nothing is
   * stuck, and the caller need not load HEAD, the line publishers write with every claim.
   */
  moved(tail: number, nowMs: number): boolean {
    if (tail === this.#tail && this.#since >= 0) return false;
    this.#tail = tail;
    this.#since = nowMs;
    return true;
  }

  /** Once TAIL has not moved for LIVENESS_CHECK_MS while short of HEAD: recoverDeadClaims (probing owners), then times again. */
  check(tail: number, head: number, nowMs: number): void {
    if (head === tail) {
      this.#since = -1;
    } else if (tail !== this.#tail || this.#since < 0) {
      this.#tail = tail;
      this.#since = nowMs;
    } else if (nowMs - this.#since >= LIVENESS_CHECK_MS) {
      this.#since = nowMs;
      recoverDeadClaims(this.#seg, true);
    }
  }
}

/** Whether the publisher named by a taken mark is gone (its slot no longer active, or its owner dead). A taker with no slot is never judged gone. */
function takerGone(seg: TopicSegment, mark: number, probe: boolean): boolean {
  const slot = (mark & 0x3fffffff) - 1;
  if (slot < 0 || slot >= seg.maxPublishers) return false;
  const base = (seg.pubTableOffset + slot * PUB_SLOT_LENGTH) >> 2;
  if (Atomics.load(seg.i32, base + (PUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) return true;
  const owner = seg.i32[base + (PUB_OWNER_OFFSET >> 2)]!;
  return owner === DEAD_OWNER || (probe && !isOwnerAlive(owner));
}

/** Owner recorded in a publisher slot whose host is gone: no process has this id, so peers treat it as dead. */
export const DEAD_OWNER = 0x7fffffff;

/**
 * Gives back the publisher slots of a host that is gone (`owner`: its process id, or the token its
 * thread host used). A slot whose last claim is committed becomes free at once; one that may hold a
 * claim in flight is marked with DEAD_OWNER, so that whoever finds TAIL stuck at it recovers the claim
 * without a liveness probe (see "Dead publishers" in RING_FORMAT.md) and a later call frees it.
 * Returns the slots freed.
 *
 * @example
 *   for (const name of topics) reclaimPublishers(space.topic(name).segment, deadPid);
 */
export function reclaimPublishers(seg: TopicSegment, owner: number): number {
  const i32 = seg.i32;
  // Mark its slots first, so that a claim it left at TAIL (and any dead ones behind it) is recovered now.
  for (let slot = 0; slot < seg.maxPublishers; slot++) {
    const base = (seg.pubTableOffset + slot * PUB_SLOT_LENGTH) >> 2;
    if (Atomics.load(i32, base + (PUB_STATE_OFFSET >> 2)) === SLOT_ACTIVE && i32[base + (PUB_OWNER_OFFSET >> 2)] === owner) {
      i32[base + (PUB_OWNER_OFFSET >> 2)] = DEAD_OWNER;
    }
  }
  recoverDeadClaims(seg, false);
  const tail = Atomics.load(i32, TAIL_INDEX);
  let freed = 0;
  for (let slot = 0; slot < seg.maxPublishers; slot++) {
    const base = (seg.pubTableOffset + slot * PUB_SLOT_LENGTH) >> 2;
    const state = Atomics.load(i32, base + (PUB_STATE_OFFSET >> 2));
    const slotOwner = i32[base + (PUB_OWNER_OFFSET >> 2)]!;
    if (state === SLOT_DEAD) {
      // Recovered by a peer: its claim was committed as padding.
      if (Atomics.compareExchange(i32, base + (PUB_STATE_OFFSET >> 2), SLOT_DEAD, SLOT_FREE) === SLOT_DEAD) freed++;
      continue;
    }
    if (state !== SLOT_ACTIVE || slotOwner !== DEAD_OWNER) continue;
    const end = i32[base + (PUB_CLAIM_END_OFFSET >> 2)]!;
    const start = i32[base + (PUB_CLAIM_START_OFFSET >> 2)]!;
    // Committed (TAIL reached its end) or never claimed: nothing of it is in flight.
    if (start === end || ((tail - end) | 0) >= 0) {
      if (Atomics.compareExchange(i32, base + (PUB_STATE_OFFSET >> 2), SLOT_ACTIVE, SLOT_FREE) === SLOT_ACTIVE) freed++;
    }
  }
  return freed;
}
