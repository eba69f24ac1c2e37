// Typed arrays decode as zero-copy views into the ring, which needs every typed vector's data to be
// 8-aligned from the start of the frame; frames sit at 8-aligned offsets of the ring.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DictDecoder, DictEncoder } from "../../src/frame/index.js";
import { everyTypedArray, inRing } from "./dict-helpers.js";

/** Every typed array in a decoded message, with its key path. */
function typedArraysIn(v: unknown, path = ""): Array<[string, ArrayBufferView]> {
  if (ArrayBuffer.isView(v)) return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => typedArraysIn(x, `${path}[${i}]`));
  if (typeof v === "object" && v !== null && !(v instanceof Date)) {
    return Object.entries(v).flatMap(([k, x]) => typedArraysIn(x, `${path}.${k}`));
  }
  return [];
}

describe("dict typed arrays", () => {
  it("decode as views into the ring's SharedArrayBuffer, inside the frame", () => {
    const frame = new DictEncoder().encode({ ...everyTypedArray(), nested: { list: [new Float32Array([1, 2])] } });
    const r = inRing(frame, 4096);
    const out = new DictDecoder().decode(r.u8, r.offset, r.length);
    const found = typedArraysIn(out);
    assert.equal(found.length, 12);
    for (const [path, view] of found) {
      assert.equal(view.buffer, r.u8.buffer, `${path} is not a view of the ring`);
      assert.ok(view.byteOffset >= r.offset && view.byteOffset + view.byteLength <= r.offset + r.length, `${path} lies outside the frame`);
    }
  });

  it("views see writes to the ring (no copy was made)", () => {
    const frame = new DictEncoder().encode({ f: new Float64Array([1, 2, 3]) });
    const r = inRing(frame, 8);
    const out = new DictDecoder().decode(r.u8, r.offset, r.length);
    const f = out.f as Float64Array;
    new Float64Array(r.u8.buffer, f.byteOffset, 1)[0] = 42;
    assert.equal(f[0], 42);
  });

  it("every typed vector is 8-aligned from the frame start, and frames are multiples of 8", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    const arrays = everyTypedArray();
    // Strings of every length before the arrays shift everything written after them.
    for (let pad = 0; pad < 24; pad++) {
      const frame = encoder.encode({ pad: "x".repeat(pad), ...arrays, list: [pad, "y".repeat(pad), ...Object.values(arrays)] });
      assert.equal(frame.length % 8, 0, `frame length ${frame.length}`);
      assert.equal(frame.byteOffset % 8, 0, "encoder output view is 8-aligned");
      const r = inRing(frame, 8 * (pad + 1));
      for (const [path, view] of typedArraysIn(decoder.decode(r.u8, r.offset, r.length))) {
        assert.equal((view.byteOffset - r.offset) % 8, 0, `pad=${pad} ${path} at frame byte ${view.byteOffset - r.offset}`);
        assert.equal(view.buffer, r.u8.buffer);
      }
    }
  });

  it("holds at any 8-aligned offset inside a larger SharedArrayBuffer", () => {
    const frame = new DictEncoder().encode({ seq: 1, img: new Uint16Array(100).fill(7), xs: new BigInt64Array([1n, -1n]) });
    const sab = new Uint8Array(new SharedArrayBuffer(1 << 16));
    const decoder = new DictDecoder();
    for (let offset = 0; offset + frame.length <= sab.length; offset += 8 * 97) {
      sab.fill(0xee);
      sab.set(frame, offset);
      const out = decoder.decode(sab, offset, frame.length);
      const img = out.img as Uint16Array;
      assert.equal(img.buffer, sab.buffer);
      assert.equal(img.byteOffset % 8, 0);
      assert.deepStrictEqual(Array.from(img), new Array(100).fill(7));
      assert.deepStrictEqual(out.xs, new BigInt64Array([1n, -1n]));
    }
  });

  it("a frame at a misaligned offset still decodes (as copies where a view is impossible)", () => {
    const arrays = everyTypedArray();
    const frame = new DictEncoder().encode(arrays);
    for (let offset = 1; offset < 8; offset++) {
      const r = inRing(frame, offset);
      const out = new DictDecoder().decode(r.u8, r.offset, r.length);
      assert.deepStrictEqual(out, arrays);
    }
  });

  it("decodes through a Uint8Array that is itself a subarray of the ring", () => {
    const frame = new DictEncoder().encode({ f: new Float32Array([0.25, 0.5]) });
    const r = inRing(frame, 1024);
    const sub = r.u8.subarray(512);
    const out = new DictDecoder().decode(sub, r.offset - 512, r.length);
    const f = out.f as Float32Array;
    assert.equal(f.buffer, r.u8.buffer);
    assert.deepStrictEqual(Array.from(f), [0.25, 0.5]);
  });

  it("the template path's frames are aligned too", () => {
    const encoder = new DictEncoder();
    for (let i = 0; i < 5; i++) {
      const frame = encoder.encode({ seq: i, t: 1.5e12 + i, value: i / 7 });
      assert.equal(frame.length % 8, 0);
      assert.equal(frame.byteOffset % 8, 0);
    }
  });

  it("all-number lists come back as plain Arrays, Float64Arrays as Float64Arrays", () => {
    const r = inRing(new DictEncoder().encode({ list: [1, 2.5], typed: new Float64Array([1, 2.5]) }));
    const out = new DictDecoder().decode(r.u8, r.offset, r.length);
    assert.ok(Array.isArray(out.list));
    assert.ok(out.typed instanceof Float64Array);
  });
});
