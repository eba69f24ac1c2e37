/**
 * Committing claims in claim order without making publishers wait for each other. The publisher whose
 * claim starts at TAIL "holds" TAIL: it numbers its frame, moves TAIL past it, and then commits the
 * claims after it that their publishers finished meanwhile. A publisher that finishes a claim while an
 * earlier one is still being written does not wait: it marks its claim ready (the topic's ready stamp
 * in its first header) and goes on; whoever holds TAIL when it gets there commits it. A claim is taken
 * by exactly one publisher (a compare-and-swap of the stamp), so sequence numbers stay consecutive.
 * See RING_FORMAT.md, "Commit".
 *
 * @example
 *   commitFrame(seg, frameHeaderWord, end);  // the caller holds TAIL
 *   commitReady(seg, takenMark(slot));       // then commits the ready claims after it
 */
import {
  DOORBELL_PARKED_OFFSET,
  DOORBELL_RUNG_OFFSET,
  DOORBELL_SEQ_OFFSET,
} from "./session-layout.js";
import {
  FRAME_FLAG_PADDING,
  FRAME_HEADER_LENGTH,
  FRAME_SEQ_HI_OFFSET,
  FRAME_SEQ_LO_OFFSET,
  HEAD_INDEX,
  NEXT_SEQ_HI_INDEX,
  NEXT_SEQ_LO_INDEX,
  NO_DOORBELL,
  SLOT_ACTIVE,
  SUB_DOORBELL_OFFSET,
  SUB_SLOT_LENGTH,
  SUB_STATE_OFFSET,
  TAIL_INDEX,
  recordLength,
} from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { loadAcquire } from "./acquire.js";

const HDR = FRAME_HEADER_LENGTH;
const SEQ_LO = FRAME_SEQ_LO_OFFSET >> 2;
const SEQ_HI = FRAME_SEQ_HI_OFFSET >> 2;

/**
 * Int32 index of the first header of the claim starting at `start`: where the claim's ready stamp
 * goes. That is the frame's header, or the wrap padding's when the claim begins with one; when fewer
 * than 32 bytes were left before the end, the claim's first header is at the start of the next lap.
 */
export function firstHeader(seg: TopicSegment, start: number): number {
  const remaining = seg.capacity - (start & seg.mask);
  const at = remaining < HDR ? 0 : start & seg.mask;
  return (seg.dataOffset + at) >> 2;
}

/**
 * The caller holds TAIL (the claim ending at `end` starts at TAIL, and it is the caller's own or one it
 * took): numbers the frame whose header is at Int32 index `h` and makes it visible.
 */
export function commitFrame(seg: TopicSegment, h: number, end: number): void {
  const i32 = seg.i32;
  numberFrame(i32, h);
  Atomics.store(i32, TAIL_INDEX, end); // SYNC tail: the frame becomes visible
}

/** Gives the frame whose header is at Int32 index `h` the next sequence number (the caller holds TAIL). */
function numberFrame(i32: Int32Array, h: number): void {
  const lo = i32[NEXT_SEQ_LO_INDEX]!;
  const hi = i32[NEXT_SEQ_HI_INDEX]!;
  i32[h + SEQ_LO] = lo;
  i32[h + SEQ_HI] = hi;
  i32[NEXT_SEQ_LO_INDEX] = (lo + 1) | 0;
  if (lo === -1) i32[NEXT_SEQ_HI_INDEX] = (hi + 1) | 0;
}

/**
 * commitFrame() for a publisher claiming alone (exclusive.ts): TAIL is moved with a plain store, which
 * x86-64 keeps after the frame's stores without draining the store buffer. Readers parking on the
 * topic issue the heavy barrier instead (fence.ts).
 */
export function commitFramePlainly(seg: TopicSegment, h: number, end: number): void {
  const i32 = seg.i32;
  numberFrame(i32, h);
  i32[TAIL_INDEX] = end; // SYNC tail: a release store on x86-64 (TOPIC_FENCE says so)
}

/**
 * Commits, one after the other, the claims at TAIL that their publishers marked ready, taking each
 * with `mark` (takenMark(slot) for a publisher, TAKEN_BY_NONE otherwise); stops at TAIL = HEAD or at
 * a claim still being written (its publisher commits it then). Returns how many it committed.
 */
export function commitReady(seg: TopicSegment, mark: number): number {
  const i32 = seg.i32;
  const stamp = seg.readyStamp;
  let committed = 0;
  for (;;) {
    const tail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
    if (loadAcquire(i32, HEAD_INDEX) === tail) return committed; // SYNC head
    const first = firstHeader(seg, tail);
    // SYNC ready: the stamp (SEQ_HI) is stored after the claim was written; the position in SEQ_LO
    // tells this lap's stamp from anything an earlier lap left there.
    if (loadAcquire(i32, first + SEQ_HI) !== stamp || loadAcquire(i32, first + SEQ_LO) !== tail) return committed;
    if (Atomics.compareExchange(i32, first + SEQ_HI, stamp, mark) !== stamp) return committed; // its publisher took it
    publishTaken(seg, tail, first);
    committed++;
  }
}

/**
 * Publishes the claim at TAIL (= `tail`) whose first header is at Int32 index `first`, taken by the
 * caller: finds its frame (after the wrap padding if the claim begins with one) and commits it.
 */
export function publishTaken(seg: TopicSegment, tail: number, first: number): void {
  const i32 = seg.i32;
  let h = first;
  const remaining = seg.capacity - (tail & seg.mask);
  let at = remaining < HDR ? (tail + remaining) | 0 : tail; // the position of the first header
  if ((i32[first + 1]! & FRAME_FLAG_PADDING) !== 0) {
    // Wrap padding first: the frame is at the start of the next lap.
    at = (at + (seg.capacity - (at & seg.mask))) | 0;
    h = seg.dataOffset >> 2;
  }
  commitFrame(seg, h, (at + recordLength(i32[h]!)) | 0);
}

/** Rings the doorbell of every active subscriber whose host said it is parked (after TAIL moved). */
export function ringParkedReaders(seg: TopicSegment): void {
  const i32 = seg.i32;
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
