// encodeDeferred + writeTo: large typed arrays go from the message straight to the frame's place (one
// copy instead of two). The bytes written are exactly encode()'s, wherever they land, whatever came
// before (template frames, frames with and without large arrays), and the rest of the target is untouched.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DIRECT_COPY_MIN, DictDecoder, DictEncoder } from "../../src/frame/index.js";
import fc from "fast-check";
import { normalize } from "./dict-helpers.js";

/** encodeDeferred + writeTo into a SharedArrayBuffer filled with 0xee, at `at`. */
function written(encoder: DictEncoder, message: object, at = 64): { target: Uint8Array; length: number } {
  const length = encoder.encodeDeferred(message).length;
  const target = new Uint8Array(new SharedArrayBuffer(at + length + 64)).fill(0xee);
  encoder.writeTo(target, at);
  return { target, length };
}

function assertSameAsEncode(message: object, encoder = new DictEncoder(), at = 64): void {
  const { target, length } = written(encoder, message, at);
  const expected = new DictEncoder().encode(message);
  assert.equal(length, expected.length);
  assert.deepEqual(target.subarray(at, at + length), expected);
  assert.ok(target.subarray(0, at).every((b) => b === 0xee), "nothing written before the frame");
  assert.ok(target.subarray(at + length).every((b) => b === 0xee), "nothing written after the frame");
  assert.deepEqual(normalize(new DictDecoder().decode(target, at, length)), normalize(message));
}

const big = (n: number, seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i * seed);

describe("dict direct copy", () => {
  it("one large array, several, nested in lists and dicts, beside small ones and strings", () => {
    const n = DIRECT_COPY_MIN / 4;
    assertSameAsEncode({ seq: 1, image: big(n, 1) });
    assertSameAsEncode({ a: big(n, 2), b: new Float64Array(n).fill(0.5), c: [1, "two", { d: new BigInt64Array(n / 2).fill(-3n) }], e: new Uint8Array(8).fill(9) });
    assertSameAsEncode({ frames: [big(n + 1, 3), big(n + 3, 4)], meta: { w: 640, h: 480, name: "camera" } });
  });

  it("a Uint8Array at an odd offset of its buffer (a Buffer slice), and arrays just below and at the threshold", () => {
    const backing = new Uint8Array(DIRECT_COPY_MIN + 17).map((_, i) => i & 0xff);
    assertSameAsEncode({ bytes: backing.subarray(3, 3 + DIRECT_COPY_MIN + 5) });
    assertSameAsEncode({ below: new Uint8Array(DIRECT_COPY_MIN - 1).fill(1), at: new Uint8Array(DIRECT_COPY_MIN).fill(2) });
  });

  it("one encoder across template frames, frames with large arrays and frames without, at any 8-aligned place", () => {
    const encoder = new DictEncoder();
    const n = DIRECT_COPY_MIN / 4;
    for (let i = 0; i < 6; i++) {
      assertSameAsEncode({ seq: i, t: i * 0.5, ok: true }, encoder, 8 * i); // a template from the third on
      assertSameAsEncode({ seq: i, image: big(n + i, i) }, encoder, 8 * (i + 1));
      assertSameAsEncode({ seq: i, small: new Float32Array(4).fill(i) }, encoder);
    }
  });

  it("random messages with arrays around the threshold, mixed with anything: the same bytes as encode()", { timeout: 120_000 }, () => {
    const n = DIRECT_COPY_MIN;
    const sizes = fc.integer({ min: n - 64, max: n + 64 });
    const typed = fc.oneof(
      sizes.map((b) => new Uint8Array(b).map((_, i) => i * 7)),
      sizes.map((b) => Float32Array.from({ length: b >> 2 }, (_, i) => i / 3)),
      sizes.map((b) => Float64Array.from({ length: b >> 3 }, (_, i) => -i * 1.5)),
      sizes.map((b) => new Int16Array(b >> 1).fill(-7)),
      fc.uint8Array({ maxLength: 32 }),
    );
    const message = fc.record({
      base: fc.object({ maxDepth: 2, withTypedArray: true }),
      arrays: fc.array(typed, { maxLength: 4 }),
      nested: fc.dictionary(fc.string({ maxLength: 6 }), typed, { maxKeys: 3 }),
      seq: fc.integer(),
    });
    const encoder = new DictEncoder();
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 16 }), (m, slot) => assertSameAsEncode(m, encoder, 8 * slot)),
      { numRuns: 150 },
    );
  });

  it("deferred says whether the frame lacks arrays; encode() after encodeDeferred returns the whole frame", () => {
    const encoder = new DictEncoder();
    const message = { image: big(DIRECT_COPY_MIN, 7) };
    const whole = new DictEncoder().encode(message);
    assert.notDeepEqual(encoder.encodeDeferred(message), whole, "the array's bytes were left out");
    assert.equal(encoder.deferred, true);
    assert.deepEqual(encoder.encodeDeferred({ small: new Float32Array(4) }), new DictEncoder().encode({ small: new Float32Array(4) }));
    assert.equal(encoder.deferred, false);
    assert.deepEqual(encoder.encode(message), whole);
  });
});
