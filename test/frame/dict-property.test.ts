// Property-based round trips (fast-check): arbitrary objects, JSON values and typed arrays survive
// encode -> ring -> decode, the flatc-generated reader agrees, and encoding is deterministic.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DictDecoder, DictEncoder } from "../../src/frame/index.js";
import { inRing, normalize, readWithGenerated } from "./dict-helpers.js";

/** Makes Dates comparable when invalid (deepStrictEqual says NaN-time Dates differ). */
function canon(v: unknown): unknown {
  if (v instanceof Date) return ["Date", String(v.getTime())];
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      Object.defineProperty(out, k, { value: canon((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

const anyObject = fc.object({
  maxDepth: 4,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  stringUnit: "grapheme",
});

const message = fc.record({
  base: anyObject,
  i64: fc.bigInt64Array({ maxLength: 8 }),
  u64: fc.bigUint64Array({ maxLength: 8 }),
  wide: fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
  num: fc.double(),
  ints: fc.array(fc.integer(), { maxLength: 10 }),
  words: fc.array(fc.string({ unit: "grapheme", maxLength: 20 }), { maxLength: 5 }),
});

describe("dict properties", { timeout: 120_000 }, () => {
  it("arbitrary objects round-trip through a ring", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    fc.assert(
      fc.property(message, (m) => {
        const r = inRing(encoder.encode(m), 8 * 13);
        assert.deepStrictEqual(canon(decoder.decode(r.u8, r.offset, r.length)), canon(normalize(m)));
      }),
      { numRuns: 300 },
    );
  });

  it("JSON values round-trip (wrapped in an object)", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = inRing(encoder.encode({ v }));
        assert.deepStrictEqual(decoder.decode(r.u8, r.offset, r.length), normalize({ v }));
      }),
      { numRuns: 300 },
    );
  });

  it("flat records (the template path) round-trip, across shapes and value kinds", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    const flat = fc.dictionary(fc.constantFrom("seq", "t", "value", "x", "ok"), fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 }).map(
      (d) => ({ ...d }), // plain prototype: the template path only takes plain objects
    );
    fc.assert(
      fc.property(fc.array(flat, { minLength: 1, maxLength: 20 }), (batch) => {
        for (const m of batch) {
          const r = inRing(encoder.encode(m));
          assert.deepStrictEqual(decoder.decode(r.u8, r.offset, r.length), normalize(m));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("encoding is deterministic and the template path writes the general path's bytes", () => {
    const warm = new DictEncoder();
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.boolean(), fc.constant(null)), { minLength: 0, maxLength: 6 }), (values) => {
        const m: Record<string, unknown> = {};
        values.forEach((v, i) => (m[`k${i}`] = v));
        const fresh = new DictEncoder().encode(m).slice();
        for (let i = 0; i < 3; i++) assert.deepStrictEqual(warm.encode(m).slice(), fresh);
      }),
      { numRuns: 200 },
    );
  });

  it("the flatc-generated reader decodes every frame to the same message", () => {
    const encoder = new DictEncoder();
    fc.assert(
      fc.property(message, (m) => {
        const frame = encoder.encode(m).slice();
        assert.deepStrictEqual(canon(readWithGenerated(frame)), canon(normalize(m)));
      }),
      { numRuns: 200 },
    );
  });
});
