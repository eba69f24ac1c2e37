/**
 * A topic's lone publisher: while it is the only one, it claims and commits with plain stores (see
 * fence.ts for why that doubles as a release store, and RING_FORMAT.md, "Exclusive publisher", for
 * the protocol). A publisher that joins takes the exclusivity away first: it marks EXCLUSIVE as being
 * revoked, issues the heavy barrier, and waits until the HEAD or TAIL store the lone publisher may
 * have decided alone just before is visible (a few instructions; never a claim still being written).
 * From then on every publisher claims by compare-and-swap, and the lone one commits as others do.
 *
 * @example
 *   const alone = joinPublishers(seg, slot);   // revokes a lone publisher; alone if it is the only one
 *   …
 *   leaveExclusive(seg, slot);                 // on close
 */
import { errors } from "../errors.js";
import { DEAD_OWNER, recoverDeadClaims } from "./detach.js";
import { heavyBarrier, mayStorePlainly } from "./fence.js";
import { LIVENESS_CHECK_MS, isOwnerAlive } from "./liveness.js";
import {
  EXCLUSIVE_INDEX,
  FENCE_FULL,
  HEAD_INDEX,
  PUB_CLAIM_END_OFFSET,
  PUB_CLAIM_START_OFFSET,
  PUB_COMMITTING_OFFSET,
  PUB_OWNER_OFFSET,
  PUB_SLOT_LENGTH,
  PUB_STATE_OFFSET,
  SLOT_ACTIVE,
  SLOT_FREE,
  TAIL_INDEX,
  exclusiveRevoking,
  revokingSlots,
} from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";

/** Int32 index of word `offset` of publisher slot `slot`. */
function slotWord(seg: TopicSegment, slot: number, offset: number): number {
  return (seg.pubTableOffset + slot * PUB_SLOT_LENGTH + offset) >> 2;
}

/** Whether every publisher slot but `slot` is free. */
function othersFree(seg: TopicSegment, slot: number): boolean {
  for (let other = 0; other < seg.maxPublishers; other++) {
    if (other !== slot && Atomics.load(seg.i32, slotWord(seg, other, PUB_STATE_OFFSET)) !== SLOT_FREE) return false;
  }
  return true;
}

/**
 * A publisher that took `slot` joins the topic's publishers: revokes a lone one (revokeExclusive),
 * then becomes the lone one itself if this thread may commit plainly and no other slot is in use.
 * Returns whether it claims alone.
 */
export function joinPublishers(seg: TopicSegment, slot: number): boolean {
  revokeExclusive(seg, slot);
  if (!mayStorePlainly(seg.fence)) return false;
  const head = Atomics.load(seg.i32, HEAD_INDEX);
  seg.i32[slotWord(seg, slot, PUB_CLAIM_START_OFFSET)] = head; // an intent covering nothing in flight
  seg.i32[slotWord(seg, slot, PUB_CLAIM_END_OFFSET)] = head;
  return becomeExclusive(seg, slot);
}

/**
 * Makes the publisher in `slot` (already taken) the lone one if no other slot is in use; returns
 * whether it is. Call after revokeExclusive(), and only when this thread may commit plainly.
 */
function becomeExclusive(seg: TopicSegment, slot: number): boolean {
  const i32 = seg.i32;
  if (seg.fence === FENCE_FULL || !othersFree(seg, slot)) return false;
  if (Atomics.compareExchange(i32, EXCLUSIVE_INDEX, 0, slot + 1) !== 0) return false; // SYNC exclusive
  // A publisher that took its slot meanwhile may have read EXCLUSIVE before the CAS: undo.
  if (othersFree(seg, slot)) return true;
  Atomics.compareExchange(i32, EXCLUSIVE_INDEX, slot + 1, 0);
  return false;
}

/** The lone publisher in `slot` closes: publishers claim by CAS again (a later one may become alone). */
export function leaveExclusive(seg: TopicSegment, slot: number): void {
  Atomics.compareExchange(seg.i32, EXCLUSIVE_INDEX, slot + 1, 0);
}

/**
 * Ends another publisher's exclusivity before the one in `slot` claims anything: afterwards every
 * claim is made by CAS. Spins for the lone publisher's last plain store (see awaitLoneStores); throws
 * ERR_ETHER_JOIN_TIMEOUT if that takes the topic's block timeout (it cannot while that publisher
 * lives). Finds another joiner revoking: waits for it, or, if that joiner is gone (killed while it
 * revoked), finishes the revocation in its place.
 */
function revokeExclusive(seg: TopicSegment, slot: number): void {
  if (seg.fence === FENCE_FULL) return;
  const i32 = seg.i32;
  const timeoutMs = Math.max(1000, seg.blockTimeoutMs);
  const deadline = performance.now() + timeoutMs;
  let livenessAt = performance.now() + LIVENESS_CHECK_MS;
  for (let round = 1; ; round++) {
    const value = Atomics.load(i32, EXCLUSIVE_INDEX);
    if (value === 0) return;
    if (value > 0) {
      if (Atomics.compareExchange(i32, EXCLUSIVE_INDEX, value, exclusiveRevoking(slot, value - 1)) === value) return revokeFrom(seg, value - 1, deadline, timeoutMs);
      continue;
    }
    // Another joiner is revoking: it stores 0 when done.
    if ((round & 1023) !== 0) continue;
    const now = performance.now();
    const { revoker, lone } = revokingSlots(value);
    if (now >= livenessAt) {
      livenessAt = now + LIVENESS_CHECK_MS;
      if (revokerGone(seg, revoker, slot) && Atomics.compareExchange(i32, EXCLUSIVE_INDEX, value, exclusiveRevoking(slot, lone)) === value) {
        return revokeFrom(seg, lone, deadline, timeoutMs);
      }
    }
    if (now > deadline) {
      throw errors.publisherJoinTimeout(seg.name, timeoutMs, lone, `another joining publisher (slot ${revoker}) is still revoking the lone publisher's exclusivity`);
    }
  }
}

/** This joiner holds EXCLUSIVE as revoking `lone`: the barrier, the lone publisher's last stores, then 0. */
function revokeFrom(seg: TopicSegment, lone: number, deadline: number, timeoutMs: number): void {
  try {
    if (!heavyBarrier(seg.fence)) {
      throw errors.publisherJoinTimeout(seg.name, 0, lone, "this thread cannot issue the barrier (membarrier) the topic needs");
    }
    awaitLoneStores(seg, lone, deadline, timeoutMs);
  } finally {
    Atomics.store(seg.i32, EXCLUSIVE_INDEX, 0); // SYNC exclusive
  }
}

/** Whether the joiner in slot `revoker` is gone: its slot given back or taken again (by `mine`, say), or its owner dead. */
function revokerGone(seg: TopicSegment, revoker: number, mine: number): boolean {
  if (revoker === mine || revoker < 0 || revoker >= seg.maxPublishers) return true;
  const i32 = seg.i32;
  if (Atomics.load(i32, slotWord(seg, revoker, PUB_STATE_OFFSET)) !== SLOT_ACTIVE) return true;
  const owner = i32[slotWord(seg, revoker, PUB_OWNER_OFFSET)]!;
  return owner === DEAD_OWNER || !isOwnerAlive(owner);
}

/**
 * After the barrier: waits until the HEAD store, and the TAIL store, that slot `lone` may have decided
 * alone are visible, or its publisher is gone. Never waits for a claim still being written.
 */
function awaitLoneStores(seg: TopicSegment, lone: number, deadline: number, timeoutMs: number): void {
  const i32 = seg.i32;
  const end = i32[slotWord(seg, lone, PUB_CLAIM_END_OFFSET)]!;
  awaitPosition(seg, HEAD_INDEX, end, lone, deadline, timeoutMs);
  if (i32[slotWord(seg, lone, PUB_COMMITTING_OFFSET)] === end) awaitPosition(seg, TAIL_INDEX, end, lone, deadline, timeoutMs);
}

/** Spins until the position at `index` (HEAD or TAIL) reaches `end`, or slot `lone`'s publisher is gone. */
function awaitPosition(seg: TopicSegment, index: number, end: number, lone: number, deadline: number, timeoutMs: number): void {
  const i32 = seg.i32;
  let livenessAt = performance.now() + LIVENESS_CHECK_MS;
  for (let round = 1; ; round++) {
    if (((Atomics.load(i32, index) - end) | 0) >= 0) return;
    if ((round & 1023) !== 0) continue;
    const now = performance.now();
    if (now >= livenessAt) {
      livenessAt = now + LIVENESS_CHECK_MS;
      const owner = i32[slotWord(seg, lone, PUB_OWNER_OFFSET)]!;
      const gone =
        Atomics.load(i32, slotWord(seg, lone, PUB_STATE_OFFSET)) !== SLOT_ACTIVE || owner === DEAD_OWNER || !isOwnerAlive(owner);
      if (gone) {
        recoverDeadClaims(seg, true); // a claim it left at TAIL becomes padding
        if (Atomics.load(i32, HEAD_INDEX) === Atomics.load(i32, TAIL_INDEX)) return;
      }
    }
    if (now > deadline) {
      const what = index === HEAD_INDEX ? "claim" : "commit";
      throw errors.publisherJoinTimeout(seg.name, timeoutMs, lone, `its ${what} up to position ${end >>> 0} did not become visible`);
    }
  }
}
