/**
 * The honest "what you would write by hand" baseline: a minimal single-producer single-consumer ring
 * over SharedArrayBuffers, with variable-length 8-byte-aligned records. No sequence numbers, no
 * timestamps, no policies, no waiting, no subscribers beyond one: only what moving bytes needs.
 *
 * ```
 *  control (256 B)                         data (capacity bytes, a power of two)
 *  0        128       256                  +-------+---------+-------+---------+-----+-----------+
 *  +--------+---------+                    | len   | payload | len   | payload | ... | len = -1  |
 *  | HEAD   | TAIL    |                    | i32+4 | pad to 8| i32+4 | pad to 8|     | (padding) |
 *  +--------+---------+                    +-------+---------+-------+---------+-----+-----------+
 *  reader's   writer's
 *  line       line
 * ```
 *
 * HEAD and TAIL are u32 byte positions that wrap at 2^32; `position & (capacity - 1)` is the offset.
 * A record never straddles the end: when it does not fit, the writer fills the rest with a padding
 * record and starts again at offset 0. The writer publishes TAIL after every record (one
 * `Atomics.store`); the reader publishes HEAD once per `poll` batch. Both cache the other's word.
 *
 * @example
 *   const handle = createRawSab(1 << 22);
 *   const w = new RawSabWriter(handle);   // in one thread
 *   const r = new RawSabReader(handle);   // in another
 *   w.write(bytes);
 *   r.poll((u8, offset, length) => use(u8[offset]));
 */

/** Int32 index of HEAD (reader's position) in the control words. */
export const RAW_HEAD_INDEX = 0;
/** Int32 index of TAIL (writer's position): 128 bytes after HEAD so the two never share a line. */
export const RAW_TAIL_INDEX = 32;
/** Bytes of the control block. */
export const RAW_CONTROL_LENGTH = 256;
/** Bytes before each payload: i32 length, then 4 bytes of padding so payloads stay 8-byte aligned. */
export const RAW_RECORD_HEADER_LENGTH = 8;
/** Length word of a padding record that runs to the end of the data region. */
const PADDING = -1;

/** Structured-cloneable description of a ring: post it to the threads that use it. */
export interface RawSabHandle {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
}

/** A fresh ring of `capacity` data bytes (a power of two). */
export function createRawSab(capacity: number): RawSabHandle {
  if (!Number.isInteger(capacity) || capacity < 64 || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`capacity must be a power of two >= 64, got capacity=${capacity}`);
  }
  return { control: new SharedArrayBuffer(RAW_CONTROL_LENGTH), data: new SharedArrayBuffer(capacity) };
}

/** Bytes a record with `length` payload bytes takes in the ring. */
function recordLength(length: number): number {
  return (RAW_RECORD_HEADER_LENGTH + length + 7) & ~7;
}

/** The one writer of a ring. */
export class RawSabWriter {
  /** The data region as bytes; `loan` returns offsets into it. */
  readonly bytes: Uint8Array;
  /** The data region as Int32 words (record headers; fills through a loan). */
  readonly words: Int32Array;
  private readonly control: Int32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private tail = 0;
  private headCache = 0;
  private loanLength = -1;
  private loanOffset = 0;

  constructor(handle: RawSabHandle) {
    this.control = new Int32Array(handle.control);
    this.bytes = new Uint8Array(handle.data);
    this.words = new Int32Array(handle.data);
    this.capacity = handle.data.byteLength;
    this.mask = this.capacity - 1;
    this.tail = Atomics.load(this.control, RAW_TAIL_INDEX);
    this.headCache = Atomics.load(this.control, RAW_HEAD_INDEX);
  }

  /** Copies `src` into the ring as one record; false when the ring is full (nothing written). */
  write(src: Uint8Array): boolean {
    const length = src.length;
    const offset = this.claim(recordLength(length));
    if (offset < 0) return false;
    this.words[offset >> 2] = length;
    this.bytes.set(src, offset + RAW_RECORD_HEADER_LENGTH);
    this.tail = (this.tail + recordLength(length)) | 0;
    Atomics.store(this.control, RAW_TAIL_INDEX, this.tail); // SYNC raw-tail
    return true;
  }

  /**
   * Reserves a record of `length` payload bytes and returns the payload's byte offset in `bytes`
   * (8-byte aligned), or -1 when the ring is full. Fill it, then `commit()`.
   */
  loan(length: number): number {
    const offset = this.claim(recordLength(length));
    if (offset < 0) return -1;
    this.loanLength = length;
    this.loanOffset = offset;
    return offset + RAW_RECORD_HEADER_LENGTH;
  }

  /** Makes the loaned record visible to the reader. */
  commit(): void {
    const length = this.loanLength;
    if (length < 0) throw new Error("commit() without loan()");
    this.words[this.loanOffset >> 2] = length;
    this.loanLength = -1;
    this.tail = (this.tail + recordLength(length)) | 0;
    Atomics.store(this.control, RAW_TAIL_INDEX, this.tail); // SYNC raw-tail
  }

  /**
   * Finds `need` contiguous bytes at the tail, writing a padding record first if the record would
   * straddle the end; returns the record's offset, or -1 (and changes nothing) when full.
   */
  private claim(need: number): number {
    const capacity = this.capacity;
    let tail = this.tail;
    let offset = tail & this.mask;
    const toEnd = capacity - offset;
    const total = need <= toEnd ? need : need + toEnd;
    if (capacity - ((tail - this.headCache) | 0) < total) {
      this.headCache = Atomics.load(this.control, RAW_HEAD_INDEX); // SYNC raw-head
      if (capacity - ((tail - this.headCache) | 0) < total) return -1;
    }
    if (need > toEnd) {
      // The padding becomes visible with the record that follows it (same TAIL store).
      this.words[offset >> 2] = PADDING;
      tail = (tail + toEnd) | 0;
      offset = 0;
      this.tail = tail;
    }
    return offset;
  }
}

/** Called once per record with the data region, the payload's offset and its length. */
export type RawSabHandler = (bytes: Uint8Array, offset: number, length: number) => void;

/** The one reader of a ring. */
export class RawSabReader {
  /** The data region as bytes (records are read in place). */
  readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly control: Int32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private head = 0;

  constructor(handle: RawSabHandle) {
    this.control = new Int32Array(handle.control);
    this.bytes = new Uint8Array(handle.data);
    this.words = new Int32Array(handle.data);
    this.capacity = handle.data.byteLength;
    this.mask = this.capacity - 1;
    this.head = Atomics.load(this.control, RAW_HEAD_INDEX);
  }

  /** Calls `handler` for each available record (up to `limit`) and returns how many it read. */
  poll(handler: RawSabHandler, limit = 0x7fffffff): number {
    const tail = Atomics.load(this.control, RAW_TAIL_INDEX); // SYNC raw-tail
    let head = this.head;
    if (head === tail) return 0;
    const bytes = this.bytes;
    const words = this.words;
    const mask = this.mask;
    let n = 0;
    while (head !== tail && n < limit) {
      const offset = head & mask;
      const length = words[offset >> 2];
      if (length === PADDING) {
        head = (head + (this.capacity - offset)) | 0;
        continue;
      }
      handler(bytes, offset + RAW_RECORD_HEADER_LENGTH, length);
      n++;
      head = (head + recordLength(length)) | 0;
    }
    this.head = head;
    Atomics.store(this.control, RAW_HEAD_INDEX, head); // SYNC raw-head
    return n;
  }
}
