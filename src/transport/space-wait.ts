/**
 * How a `block` publisher waits for space and how readers wake it (RING_FORMAT.md, "Dead subscribers"
 * and the park paragraph after it): the publisher announces itself in WRITERS_WAITING and sleeps on
 * SPACE_SEQ; a reader that frees enough space, leaves or is detached bumps SPACE_SEQ and wakes it.
 * A reader rings at most once per park (SPACE_RUNG), and only once its backlog left room for a batch,
 * so a parked publisher is not woken (~10 µs for the waker here) for every frame read.
 *
 * @example
 *   if (Atomics.load(i32, WRITERS_WAITING_INDEX) !== 0) ringSpaceWaiters(seg, cursor);
 */
import { FENCE_FULL, SPACE_RUNG_INDEX, SPACE_SEQ_INDEX, TAIL_INDEX, WRITERS_WAITING_INDEX } from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { UNFENCED_PARK_MS, heavyBarrier } from "./fence.js";

/**
 * A publisher parks until a reader rings or `timeoutMs` passes, unless `hasRoom()` says the space
 * came free once the park is announced (so a ring between its last look and the park is not lost).
 * Returns true when `hasRoom()` answered yes.
 */
export function parkForSpace(seg: TopicSegment, hasRoom: () => boolean, timeoutMs: number): boolean {
  const i32 = seg.i32;
  const seen = Atomics.load(i32, SPACE_SEQ_INDEX);
  Atomics.store(i32, SPACE_RUNG_INDEX, 0);
  Atomics.add(i32, WRITERS_WAITING_INDEX, 1); // SYNC writers-waiting
  try {
    // Readers may store their cursors plainly (fence.ts): the heavy barrier makes a cursor a reader
    // stored before it visible to hasRoom(), or that reader's next load of WRITERS_WAITING sees this park.
    const timeout = seg.fence === FENCE_FULL || heavyBarrier(seg.fence) ? timeoutMs : Math.min(timeoutMs, UNFENCED_PARK_MS);
    if (hasRoom()) return true;
    seg.waitOps.wait(i32, SPACE_SEQ_INDEX, seen, timeout);
    return false;
  } finally {
    Atomics.sub(i32, WRITERS_WAITING_INDEX, 1);
  }
}

/**
 * A reader stored its cursor and saw WRITERS_WAITING != 0: rings the parked publishers once per park,
 * and only when this reader's backlog is at most 7/8 of the ring (a woken publisher finds room for a
 * batch, not one frame).
 */
export function ringSpaceWaiters(seg: TopicSegment, cursor: number): void {
  const i32 = seg.i32;
  const capacity = seg.capacity;
  if (((Atomics.load(i32, TAIL_INDEX) - cursor) >>> 0) > capacity - (capacity >>> 3)) return;
  if (Atomics.load(i32, SPACE_RUNG_INDEX) !== 0 || Atomics.compareExchange(i32, SPACE_RUNG_INDEX, 0, 1) !== 0) return;
  wakeSpaceWaiters(seg);
}

/** Wakes every publisher parked for space (a reader left or was detached: the floor may have moved a lot). */
export function wakeSpaceWaiters(seg: TopicSegment): void {
  Atomics.add(seg.i32, SPACE_SEQ_INDEX, 1);
  seg.waitOps.wake(seg.i32, SPACE_SEQ_INDEX, 0x7fffffff);
}
