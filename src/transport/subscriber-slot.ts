/**
 * The subscriber table of a topic segment (RING_FORMAT.md, "Read protocol"): joining a free slot at
 * a quiescent tail, taking over the active slot of a reader that is gone, and the drop-oldest
 * "expected sequence number" words beside the cursor. Used by Subscriber.
 *
 * @example
 *   const { slot, expectedSeq } = joinSlot(segment, pid, doorbell.index);
 */
import { errors } from "../errors.js";
import { TWO_POW_32 } from "./clock.js";
import {
  HEAD_INDEX,
  NEXT_SEQ_HI_INDEX,
  NEXT_SEQ_LO_INDEX,
  POLICY_CODES,
  SLOT_ACTIVE,
  SLOT_FREE,
  SUB_CURSOR_OFFSET,
  SUB_DOORBELL_OFFSET,
  SUB_NEXT_SEQ_HI_OFFSET,
  SUB_NEXT_SEQ_LO_OFFSET,
  SUB_OWNER_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
  TAIL_INDEX,
} from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { StallWatch } from "./detach.js";

/** Slot state while a subscriber joins: publishers ignore it until ACTIVE. */
const SLOT_JOINING = 3;

/** A slot taken, and the sequence number its reader expects next. */
export interface TakenSlot {
  readonly slot: number;
  readonly expectedSeq: number;
}

/** Int32 index of the first word of subscriber slot `slot`. */
export function slotBase(seg: TopicSegment, slot: number): number {
  return (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
}

/**
 * Takes a free slot and joins at the current tail, read at a quiescent moment; throws
 * ERR_ETHER_NO_SLOT when every slot is taken. `doorbell` is the reader's doorbell index or NO_DOORBELL.
 */
export function joinSlot(seg: TopicSegment, owner: number, doorbell: number): TakenSlot {
  const i32 = seg.i32;
  for (let slot = 0; slot < seg.maxSubscribers; slot++) {
    const base = slotBase(seg, slot);
    if (Atomics.compareExchange(i32, base + (SUB_STATE_OFFSET >> 2), SLOT_FREE, SLOT_JOINING) !== SLOT_FREE) continue;
    let tail: number;
    let expectedSeq: number;
    try {
      [tail, expectedSeq] = quiescentTail(seg);
    } catch (error) {
      Atomics.store(i32, base + (SUB_STATE_OFFSET >> 2), SLOT_FREE); // give the slot back
      throw error;
    }
    storeExpectedSeq(seg, base, expectedSeq);
    Atomics.store(i32, base + (SUB_CURSOR_OFFSET >> 2), tail);
    i32[base + (SUB_OWNER_OFFSET >> 2)] = owner;
    Atomics.store(i32, base + (SUB_DOORBELL_OFFSET >> 2), doorbell);
    // Publishers that checked space before this store only overwrite positions below the tail read above.
    Atomics.store(i32, base + (SUB_STATE_OFFSET >> 2), SLOT_ACTIVE);
    return { slot, expectedSeq };
  }
  throw errors.noSlot(seg.name, "subscriber", seg.maxSubscribers);
}

/** Takes over active slot `slot` whose reader is gone; throws ERR_ETHER_INVALID_OPTION if it is not active. */
export function resumeSlot(seg: TopicSegment, slot: number, owner: number, doorbell: number): TakenSlot {
  const i32 = seg.i32;
  if (!(Number.isInteger(slot) && slot >= 0 && slot < seg.maxSubscribers)) {
    throw errors.invalidOption(`subscriber of topic "${seg.name}"`, "resume", `slot ${slot} does not exist (0 to ${seg.maxSubscribers - 1})`);
  }
  const base = slotBase(seg, slot);
  const state = Atomics.load(i32, base + (SUB_STATE_OFFSET >> 2));
  if (state !== SLOT_ACTIVE) {
    throw errors.invalidOption(`subscriber of topic "${seg.name}"`, "resume", `slot ${slot} is not active (state ${state}): it was closed or detached`);
  }
  const expectedSeq = (Atomics.load(i32, base + (SUB_NEXT_SEQ_LO_OFFSET >> 2)) >>> 0) + Atomics.load(i32, base + (SUB_NEXT_SEQ_HI_OFFSET >> 2)) * TWO_POW_32;
  i32[base + (SUB_OWNER_OFFSET >> 2)] = owner;
  Atomics.store(i32, base + (SUB_DOORBELL_OFFSET >> 2), doorbell);
  return { slot, expectedSeq };
}

/** Drop-oldest: records the sequence number expected next beside the cursor, so a successor can resume. */
export function storeExpectedSeq(seg: TopicSegment, base: number, seq: number): void {
  if (seg.policyCode !== POLICY_CODES["drop-oldest"]) return;
  const hi = Math.floor(seq / TWO_POW_32);
  seg.i32[base + (SUB_NEXT_SEQ_LO_OFFSET >> 2)] = (seq - hi * TWO_POW_32) | 0;
  seg.i32[base + (SUB_NEXT_SEQ_HI_OFFSET >> 2)] = hi;
}

/** A join waits for claims in flight at least this long, even on a topic whose block timeout is shorter. */
const JOIN_PATIENCE_MIN_MS = 1000;

/**
 * The tail and the sequence number of the frame that will be committed there, read at a moment
 * with no claim in flight (HEAD == TAIL before and after): only then do the two words agree. A TAIL
 * stuck at a dead publisher's claim would never get there: while waiting, recover such a claim.
 */
function quiescentTail(seg: TopicSegment): [number, number] {
  const i32 = seg.i32;
  const stall = new StallWatch(seg);
  const patienceMs = Math.max(seg.blockTimeoutMs, JOIN_PATIENCE_MIN_MS);
  const deadline = performance.now() + patienceMs;
  for (let attempt = 0; ; attempt++) {
    const tail = Atomics.load(i32, TAIL_INDEX);
    if (Atomics.load(i32, HEAD_INDEX) === tail) {
      const seq = (Atomics.load(i32, NEXT_SEQ_LO_INDEX) >>> 0) + Atomics.load(i32, NEXT_SEQ_HI_INDEX) * TWO_POW_32;
      if (Atomics.load(i32, HEAD_INDEX) === tail && Atomics.load(i32, TAIL_INDEX) === tail) return [tail, seq];
    }
    if (attempt > 1000) {
      const now = performance.now();
      const head = Atomics.load(i32, HEAD_INDEX);
      stall.check(tail, head, now);
      if (now > deadline) throw errors.joinTimeout(seg.name, patienceMs, tail, head);
      seg.waitOps.wait(i32, TAIL_INDEX, tail, 0.05);
    }
  }
}
