/**
 * DictWriter: a small FlatBuffers builder specialised for `ether.Dict` frames. It writes back to front
 * like the flatbuffers Builder (children before parents, so every uoffset points forward), but each
 * `ether.Value` table has one fixed layout per kind, so tables are written with a few stores and
 * their vtables are written once per frame and shared, with no vtable search. That makes the general
 * encode path several times faster than the generic Builder; the bytes are plain FlatBuffers that any
 * reader (including the flatc-generated one in bindings/ts) decodes.
 *
 * Positions are kept as distances from the end of the buffer, which stay valid when the buffer grows
 * (data moves to the end of the new one). `finish` pads the front so the frame's size is a multiple of
 * 8; then a distance from the end that is a multiple of 8 is also a multiple of 8 from the start.
 *
 *   table layouts (little-endian; soffset = this table's distance to its vtable):
 *     null     [soffset]                                 4 bytes
 *     number   [soffset][kind u8][0 0 0][num f64]         16 bytes, 8-aligned
 *     bool     [soffset][kind u8][flag u8][0 0]           8 bytes
 *     bigint   [soffset][kind u8][0 0 0][big i64]         16 bytes, 8-aligned
 *     offset   [soffset][kind u8][0 0 0][uoffset]         12 bytes (text, dict, items, vectors)
 *     dict     [soffset][keys uoffset][values uoffset]   12 bytes
 *
 * @example
 *   w.reset();
 *   const v = w.numberValue(KIND_FLOAT, 0.5);
 *   ...
 *   const frame = w.finish(rootDict);
 */
import { errors } from "../errors.js";
import * as W from "./dict-wire.js";

/** Largest frame the writer builds (uoffsets are 32-bit; FlatBuffers caps buffers at 2 GiB). */
const MAX_FRAME = 0x7ffffff8;

// Vtable ids for the per-frame cache.
const VT_NULL = 0;
const VT_NUMBER = 1;
const VT_BOOL = 2;
const VT_BIGINT = 3;
const VT_DICT = 4;
const VT_OFFSET = 5; // + field id (F_TEXT .. F_U64)
const VT_COUNT = VT_OFFSET + W.VALUE_FIELD_COUNT;

/** The vtable (uint16 entries: vtable size, table size, field offsets by id) of each layout. */
const VTABLES: readonly (readonly number[])[] = (() => {
  const v: number[][] = [];
  v[VT_NULL] = [4, 4];
  v[VT_NUMBER] = [8, 16, 4, 8];
  v[VT_BOOL] = [10, 8, 4, 0, 5];
  v[VT_BIGINT] = [4 + 2 * (W.F_BIG + 1), 16, 4, ...new Array<number>(W.F_BIG - 1).fill(0), 8];
  v[VT_DICT] = [8, 12, 4, 8];
  for (let f = W.F_TEXT; f < W.VALUE_FIELD_COUNT; f++) {
    v[VT_OFFSET + f] = [4 + 2 * (f + 1), 12, 4, ...new Array<number>(f - 1).fill(0), 8];
  }
  return v;
})();

const textEncoder = new TextEncoder();

/** Builds one dict frame at a time into a reused, growing buffer. */
export class DictWriter {
  private buf: Uint8Array;
  private view: DataView;
  private cap: number;
  /** Index of the first written byte: the frame so far is buf[space, cap). */
  private space: number;
  /** Distance from the end of each layout's vtable in this frame, 0 while not written. */
  private readonly vtables = new Int32Array(VT_COUNT);
  private utf8 = new Uint8Array(256);
  private out: Uint8Array;
  /** Where the last scalar value's kind byte and payload went (distance from the end), for templates. */
  kindFromEnd = 0;
  dataFromEnd = 0;

  /**
   * Data vectors of at least this many bytes are left unwritten ("holes") and remembered, for the
   * caller to copy straight to where the frame goes (copyFrameTo); Infinity: every vector is written.
   */
  deferFrom = Infinity;
  /** Holes of the frame being written, in writing order: distance from the end to the hole's start, and the bytes that belong there. */
  private readonly holeFromEnd: number[] = [];
  private readonly holeBytes: Uint8Array[] = [];
  private holes = 0;

  private readonly topic: string | undefined;

  constructor(initialSize = 1024, topic?: string) {
    this.topic = topic;
    this.cap = Math.max(64, (initialSize + 7) & ~7);
    this.buf = new Uint8Array(this.cap);
    this.view = new DataView(this.buf.buffer);
    this.space = this.cap;
    this.out = this.buf.subarray(0, 0);
  }

  /** Starts a new frame. */
  reset(): void {
    this.space = this.cap;
    this.vtables.fill(0);
    this.holes = 0;
    this.holeBytes.length = 0;
  }

  /** How many data vectors of the frame being written were left unwritten (see deferFrom). */
  get holeCount(): number {
    return this.holes;
  }

  /** The view finish() returned last. */
  get lastFrame(): Uint8Array {
    return this.out;
  }

  /** Distance from the end of the buffer to the last written byte. */
  offset(): number {
    return this.cap - this.space;
  }

  /** Makes room for `n` more bytes. */
  private ensure(n: number): void {
    if (this.space >= n) return;
    const used = this.cap - this.space;
    if (used + n > MAX_FRAME) throw errors.encode(`the message needs more than ${MAX_FRAME} bytes`, "", this.topic);
    let cap = this.cap * 2;
    while (cap - used < n) cap *= 2;
    cap = Math.min(cap, MAX_FRAME + 8);
    const buf = new Uint8Array(cap);
    buf.set(this.buf.subarray(this.space), cap - used);
    this.buf = buf;
    this.view = new DataView(buf.buffer);
    this.space = cap - used;
    this.cap = cap;
  }

  /**
   * Zero-pads so that after `n` more bytes the distance from the end is a multiple of `a` (a power of
   * two), and makes room for the padding and those bytes.
   */
  private align(a: number, n: number): void {
    const pad = (a - ((this.cap - this.space + n) & (a - 1))) & (a - 1);
    this.ensure(pad + n + 8);
    for (let i = 0; i < pad; i++) this.buf[--this.space] = 0;
  }

  /** The vtable of layout `id` in this frame, written on first use; returns its distance from the end. */
  private vtable(id: number): number {
    const at = this.vtables[id]!;
    if (at !== 0) return at;
    const entries = VTABLES[id]!;
    this.align(2, 2 * entries.length);
    for (let i = entries.length - 1; i >= 0; i--) {
      this.space -= 2;
      this.view.setUint16(this.space, entries[i]!, true);
    }
    return (this.vtables[id] = this.cap - this.space);
  }

  /** Starts a table of `size` bytes aligned to `a`, pointing at vtable `id`; returns its start index. */
  private table(id: number, size: number, a: number): number {
    const vt = this.vtable(id);
    this.align(a, size);
    const t = (this.space -= size);
    this.view.setInt32(t, vt - (this.cap - t), true);
    return t;
  }

  /** A Value of kind Null (no fields). */
  nullValue(): number {
    this.table(VT_NULL, 4, 4);
    return this.cap - this.space;
  }

  /** A Value holding a double: kind Int, Float or Date. */
  numberValue(kind: number, num: number): number {
    const t = this.table(VT_NUMBER, 16, 8);
    this.view.setUint32(t + 4, kind, true); // kind byte and 3 zero bytes
    this.view.setFloat64(t + 8, num, true);
    const end = this.cap - t;
    this.kindFromEnd = end - 4;
    this.dataFromEnd = end - 8;
    return end;
  }

  /** A Value of kind Bool; `flag` is written even when false, so both have one layout. */
  boolValue(flag: boolean): number {
    const t = this.table(VT_BOOL, 8, 4);
    this.view.setUint32(t + 4, W.KIND_BOOL | (flag ? 0x100 : 0), true);
    const end = this.cap - t;
    this.kindFromEnd = end - 4;
    this.dataFromEnd = end - 5;
    return end;
  }

  /** A Value of kind BigInt (int64 range). */
  bigintValue(v: bigint): number {
    const t = this.table(VT_BIGINT, 16, 8);
    this.view.setUint32(t + 4, W.KIND_BIGINT, true);
    this.view.setBigInt64(t + 8, v, true);
    return this.cap - t;
  }

  /** A Value whose field `field` holds the uoffset to `target` (a string, dict or vector). */
  offsetValue(kind: number, field: number, target: number): number {
    const t = this.table(VT_OFFSET + field, 12, 4);
    this.view.setUint32(t + 4, kind, true);
    this.view.setUint32(t + 8, this.cap - (t + 8) - target, true);
    return this.cap - t;
  }

  /** A Dict table pointing at a keys vector and a values vector. */
  dict(keysVector: number, valuesVector: number): number {
    const t = this.table(VT_DICT, 12, 4);
    const end = this.cap - t;
    this.view.setUint32(t + 4, end - 4 - keysVector, true);
    this.view.setUint32(t + 8, end - 8 - valuesVector, true);
    return end;
  }

  /** A vector of uoffsets to `targets[from, from + n)`, in order. */
  offsetVector(targets: readonly number[], from: number, n: number): number {
    this.align(4, 4 * n + 4);
    const view = this.view;
    for (let i = from + n - 1; i >= from; i--) {
      this.space -= 4;
      view.setUint32(this.space, this.cap - this.space - targets[i]!, true);
    }
    this.space -= 4;
    view.setUint32(this.space, n, true);
    return this.cap - this.space;
  }

  /** A vector of `count` elements (default: one per byte) whose bytes are `bytes`, data 8-aligned. */
  dataVector(bytes: Uint8Array, count: number = bytes.length): number {
    const len = bytes.length;
    this.align(W.DATA_ALIGN, len);
    this.space -= len;
    if (len >= this.deferFrom) {
      this.holeFromEnd[this.holes] = this.cap - this.space;
      this.holeBytes[this.holes++] = bytes;
    } else {
      this.buf.set(bytes, this.space);
    }
    this.space -= 4;
    this.view.setUint32(this.space, count, true);
    return this.cap - this.space;
  }

  /**
   * Copies the frame finish() returned last to `target` at `at`, writing each hole's bytes from
   * where they are (one copy of a large typed array instead of two).
   */
  copyFrameTo(target: Uint8Array, at: number): void {
    const frame = this.out;
    const n = this.holes;
    const length = frame.length;
    let done = 0;
    // Holes were written back to front: the last one written lies first in the frame.
    for (let i = n - 1; i >= 0; i--) {
      const start = length - this.holeFromEnd[i]!;
      const bytes = this.holeBytes[i]!;
      if (start > done) target.set(frame.subarray(done, start), at + done);
      target.set(bytes, at + start);
      done = start + bytes.length;
    }
    if (done < length) target.set(frame.subarray(done), at + done);
  }

  /** A vector of doubles from a list of numbers, data 8-aligned. */
  doubleVector(items: readonly unknown[]): number {
    const n = items.length;
    this.align(W.DATA_ALIGN, 8 * n);
    const view = this.view;
    for (let i = n - 1; i >= 0; i--) {
      this.space -= 8;
      view.setFloat64(this.space, items[i] as number, true);
    }
    this.space -= 4;
    view.setUint32(this.space, n, true);
    return this.cap - this.space;
  }

  /** A string (length, UTF-8 bytes, NUL). Lone surrogates become U+FFFD. */
  string(s: string): number {
    const n = s.length;
    if (n <= 64) {
      // ASCII fast path: one byte per UTF-16 unit, written straight into the frame.
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.align(4, n + 1);
        const buf = this.buf;
        buf[--this.space] = 0;
        for (let i = n - 1; i >= 0; i--) buf[--this.space] = s.charCodeAt(i);
        this.space -= 4;
        this.view.setUint32(this.space, n, true);
        return this.cap - this.space;
      }
    }
    if (this.utf8.length < 3 * n) this.utf8 = new Uint8Array(Math.max(3 * n, 2 * this.utf8.length));
    const written = textEncoder.encodeInto(s, this.utf8).written;
    this.align(4, written + 1);
    this.buf[--this.space] = 0;
    this.space -= written;
    this.buf.set(this.utf8.subarray(0, written), this.space);
    this.space -= 4;
    this.view.setUint32(this.space, written, true);
    return this.cap - this.space;
  }

  /** Starts a position-independent block (4-aligned); returns its start for `blockBytes`. */
  blockStart(): number {
    this.align(4, 0);
    return this.cap - this.space;
  }

  /** A copy of everything written since `blockStart()` returned `start`. */
  blockBytes(start: number): Uint8Array {
    return this.buf.slice(this.space, this.cap - start);
  }

  /**
   * Writes a block captured by `blockBytes` (its uoffsets are relative, so it may go anywhere
   * 4-aligned); returns the offset of its first byte.
   */
  block(bytes: Uint8Array): number {
    this.align(4, bytes.length);
    this.space -= bytes.length;
    this.buf.set(bytes, this.space);
    return this.cap - this.space;
  }

  /**
   * Finishes the frame with root `dict` and the "ETHD" identifier, padded to a multiple of 8 bytes.
   * Returns a view of it, valid until the next `reset`.
   */
  finish(dict: number): Uint8Array {
    this.align(W.DATA_ALIGN, 8);
    this.space -= 4;
    this.view.setUint32(this.space, W.DICT_IDENTIFIER_U32, true);
    this.space -= 4;
    this.view.setUint32(this.space, this.cap - this.space - dict, true);
    const out = this.out;
    // Reuse the last view when the frame has the same place and size (steady messages).
    if (out.buffer === this.buf.buffer && out.byteOffset === this.space && out.length === this.cap - this.space) return out;
    return (this.out = this.buf.subarray(this.space, this.cap));
  }
}
