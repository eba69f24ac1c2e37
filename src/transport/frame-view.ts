/**
 * The view of one frame that a subscriber hands its handler: the payload's place in a buffer (the ring
 * itself, or the subscriber's copy under drop-oldest) and the header fields, read on demand.
 *
 * @example
 *   sub.poll((f) => console.log(f.seq, f.publishTimeNs, f.buffer[f.offset]));
 */
import { TWO_POW_32 } from "./clock.js";
import { FRAME_HEADER_LENGTH } from "./ring-layout.js";

const HDR = FRAME_HEADER_LENGTH;
const NO_WORDS = new Int32Array(0);

/**
 * One frame as a handler sees it. The object is reused: valid only while the handler runs (or, for
 * hold(), until release()). The header fields are read from the frame when asked for, so a handler
 * that only looks at the payload pays nothing for them.
 */
export class FrameView {
  /** Bytes holding the payload (the ring itself, or the subscriber's copy under drop-oldest). */
  buffer: Uint8Array = new Uint8Array(0);
  /** Offset of the payload in `buffer` (8-byte aligned). */
  offset = 0;
  /** Payload length in bytes. */
  length = 0;
  /** The words holding the frame header, and the index of its first word. */
  #words: Int32Array = NO_WORDS;
  #h = 0;

  /** Sequence number of the frame in its topic, from 0. */
  get seq(): number {
    return (this.#words[this.#h + 2]! >>> 0) + this.#words[this.#h + 3]! * TWO_POW_32;
  }

  /** Monotonic publish time, ns. */
  get publishTimeNs(): number {
    return (this.#words[this.#h + 4]! >>> 0) + this.#words[this.#h + 5]! * TWO_POW_32;
  }

  /** Id of the publisher that wrote it. */
  get publisherId(): number {
    return this.#words[this.#h + 6]!;
  }

  /** Schema id of the payload (0 raw bytes, 1 dict). */
  get schemaId(): number {
    return this.#words[this.#h + 7]!;
  }

  /** @internal Points the view at the frame whose header starts at word `h` of `words` (same memory as `buffer`). */
  locate(buffer: Uint8Array, words: Int32Array, h: number, length: number): void {
    this.buffer = buffer;
    this.#words = words;
    this.#h = h;
    this.offset = h * 4 + HDR;
    this.length = length;
  }

  /** @internal Points the view at another frame of the same `words` (locate() was called with them): no object stores. */
  move(h: number, length: number): void {
    this.#h = h;
    this.offset = h * 4 + HDR;
    this.length = length;
  }

  /** A view of the payload (allocates a small view object; the bytes are not copied). */
  bytes(): Uint8Array {
    return this.buffer.subarray(this.offset, this.offset + this.length);
  }

  /** A copy of the payload that outlives the handler. */
  copy(): Uint8Array {
    return this.buffer.slice(this.offset, this.offset + this.length);
  }
}
