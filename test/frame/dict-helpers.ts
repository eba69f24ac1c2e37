// Shared helpers for the dict codec tests (not a test file itself).
import { ByteBuffer } from "flatbuffers";
import { Dict } from "../../bindings/ts/ether/dict.js";
import { Kind } from "../../bindings/ts/ether/kind.js";
import { Value } from "../../bindings/ts/ether/value.js";
import { EtherError } from "../../src/errors.js";

/** A frame copied into a fresh SharedArrayBuffer at `offset`, as a ring would hold it. */
export interface RingFrame {
  readonly u8: Uint8Array;
  readonly offset: number;
  readonly length: number;
}

/** Copies `frame` into a new SharedArrayBuffer of `size` bytes at `offset`. */
export function inRing(frame: Uint8Array, offset = 64, size = offset + frame.length + 64): RingFrame {
  const u8 = new Uint8Array(new SharedArrayBuffer(size));
  u8.set(frame, offset);
  return { u8, offset, length: frame.length };
}

const TYPED_CTORS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
] as const;

/** One instance of every typed array kind, with awkward values (-0, NaN, extremes). */
export function everyTypedArray(): Record<string, ArrayBufferView> {
  return {
    i8: new Int8Array([-128, -1, 0, 127]),
    u8: new Uint8Array([0, 1, 254, 255]),
    u8c: new Uint8ClampedArray([0, 128, 255]),
    i16: new Int16Array([-32768, -1, 0, 32767]),
    u16: new Uint16Array([0, 1, 65535]),
    i32: new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]),
    u32: new Uint32Array([0, 1, 2 ** 32 - 1]),
    f32: new Float32Array([-0, 1.5, NaN, -Infinity, 3.4e38]),
    f64: new Float64Array([-0, Math.PI, NaN, Infinity, Number.MIN_VALUE]),
    i64: new BigInt64Array([-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]),
    u64: new BigUint64Array([0n, 1n, 2n ** 64n - 1n]),
  };
}

/** What the decoder returns for `v`: the codec's documented normalisations applied. */
export function normalize(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(normalize(v[i]));
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (ArrayBuffer.isView(v)) {
    const ctor = TYPED_CTORS.find((c) => v instanceof c && Object.getPrototypeOf(v) === c.prototype);
    if (ctor !== undefined) return v;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength); // Buffer -> Uint8Array
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const item = (v as Record<string, unknown>)[key];
    if (item === undefined) continue;
    Object.defineProperty(out, key, { value: normalize(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** True when `fn` throws an EtherError with `code`. Returns the error for further checks. */
export function catchEther(fn: () => unknown): EtherError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof EtherError) return e;
    throw e;
  }
  return undefined;
}

/**
 * Reads a dict frame with the flatc-generated accessors only (no Ether code): what a reader in any
 * FlatBuffers language would do with bindings/schemas/dict.fbs.
 */
export function readWithGenerated(bytes: Uint8Array): Record<string, unknown> {
  const bb = new ByteBuffer(bytes);
  if (!Dict.bufferHasIdentifier(bb)) throw new Error("no ETHD identifier");
  return genDict(Dict.getRootAsDict(bb));
}

function genDict(d: Dict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < d.keysLength(); i++) {
    Object.defineProperty(out, d.keys(i), { value: genValue(d.values(i)!), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function genValue(v: Value): unknown {
  switch (v.kind()) {
    case Kind.Null: return null;
    case Kind.Bool: return v.flag();
    case Kind.Int:
    case Kind.Float: return v.num();
    case Kind.String: return v.text() ?? "";
    case Kind.Dict: return genDict(v.dict()!);
    case Kind.List: {
      const out: unknown[] = [];
      for (let i = 0; i < v.itemsLength(); i++) out.push(genValue(v.items(i)!));
      return out;
    }
    case Kind.NumberList: return Array.from(v.f64Array() ?? []);
    case Kind.BigInt: return v.big();
    case Kind.BigIntWide: {
      const b = v.u8Array()!;
      let x = 0n;
      for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]!);
      return b.length > 0 && (b[b.length - 1]! & 0x80) !== 0 ? x - (1n << BigInt(8 * b.length)) : x;
    }
    case Kind.Date: return new Date(v.num());
    case Kind.Bytes: return v.u8Array()!.slice();
    case Kind.Uint8ClampedArray: return new Uint8ClampedArray(v.u8Array()!);
    case Kind.Int8Array: return v.i8Array()!.slice();
    case Kind.Int16Array: return v.i16Array()!.slice();
    case Kind.Uint16Array: return v.u16Array()!.slice();
    case Kind.Int32Array: return v.i32Array()!.slice();
    case Kind.Uint32Array: return v.u32Array()!.slice();
    case Kind.Float32Array: return v.f32Array()!.slice();
    case Kind.Float64Array: return v.f64Array()!.slice();
    case Kind.BigInt64Array: return BigInt64Array.from({ length: v.i64Length() }, (_, i) => v.i64(i)!);
    case Kind.BigUint64Array: return BigUint64Array.from({ length: v.u64Length() }, (_, i) => v.u64(i)!);
    default: throw new Error(`unknown kind ${v.kind()}`);
  }
}
