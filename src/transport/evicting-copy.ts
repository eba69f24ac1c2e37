/**
 * Reading a `drop-oldest` topic, where publishers never wait and may write over a record while a
 * reader looks at it: each frame is copied out (header and payload) and then checked against the
 * eviction mark; a reader that was lapped jumps to the oldest record still in the ring. See
 * RING_FORMAT.md, "Read protocol", drop-oldest.
 *
 * @example
 *   const copy = new EvictingCopy(segment);
 *   while (copy.next(cursor)) { cursor = copy.cursor; use(copy.bytes, copy.length); }
 */
import { FRAME_FLAG_PADDING, FRAME_HEADER_LENGTH, HEAD_INDEX, OLDEST_INDEX, TAIL_INDEX } from "./ring-layout.js";
import type { TopicSegment } from "./topic-segment.js";
import { loadAcquire } from "./acquire.js";

const HDR = FRAME_HEADER_LENGTH;

/** Copies frames out of a drop-oldest ring, one at a time, into its own buffer. Not shared between threads. */
export class EvictingCopy {
  /** The last frame copied: its header at 0, its payload at FRAME_HEADER_LENGTH. */
  readonly bytes: Uint8Array;
  /** `bytes` as 32-bit words (the header fields). */
  readonly words: Int32Array;
  /** After next(): the position past the frame it copied, or where it stopped. */
  cursor = 0;
  /** After next() returned true: the payload length of the frame copied. */
  length = 0;
  readonly #seg: TopicSegment;

  constructor(seg: TopicSegment) {
    this.#seg = seg;
    this.bytes = new Uint8Array(HDR + seg.maxFrame + 8);
    this.words = new Int32Array(this.bytes.buffer, 0, this.bytes.length >> 2);
  }

  /**
   * Copies the first frame at or after `cursor` that is still intact, skipping padding and records
   * evicted before they could be copied. False when the reader has caught up with TAIL (`this.cursor`
   * says where).
   */
  next(cursor: number): boolean {
    const seg = this.#seg;
    const i32 = seg.i32;
    const mask = seg.mask;
    const capacity = seg.capacity;
    for (;;) {
      const tail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
      if (cursor === tail) {
        this.cursor = cursor;
        return false;
      }
      if (this.#lapped(cursor)) {
        // Skip to the oldest record still in the ring. It may be TAIL itself (a full ring of claims not
        // yet committed), so look at TAIL again before reading anything there.
        cursor = Atomics.load(i32, OLDEST_INDEX);
        continue;
      }
      const remaining = capacity - (cursor & mask);
      const h = (seg.dataOffset + (cursor & mask)) >> 2;
      const length = remaining < HDR ? 0 : i32[h]! >>> 0;
      const padding = remaining < HDR || (i32[h + 1]! & FRAME_FLAG_PADDING) !== 0;
      if (!padding && length <= seg.maxFrame) this.bytes.set(seg.u8.subarray(h * 4, h * 4 + HDR + length)); // header and payload
      // SYNC oldest: publishers move OLDEST past a record before writing over it.
      if (this.#lapped(cursor)) continue; // overwritten while copying: retry
      if (padding) {
        cursor = (cursor + (remaining < HDR ? remaining : (HDR + length + 7) & ~7)) | 0;
        continue;
      }
      if (length > seg.maxFrame) {
        cursor = (cursor + remaining) | 0; // unreachable for a validated record; never loop on one
        continue;
      }
      this.cursor = (cursor + ((HDR + length + 7) & ~7)) | 0;
      this.length = length;
      return true;
    }
  }

  /**
   * True when the record at `cursor` was (or is being) evicted. Publishers move OLDEST past a record
   * before overwriting it, and HEAD more than a capacity ahead means the same even after a lap of more
   * than 2^31 bytes.
   */
  #lapped(cursor: number): boolean {
    const i32 = this.#seg.i32;
    return ((loadAcquire(i32, OLDEST_INDEX) - cursor) | 0) > 0 || ((loadAcquire(i32, HEAD_INDEX) - cursor) >>> 0) > this.#seg.capacity;
  }
}
