/**
 * DictDecoder: dict frames (`bindings/schemas/dict.fbs`) to plain JavaScript objects, read in place.
 *
 * Typed arrays and byte strings come back as views into the frame's own buffer (for a ring, its
 * SharedArrayBuffer): no copy, valid only while the frame is (during the handler); copy to keep.
 * A view needs its data aligned in the buffer: frames at 8-aligned offsets always are; a frame at
 * an odd offset gets copies instead. Strings, numbers, lists and dicts are ordinary JS values.
 *
 * The reader trusts nothing in the frame. Every offset and length it follows is checked against
 * [offset, offset + length) before use; nesting deeper than MAX_DEPTH is refused; and the total work
 * is bounded by the frame's size, so offsets that point many times at the same data cannot make it
 * run long. A frame that breaks any of this throws ERR_ETHER_DECODE; nothing else escapes.
 *
 * @example
 *   const decoder = new DictDecoder({ topic: "sensor" });
 *   const msg = decoder.decode(ringBytes, frameOffset, frameLength);  // {seq: 1, t: ..., value: 0.5}
 */
import { EtherError, errors } from "../errors.js";
import { bytesToBigint } from "./bigint-bytes.js";
import { BuildBudget } from "./build-budget.js";
import { HASH_SEED, KeyShape, KeyShapeCache, hashStep } from "./dict-keys.js";
import { READ_BOOL, READ_NULL, READ_NUMBER, ReadTemplate } from "./dict-read-template.js";
import * as W from "./dict-wire.js";
import { decodeUtf8 } from "./utf8.js";

/** Options of a DictDecoder. */
export interface DictDecoderOptions {
  /** Topic named in error messages. */
  readonly topic?: string;
}

/** Longest BigIntWide the reader converts (V8 bigints top out near 2^30 bits). */
const MAX_WIDE_BYTES = 1 << 24;
const MAX_READ_TEMPLATES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads dict frames. Keeps a cache of key shapes, so one decoder per subscription is best. */
export class DictDecoder {
  private readonly topic: string | undefined;
  private readonly shapes = new KeyShapeCache();
  private u8: Uint8Array | null = null;
  private u8Offset = 0;
  private buffer: ArrayBufferLike | null = null;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private bytes: Uint8Array = new Uint8Array(0);
  private words: Int32Array = new Int32Array(0);
  private base = 0;
  private end = 0;
  private budget = 0;
  /** Per depth: the values of the dict being read (reused). */
  private readonly values: unknown[][] = [];
  // "Registers" set by table() and vector() (returning them would allocate).
  private vtSize = 0;
  private tSize = 0;
  private count = 0;
  // Set by value() for a number, boolean or null: where its kind byte and payload were (0: absent).
  private kindAt = 0;
  private dataAt = 0;
  /** Whether shape() found the keys in its cache (a recurring shape) rather than decoding them. */
  private shapeWasCached = false;
  // The root dict of the frame being parsed, for read templates.
  private readonly rootSlots: number[] = [];
  private readonly rootKindAt: number[] = [];
  private readonly rootDataAt: number[] = [];
  private readonly templates: ReadTemplate[] = [];
  private readonly builds = new BuildBudget();

  constructor(options: DictDecoderOptions = {}) {
    this.topic = options.topic;
  }

  /**
   * Decodes the frame `u8[offset, offset + length)` and returns the message. Typed arrays in it are
   * views into `u8.buffer`, valid as long as those bytes are. Throws ERR_ETHER_DECODE when the bytes
   * are not a well-formed dict frame; never reads outside the given range.
   */
  decode(u8: Uint8Array, offset = 0, length: number = u8.length - offset): Record<string, unknown> {
    if (!(Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 && offset + length <= u8.length)) {
      throw this.bad(`range offset=${offset} length=${length} is outside the ${u8.length}-byte view`);
    }
    // A typed array's buffer and byteOffset never change, and reading them costs more than the
    // rest of a small decode: look them up only for a new view (or a buffer that has grown).
    if (u8 !== this.u8 || this.u8Offset + u8.length > this.bytes.length) this.attach(u8);
    const base = this.u8Offset + offset;
    const templates = this.templates;
    if ((base & 3) === 0) {
      for (let i = 0; i < templates.length; i++) {
        const t = templates[i]!;
        if (t.length === length) {
          const message = t.match(this.words, base >>> 2, this.bytes, this.view, base);
          if (message !== undefined) return message;
        }
      }
    }
    return this.parse(base, length);
  }

  private attach(u8: Uint8Array): void {
    this.u8 = u8;
    this.u8Offset = u8.byteOffset;
    const buffer = u8.buffer;
    if (buffer === this.buffer && this.bytes.length === buffer.byteLength) return;
    this.buffer = buffer;
    this.view = new DataView(buffer);
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
  }

  /** The validating parser, for frames no read template matches. */
  private parse(base: number, length: number): Record<string, unknown> {
    if (!LITTLE_ENDIAN) throw this.bad("dict frames need a little-endian host");
    this.builds.tick();
    this.base = base;
    this.end = base + length;
    // Each unit is a few ns of work; a well-formed frame needs fewer units than it has bytes.
    this.budget = 2 * length + 64;
    if (length < 16) throw this.bad(`a dict frame has at least 16 bytes, this one ${length}`);
    if (this.view.getUint32(base + 4, true) !== W.DICT_IDENTIFIER_U32) {
      throw this.bad('no "ETHD" file identifier: not a dict frame');
    }
    try {
      return this.dict(base + this.view.getUint32(base, true), 0);
    } catch (e) {
      if (e instanceof EtherError) throw e;
      // Not reached by any frame we know of; kept so a reader bug cannot leak a RangeError.
      const err = this.bad(`internal error: ${(e as Error).message}`);
      Object.defineProperty(err, "cause", { value: e });
      throw err;
    }
  }

  private bad(detail: string): EtherError {
    return errors.decode(detail, this.topic);
  }

  private at(p: number): string {
    return `at byte ${p - this.base}`;
  }

  /** Checks the table at `t` and its vtable; returns the vtable position, sets vtSize and tSize. */
  private table(t: number): number {
    const view = this.view;
    const end = this.end;
    if (t + 4 > end) throw this.bad(`table ${this.at(t)} is past the end of the frame`);
    const vt = t - view.getInt32(t, true);
    if (vt < this.base || vt + 4 > end) throw this.bad(`vtable of the table ${this.at(t)} is outside the frame`);
    const vtSize = view.getUint16(vt, true);
    const tSize = view.getUint16(vt + 2, true);
    if (vtSize < 4 || vt + vtSize > end || tSize < 4 || t + tSize > end) {
      throw this.bad(`malformed table ${this.at(t)} (vtable size ${vtSize}, table size ${tSize})`);
    }
    this.vtSize = vtSize;
    this.tSize = tSize;
    return vt;
  }

  /** Position of field `id` (of `width` bytes) of the table at `t`, or 0 when absent. */
  private field(t: number, vt: number, vtSize: number, tSize: number, id: number, width: number): number {
    const e = 4 + 2 * id;
    if (e + 2 > vtSize) return 0;
    const fo = this.view.getUint16(vt + e, true);
    if (fo === 0) return 0;
    if (fo + width > tSize) throw this.bad(`field ${id} of the table ${this.at(t)} overruns the table`);
    return t + fo;
  }

  /** Follows the vector offset at `p`; returns the data position and sets `count`. */
  private vector(p: number, elemSize: number): number {
    const view = this.view;
    const v = p + view.getUint32(p, true);
    if (v + 4 > this.end) throw this.bad(`vector ${this.at(v)} is past the end of the frame`);
    const n = view.getUint32(v, true);
    if (v + 4 + n * elemSize > this.end) throw this.bad(`vector of ${n} items ${this.at(v)} overruns the frame`);
    this.count = n;
    return v + 4;
  }

  private spend(units: number): void {
    if ((this.budget -= units) < 0) {
      throw this.bad("frame references more data than it holds (offsets shared or looping)");
    }
  }

  private dict(t: number, depth: number): Record<string, unknown> {
    if (depth > W.MAX_DEPTH) throw this.bad(`nesting is deeper than ${W.MAX_DEPTH} levels`);
    const vt = this.table(t);
    const vtSize = this.vtSize;
    const tSize = this.tSize;
    const kp = this.field(t, vt, vtSize, tSize, W.F_DICT_KEYS, 4);
    const vp = this.field(t, vt, vtSize, tSize, W.F_DICT_VALUES, 4);
    let n = 0;
    let keysAt = 0;
    if (kp !== 0) {
      keysAt = this.vector(kp, 4);
      n = this.count;
    }
    let valuesAt = 0;
    let m = 0;
    if (vp !== 0) {
      valuesAt = this.vector(vp, 4);
      m = this.count;
    }
    if (n !== m) throw this.bad(`dict ${this.at(t)} has ${n} keys but ${m} values`);
    if (n === 0) return {};
    const shape = this.shape(keysAt, n);
    const values = this.values[depth] ?? (this.values[depth] = []);
    const view = this.view;
    if (depth !== 0) {
      for (let i = 0; i < n; i++) {
        const e = valuesAt + 4 * i;
        values[i] = this.value(e + view.getUint32(e, true), depth + 1);
      }
      return shape.build(values);
    }
    // The root: also note where flat values sit, to make a read template of a recurring shape.
    const recurring = this.shapeWasCached;
    let flat = true;
    const base = this.base;
    for (let i = 0; i < n; i++) {
      const e = valuesAt + 4 * i;
      const v = (values[i] = this.value(e + view.getUint32(e, true), 1));
      if (!flat) continue;
      const type = typeof v;
      if (type === "number") this.rootSlots[i] = READ_NUMBER;
      else if (type === "boolean") this.rootSlots[i] = READ_BOOL;
      else if (v === null) this.rootSlots[i] = READ_NULL;
      else flat = false;
      this.rootKindAt[i] = this.kindAt === 0 ? 0 : this.kindAt - base;
      this.rootDataAt[i] = this.dataAt === 0 ? 0 : this.dataAt - base;
    }
    if (flat && recurring) this.learn(shape, n);
    return shape.build(values);
  }

  /** Keeps a read template of the flat frame just parsed. */
  private learn(shape: KeyShape, n: number): void {
    const length = this.end - this.base;
    if ((length & 3) !== 0 || !this.builds.take()) return;
    const frame = this.bytes.subarray(this.base, this.end);
    const t = new ReadTemplate(frame, shape, this.rootSlots.slice(0, n), this.rootKindAt.slice(0, n), this.rootDataAt.slice(0, n));
    this.templates.unshift(t);
    if (this.templates.length > MAX_READ_TEMPLATES) this.templates.pop();
  }

  /** The cached shape whose keys equal the `n` strings listed at `keysAt`, decoding them if new. */
  private shape(keysAt: number, n: number): KeyShape {
    const recent = this.shapes.recent;
    const small = n < recent.length;
    this.shapeWasCached = true;
    if (small) {
      const last = recent[n];
      if (last !== undefined && this.matches(last, keysAt, n)) return last;
    }
    let h = HASH_SEED;
    for (let i = 0; i < n; i++) {
      const s = this.keyString(keysAt + 4 * i);
      const len = this.count;
      h = hashStep(hashStep(h, len & 0xff), len >>> 8);
      for (let j = 0; j < len; j++) h = hashStep(h, this.bytes[s + j]!);
    }
    let found: KeyShape | undefined;
    for (const candidate of this.shapes.candidates(h) ?? []) {
      if (this.matches(candidate, keysAt, n)) {
        found = candidate;
        break;
      }
    }
    if (found === undefined) {
      const keys: string[] = [];
      const raw: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const s = this.keyString(keysAt + 4 * i);
        keys.push(decodeUtf8(this.bytes, s, s + this.count));
        raw.push(this.bytes.slice(s, s + this.count));
      }
      found = new KeyShape(keys, raw);
      this.shapes.add(h, found);
      this.shapeWasCached = false;
    }
    if (small) recent[n] = found;
    return found;
  }

  /** Follows the key slot at `slot`; returns where the key's bytes start and sets `count` to their length. */
  private keyString(slot: number): number {
    const s = this.vector(slot, 1);
    this.spend(1 + (this.count >>> 6));
    return s;
  }

  private matches(shape: KeyShape, keysAt: number, n: number): boolean {
    if (shape.keys.length !== n) return false;
    const bytes = this.bytes;
    const cached = shape.bytes;
    for (let i = 0; i < n; i++) {
      const s = this.keyString(keysAt + 4 * i);
      const len = this.count;
      if (len !== shape.lengths[i]) return false;
      const from = shape.starts[i]!;
      for (let j = 0; j < len; j++) if (bytes[s + j] !== cached[from + j]) return false;
    }
    return true;
  }

  private value(t: number, depth: number): unknown {
    this.spend(1);
    const vt = this.table(t);
    const vtSize = this.vtSize;
    const tSize = this.tSize;
    const kp = this.field(t, vt, vtSize, tSize, W.F_KIND, 1);
    const kind = kp === 0 ? W.KIND_NULL : this.bytes[kp]!;
    this.kindAt = kp;
    switch (kind) {
      case W.KIND_INT:
      case W.KIND_FLOAT: {
        const p = (this.dataAt = this.field(t, vt, vtSize, tSize, W.F_NUM, 8));
        return p === 0 ? 0 : this.view.getFloat64(p, true);
      }
      case W.KIND_NULL:
        return null;
      case W.KIND_BOOL: {
        const p = (this.dataAt = this.field(t, vt, vtSize, tSize, W.F_FLAG, 1));
        return p !== 0 && this.bytes[p] !== 0;
      }
      case W.KIND_STRING: {
        const p = this.field(t, vt, vtSize, tSize, W.F_TEXT, 4);
        if (p === 0) return "";
        const s = this.vector(p, 1);
        const len = this.count;
        this.spend(len >>> 6);
        return decodeUtf8(this.bytes, s, s + len);
      }
      case W.KIND_DICT: {
        const p = this.field(t, vt, vtSize, tSize, W.F_DICT, 4);
        return p === 0 ? {} : this.dict(p + this.view.getUint32(p, true), depth);
      }
      case W.KIND_LIST:
        return this.list(this.field(t, vt, vtSize, tSize, W.F_ITEMS, 4), depth);
      case W.KIND_NUMBER_LIST:
        return this.numberList(this.field(t, vt, vtSize, tSize, W.F_F64, 4));
      case W.KIND_BIGINT: {
        const p = this.field(t, vt, vtSize, tSize, W.F_BIG, 8);
        return p === 0 ? 0n : this.view.getBigInt64(p, true);
      }
      case W.KIND_BIGINT_WIDE: {
        const p = this.field(t, vt, vtSize, tSize, W.F_U8, 4);
        if (p === 0) return 0n;
        const s = this.vector(p, 1);
        const len = this.count;
        if (len > MAX_WIDE_BYTES) throw this.bad(`bigint of ${len} bytes ${this.at(t)} is too large`);
        this.spend(len >>> 3);
        return bytesToBigint(this.bytes, s, s + len);
      }
      case W.KIND_DATE: {
        const p = this.field(t, vt, vtSize, tSize, W.F_NUM, 8);
        return new Date(p === 0 ? 0 : this.view.getFloat64(p, true));
      }
      default:
        if (kind >= W.KIND_BYTES && kind < W.KIND_COUNT) return this.typedArray(kind, t, vt, vtSize, tSize);
        throw this.bad(`unknown value kind ${kind} ${this.at(t)}`);
    }
  }

  private list(p: number, depth: number): unknown[] {
    if (depth > W.MAX_DEPTH) throw this.bad(`nesting is deeper than ${W.MAX_DEPTH} levels`);
    const out: unknown[] = [];
    if (p === 0) return out;
    const at = this.vector(p, 4);
    const n = this.count;
    const view = this.view;
    for (let i = 0; i < n; i++) {
      const e = at + 4 * i;
      out.push(this.value(e + view.getUint32(e, true), depth + 1));
    }
    return out;
  }

  private numberList(p: number): number[] {
    const out: number[] = [];
    if (p === 0) return out;
    const at = this.vector(p, 8);
    const n = this.count;
    this.spend(n >>> 2);
    const view = this.view;
    for (let i = 0; i < n; i++) out.push(view.getFloat64(at + 8 * i, true));
    return out;
  }

  private typedArray(kind: number, t: number, vt: number, vtSize: number, tSize: number): ArrayBufferView {
    const spec = TYPED_BY_KIND[kind - W.KIND_BYTES]!;
    const p = this.field(t, vt, vtSize, tSize, spec.field, 4);
    if (p === 0) return new spec.ctor(0);
    const at = this.vector(p, spec.size);
    const n = this.count;
    if (at % spec.size === 0) return new spec.ctor(this.buffer as ArrayBuffer, at, n);
    // Misaligned (the frame sits at an odd offset): a view is impossible, copy instead.
    this.spend((n * spec.size) >>> 6);
    const copy = new spec.ctor(n);
    new Uint8Array(copy.buffer).set(this.bytes.subarray(at, at + n * spec.size));
    return copy;
  }
}

interface TypedSpec {
  readonly field: number;
  readonly size: number;
  readonly ctor: {
    new (length: number): ArrayBufferView;
    new (buffer: ArrayBuffer, byteOffset: number, length: number): ArrayBufferView;
  };
}

/** Indexed by kind - KIND_BYTES. */
const TYPED_BY_KIND: readonly TypedSpec[] = [
  { field: W.F_U8, size: 1, ctor: Uint8Array },
  { field: W.F_U8, size: 1, ctor: Uint8ClampedArray },
  { field: W.F_I8, size: 1, ctor: Int8Array },
  { field: W.F_I16, size: 2, ctor: Int16Array },
  { field: W.F_U16, size: 2, ctor: Uint16Array },
  { field: W.F_I32, size: 4, ctor: Int32Array },
  { field: W.F_U32, size: 4, ctor: Uint32Array },
  { field: W.F_F32, size: 4, ctor: Float32Array },
  { field: W.F_F64, size: 8, ctor: Float64Array },
  { field: W.F_I64, size: 8, ctor: BigInt64Array },
  { field: W.F_U64, size: 8, ctor: BigUint64Array },
];
