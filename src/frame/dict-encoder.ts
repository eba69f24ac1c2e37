/**
 * DictEncoder: plain JavaScript objects to dict frames (`bindings/schemas/dict.fbs`).
 *
 * One encoder per publisher: it reuses one buffer (a DictWriter, a FlatBuffers builder specialised
 * for this schema), and it learns the shapes of the messages it sees. A flat object of numbers,
 * booleans and nulls whose shape has been seen twice is then encoded by patching a copy of its
 * previous frame (dict-template.ts), without allocating; everything else takes the general path.
 * Both paths write the same bytes.
 *
 * What encodes (and what it decodes to):
 *   - plain objects (prototype Object.prototype or null) -> plain objects; keys keep their order;
 *     properties whose value is `undefined` are left out, as JSON does; symbol keys are ignored
 *   - arrays -> arrays (holes and `undefined` items -> null; all-number arrays are packed)
 *   - numbers (all of them: -0, NaN, +-Infinity exactly), strings (lone surrogates become U+FFFD),
 *     booleans, null
 *   - bigints of any size (int64 in 8 bytes, larger ones as two's complement bytes)
 *   - Date -> Date (the millisecond value, invalid dates included)
 *   - every typed array -> the same typed array type (Buffer -> Uint8Array), viewing the frame
 * Anything else is an ERR_ETHER_ENCODE naming the key path (`a.b[3]`): functions, symbols, class
 * instances, Map, Set, ArrayBuffer, DataView, cycles, nesting deeper than MAX_DEPTH.
 *
 * @example
 *   const encoder = new DictEncoder({ topic: "sensor" });
 *   const bytes = encoder.encode({ seq: 1, t: performance.now(), value: 0.5 });
 *   publisher.publish(bytes);  // copy it before the next encode()
 */
import { EtherError, errors } from "../errors.js";
import { bigintToBytes, fitsInt64 } from "./bigint-bytes.js";
import { BuildBudget } from "./build-budget.js";
import { DictTemplate, SLOT_BOOL, SLOT_NULL, SLOT_NUMBER } from "./dict-template.js";
import * as W from "./dict-wire.js";
import { DictWriter } from "./dict-writer.js";
import { formatKeyPath } from "./key-path.js";
import { type KeyNode, KeyTrie } from "./key-trie.js";

/** Options of a DictEncoder. */
export interface DictEncoderOptions {
  /** Topic named in error messages. */
  readonly topic?: string;
  /** Initial buffer capacity in bytes (it grows as needed and keeps its size). Default 1024. */
  readonly initialSize?: number;
}

/** Typed arrays by their Symbol.toStringTag (also right for subclasses such as Buffer). */
const TYPED: Readonly<Record<string, readonly [kind: number, field: number]>> = {
  Uint8Array: [W.KIND_BYTES, W.F_U8],
  Uint8ClampedArray: [W.KIND_U8_CLAMPED, W.F_U8],
  Int8Array: [W.KIND_I8, W.F_I8],
  Int16Array: [W.KIND_I16, W.F_I16],
  Uint16Array: [W.KIND_U16, W.F_U16],
  Int32Array: [W.KIND_I32, W.F_I32],
  Uint32Array: [W.KIND_U32, W.F_U32],
  Float32Array: [W.KIND_F32, W.F_F32],
  Float64Array: [W.KIND_F64, W.F_F64],
  BigInt64Array: [W.KIND_I64, W.F_I64],
  BigUint64Array: [W.KIND_U64, W.F_U64],
};

/**
 * Typed arrays this large or larger are copied once, from the message to the ring, by
 * encodeDeferred / writeTo (below it a second copy costs less than writing the frame in pieces).
 */
export const DIRECT_COPY_MIN = 16 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAX_TEMPLATES = 8;
const MAX_CANDIDATES = 16;
const MAX_TEMPLATE_KEYS = 64;
const hasOwn = Object.prototype.hasOwnProperty;

type AnyTypedArray = ArrayBufferView & { readonly length: number };

/** Encodes plain objects into dict frames, reusing its buffers. One per publishing topic and thread. */
export class DictEncoder {
  private readonly w: DictWriter;
  private readonly topic: string | undefined;
  /** Frames encoded by the general path; a KeyNode's keys vector from an older frame is stale. */
  private frame = 0;
  /** Key sequences seen, each remembering its keys block and its keys vector in the current frame. */
  private readonly trie = new KeyTrie();
  /** Per depth: child offsets (reused, grown on demand). */
  private readonly offsets: number[][] = [];
  /** Offsets of the key strings of the keys block being written. */
  private readonly keyOffsets: number[] = [];
  /** The containers on the path being written, to catch cycles. */
  private readonly ancestors: unknown[] = [];
  /** The key or index under which each depth's child is being written, for error paths. */
  private readonly segments: Array<string | number> = [];
  // What the root dict of the frame being written looks like, for templates.
  private rootTemplatable = false;
  private rootShape: KeyNode | null = null;
  private rootCount = 0;
  private readonly rootSlots: number[] = [];
  private readonly rootKindFromEnd: number[] = [];
  private readonly rootDataFromEnd: number[] = [];
  private readonly templates: DictTemplate[] = [];
  private readonly builds = new BuildBudget();
  /** Flat shapes encoded once by the general path: a template is made when one comes again. */
  private readonly candidates: Array<{ shape: KeyNode; slots: string }> = [];
  /** True when the frame encodeDeferred() returned last lacks the bytes of large typed arrays (see there). */
  deferred = false;
  /** The frame encodeDeferred() returned last, for writeTo. */
  private forCopy: Uint8Array = new Uint8Array(0);

  constructor(options: DictEncoderOptions = {}) {
    this.topic = options.topic;
    this.w = new DictWriter(options.initialSize ?? 1024, options.topic);
  }

  /**
   * Encodes `message` (a plain object; `undefined` encodes an empty dict) and returns the frame.
   * The returned bytes are a view into this encoder's own buffer, valid until the next `encode`:
   * copy them (publish does) before encoding again. Their length is a multiple of 8, and the view
   * starts 8-aligned in its ArrayBuffer. Throws ERR_ETHER_ENCODE for values it cannot encode.
   */
  encode(message: object | undefined): Uint8Array {
    this.w.deferFrom = Infinity;
    return this.encodeFrame(message);
  }

  /**
   * Like encode(), but a typed array of DIRECT_COPY_MIN bytes or more is not copied into this
   * encoder's buffer. Then `deferred` is true, the returned frame lacks those arrays' bytes, and
   * `writeTo` writes the whole frame where it goes, copying them straight from the message: one copy
   * instead of two. When `deferred` is false the frame is complete, as encode() returns it. Valid
   * until the next encode; the message's arrays must not change in between.
   */
  encodeDeferred(message: object | undefined): Uint8Array {
    const w = this.w;
    w.deferFrom = DIRECT_COPY_MIN;
    const frame = this.encodeFrame(message);
    // A template's frame is its own copy, never with holes; the writer's last frame may have some.
    this.deferred = frame === w.lastFrame && w.holeCount > 0;
    this.forCopy = frame;
    return frame;
  }

  /** Writes the frame encodeDeferred() returned into `target` at `at`, with the arrays it left out. */
  writeTo(target: Uint8Array, at: number): void {
    if (this.deferred) this.w.copyFrameTo(target, at);
    else target.set(this.forCopy, at);
  }

  private encodeFrame(message: object | undefined): Uint8Array {
    const m = message === undefined ? EMPTY : message;
    if (typeof m === "object" && m !== null && Object.getPrototypeOf(m) === Object.prototype) {
      const templates = this.templates;
      for (let i = 0; i < templates.length; i++) {
        const t = templates[i]!;
        if (t.fill(m as Record<string, unknown>)) return t.bytes;
      }
    } else {
      this.checkRoot(m);
    }
    return this.encodeGeneral(m as Record<string, unknown>);
  }

  private checkRoot(m: unknown): void {
    if (typeof m === "object" && m !== null) {
      if (Array.isArray(m)) {
        throw this.fail("a message must be a plain object, not an array: wrap it, as in {items: [...]}", 0);
      }
      if (Object.getPrototypeOf(m) === null) return;
    }
    throw this.fail(`a message must be a plain object, not ${describe(m)}`, 0);
  }

  private encodeGeneral(message: Record<string, unknown>): Uint8Array {
    const w = this.w;
    w.reset();
    if (++this.frame > 0x3fffffff) {
      this.frame = 1;
      this.trie.clear();
    }
    this.rootTemplatable = Object.getPrototypeOf(message) === Object.prototype;
    let frame: Uint8Array;
    try {
      frame = w.finish(this.dict(message, 0));
    } catch (e) {
      this.ancestors.length = 0;
      throw e;
    }
    this.builds.tick();
    if (this.rootTemplatable) this.learn(frame);
    return frame;
  }

  /** Builds a template once the same flat shape has been encoded twice (not necessarily in a row). */
  private learn(frame: Uint8Array): void {
    const shape = this.rootShape!;
    const n = this.rootCount;
    if (n > MAX_TEMPLATE_KEYS) return;
    const slots = this.rootSlots.slice(0, n).join("");
    for (const t of this.templates) if (t.shape === shape && t.slotKey === slots) return;
    const candidates = this.candidates;
    const seen = candidates.findIndex((c) => c.shape === shape && c.slots === slots);
    if (seen < 0) {
      candidates.push({ shape, slots });
      if (candidates.length > MAX_CANDIDATES) candidates.shift();
      return;
    }
    candidates.splice(seen, 1);
    if (!this.builds.take()) return;
    const slotList = this.rootSlots.slice(0, n);
    const dataFromEnd = this.rootDataFromEnd.slice(0, n);
    if (!DictTemplate.fits(frame.length, slotList, dataFromEnd)) return;
    const kindFromEnd = this.rootKindFromEnd.slice(0, n);
    this.templates.push(new DictTemplate(shape, shape.keys(), slotList, kindFromEnd, dataFromEnd, frame));
    if (this.templates.length > MAX_TEMPLATES) this.templates.shift();
  }

  private fail(detail: string, depth: number): EtherError {
    return errors.encode(detail, formatKeyPath(this.segments, depth), this.topic);
  }

  private scratch(depth: number): number[] {
    return this.offsets[depth] ?? (this.offsets[depth] = []);
  }

  private enter(container: object, depth: number): void {
    if (depth > W.MAX_DEPTH) throw this.fail(`nesting is deeper than ${W.MAX_DEPTH} levels`, depth);
    const ancestors = this.ancestors;
    for (let i = 0; i < depth; i++) {
      if (ancestors[i] === container) {
        throw this.fail(`cycle: this value is its own ancestor at ${formatKeyPath(this.segments, i) || "<root>"}`, depth);
      }
    }
    ancestors[depth] = container;
  }

  /** Writes a Dict table for `o`'s own enumerable string keys; returns its offset. */
  private dict(o: Record<string, unknown>, depth: number): number {
    this.enter(o, depth);
    const w = this.w;
    const root = depth === 0;
    const offs = this.scratch(depth);
    const trie = this.trie;
    let shape = trie.root;
    let n = 0;
    // for-in reads V8's enum cache (no key array, no megamorphic keyed loads); hasOwn drops
    // inherited enumerable keys, so this visits exactly Object.keys(o).
    for (const key in o) {
      if (!hasOwn.call(o, key)) continue;
      const v = o[key];
      if (v === undefined) {
        if (root) this.rootTemplatable = false;
        continue;
      }
      shape = trie.step(shape, key);
      this.segments[depth] = key;
      offs[n] = this.value(v, depth + 1);
      if (root && this.rootTemplatable) this.noteRootSlot(n, v);
      n++;
    }
    if (root) {
      this.rootShape = shape;
      this.rootCount = n;
    }
    const frame = this.frame;
    let keysVector: number;
    if (shape.frame === frame) {
      keysVector = shape.keysVector; // a dict of this shape is already in the frame: share its keys
    } else {
      keysVector = shape.block === undefined ? this.keysBlock(shape, n) : w.block(shape.block);
      shape.frame = frame;
      shape.keysVector = keysVector;
    }
    const valuesVector = w.offsetVector(offs, 0, n);
    this.ancestors[depth] = undefined;
    return w.dict(keysVector, valuesVector);
  }

  /**
   * Writes the keys of `shape` (its strings, then the keys vector) as one position-independent block
   * and keeps a copy of its bytes, so later frames copy the block instead of encoding the strings.
   * Returns the keys vector's offset.
   */
  private keysBlock(shape: KeyNode, n: number): number {
    const w = this.w;
    const offs = this.keyOffsets;
    const start = w.blockStart();
    let node = shape;
    for (let i = n - 1; i >= 0; i--, node = node.parent!) offs[i] = w.string(node.key);
    const keysVector = w.offsetVector(offs, 0, n);
    shape.block = w.blockBytes(start);
    return keysVector;
  }

  private noteRootSlot(i: number, v: unknown): void {
    const t = typeof v;
    if (t === "number") this.rootSlots[i] = SLOT_NUMBER;
    else if (t === "boolean") this.rootSlots[i] = SLOT_BOOL;
    else if (v === null) this.rootSlots[i] = SLOT_NULL;
    else {
      this.rootTemplatable = false;
      return;
    }
    this.rootKindFromEnd[i] = this.w.kindFromEnd;
    this.rootDataFromEnd[i] = this.w.dataFromEnd;
  }

  /** Writes a Value table for `v` (at `depth` path segments from the root); returns its offset. */
  private value(v: unknown, depth: number): number {
    switch (typeof v) {
      case "number":
        return this.w.numberValue(Number.isSafeInteger(v) && !Object.is(v, -0) ? W.KIND_INT : W.KIND_FLOAT, v);
      case "string":
        return this.w.offsetValue(W.KIND_STRING, W.F_TEXT, this.w.string(v));
      case "boolean":
        return this.w.boolValue(v);
      case "object":
        return v === null ? this.w.nullValue() : this.object(v, depth);
      case "bigint": {
        if (fitsInt64(v)) return this.w.bigintValue(v);
        return this.w.offsetValue(W.KIND_BIGINT_WIDE, W.F_U8, this.w.dataVector(bigintToBytes(v)));
      }
      case "undefined": // only list items get here: dicts leave undefined properties out
        return this.w.nullValue();
      default: // function, symbol
        throw this.fail(`${describe(v)} cannot be encoded`, depth);
    }
  }

  private object(v: object, depth: number): number {
    if (Array.isArray(v)) return this.list(v, depth);
    if (ArrayBuffer.isView(v)) return this.typedArray(v, depth);
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      return this.w.offsetValue(W.KIND_DICT, W.F_DICT, this.dict(v as Record<string, unknown>, depth));
    }
    if (v instanceof Date) return this.w.numberValue(W.KIND_DATE, v.getTime());
    throw this.fail(`${describe(v)} cannot be encoded${hint(v)}`, depth);
  }

  private list(items: readonly unknown[], depth: number): number {
    this.enter(items, depth);
    const w = this.w;
    const n = items.length;
    let allNumbers = n > 0;
    for (let i = 0; i < n && allNumbers; i++) allNumbers = typeof items[i] === "number";
    let at: number;
    if (allNumbers) {
      at = w.offsetValue(W.KIND_NUMBER_LIST, W.F_F64, w.doubleVector(items));
    } else {
      const offs = this.scratch(depth);
      for (let i = 0; i < n; i++) {
        this.segments[depth] = i;
        offs[i] = this.value(items[i], depth + 1);
      }
      at = w.offsetValue(W.KIND_LIST, W.F_ITEMS, w.offsetVector(offs, 0, n));
    }
    this.ancestors[depth] = undefined;
    return at;
  }

  private typedArray(v: ArrayBufferView, depth: number): number {
    const tag = (v as unknown as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
    const entry = tag === undefined ? undefined : TYPED[tag];
    if (entry === undefined) throw this.fail(`${describe(v)} cannot be encoded${hint(v)}`, depth);
    if (!LITTLE_ENDIAN) throw this.fail("typed arrays need a little-endian host", depth);
    const bytes = v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return this.w.offsetValue(entry[0], entry[1], this.w.dataVector(bytes, (v as AnyTypedArray).length));
  }
}

const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** "a Map", "an instance of Foo", "a function", ... for error messages. */
function describe(v: unknown): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "object": {
      if (Array.isArray(v)) return "an array";
      const tag = Object.prototype.toString.call(v).slice(8, -1);
      const ctor = (v as { constructor?: { name?: unknown } }).constructor?.name;
      const name = typeof ctor === "string" && ctor !== "" ? ctor : tag;
      return ["Map", "Set", "WeakMap", "WeakSet", "Promise", "ArrayBuffer", "SharedArrayBuffer", "DataView"].includes(tag)
        ? `${/^[AEIOU]/.test(tag) ? "an" : "a"} ${tag}`
        : `an instance of ${name}`;
    }
    default:
      return `a ${typeof v}`;
  }
}

function hint(v: object): string {
  if (v instanceof Map) return "; convert it with Object.fromEntries(map)";
  if (v instanceof Set) return "; convert it with Array.from(set)";
  if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) return "; wrap it in a Uint8Array";
  if (v instanceof DataView) return "; pass a Uint8Array over the same bytes";
  if (v instanceof Promise) return "; await it first";
  return " (only plain objects, arrays, typed arrays, Dates and primitives are; copy the fields into a plain object)";
}
