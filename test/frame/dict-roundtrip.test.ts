// Round trips of every value kind through DictEncoder -> ring (SharedArrayBuffer) -> DictDecoder.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DictDecoder, DictEncoder } from "../../src/frame/index.js";
import { everyTypedArray, inRing, normalize } from "./dict-helpers.js";

function roundTrip(message: object | undefined, encoder = new DictEncoder(), decoder = new DictDecoder()): Record<string, unknown> {
  const frame = encoder.encode(message);
  const r = inRing(frame);
  return decoder.decode(r.u8, r.offset, r.length);
}

function check(message: Record<string, unknown>): void {
  assert.deepStrictEqual(roundTrip(message), normalize(message));
}

describe("dict round trip", () => {
  it("the benchmark message", () => check({ seq: 1234, t: 1.5e12, value: 0.5 }));

  it("empty object, undefined message, empty containers", () => {
    check({});
    assert.deepStrictEqual(roundTrip(undefined), {});
    check({ a: [], b: {}, c: "", d: new Float32Array(0), e: [[]], f: [{}] });
  });

  it("numbers: integers, fractions, extremes, -0, NaN, infinities", () => {
    const values = [
      0, -0, 1, -1, 1234, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 64, 1e300,
      -1e-300, 0.1, 1.5e12, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON,
      NaN, Infinity, -Infinity,
    ];
    const msg: Record<string, unknown> = {};
    values.forEach((v, i) => (msg[`n${i}`] = v));
    const out = roundTrip(msg);
    values.forEach((v, i) => assert.ok(Object.is(out[`n${i}`], v), `n${i}: ${String(out[`n${i}`])} !== ${v}`));
  });

  it("numbers inside lists (packed) and mixed lists", () => {
    check({ xs: [1, -0, NaN, Infinity, 0.5, -(2 ** 60)], mixed: [1, "a", null, true, -0] });
    const out = roundTrip({ xs: [-0, NaN] });
    assert.ok(Object.is((out.xs as number[])[0], -0));
    assert.ok(Number.isNaN((out.xs as number[])[1]));
  });

  it("booleans and null", () => check({ t: true, f: false, n: null, list: [true, false, null] }));

  it("undefined: left out of objects, null in lists and holes", () => {
    // eslint-disable-next-line no-sparse-arrays
    const out = roundTrip({ a: undefined, b: 1, c: [undefined, 2, , 4] });
    assert.deepStrictEqual(out, { b: 1, c: [null, 2, null, 4] });
    assert.equal(Object.hasOwn(out, "a"), false);
  });

  it("bigints: int64 range and beyond, both signs", () => {
    const values = [
      0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n,
      -(2n ** 64n), 127n, 128n, -128n, -129n, 2n ** 200n + 12345n, -(3n ** 150n),
    ];
    const msg: Record<string, unknown> = {};
    values.forEach((v, i) => (msg[`b${i}`] = v));
    msg.list = values;
    check(msg);
  });

  it("strings: ASCII, long, and all of Unicode (astral, combining, control, NUL)", () => {
    check({
      empty: "",
      ascii: "hello",
      long: "x".repeat(100_000),
      latin: "héllo wörld",
      cjk: "数据流",
      emoji: "🧪🚀👩‍🔬",
      combining: "e\u0301",
      control: "\u0000\u0001\n\t\u007f",
      bmpEdge: "\uffff\ud7ff\ue000",
      astralEdge: "\u{10ffff}\u{10000}",
      mixedLong: "é€🚀".repeat(5000),
    });
  });

  it("lone surrogates become U+FFFD (documented)", () => {
    const out = roundTrip({ s: "a\ud800b\udc00" });
    assert.equal(out.s, "a\ufffdb\ufffd");
  });

  it("unicode and odd keys, including __proto__ and numeric keys", () => {
    const msg = JSON.parse('{"__proto__": 1, "constructor": 2, "2": "two", "1": "one", "ключ": 3, "": 4, "a b": 5, "🔑": 6}');
    const out = roundTrip(msg);
    assert.deepStrictEqual(Object.keys(out), Object.keys(msg));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(out, "__proto__")?.value, 1);
    assert.deepStrictEqual(out, normalize(msg));
  });

  it("keeps key order", () => {
    const out = roundTrip({ z: 1, a: 2, m: 3 });
    assert.deepStrictEqual(Object.keys(out), ["z", "a", "m"]);
  });

  it("nested objects and lists", () => {
    check({
      a: { b: { c: { d: [1, [2, [3, { e: "deep" }]]] } } },
      records: Array.from({ length: 50 }, (_, i) => ({ x: i, y: -i, label: `p${i}`, ok: i % 2 === 0 })),
      matrix: [[1, 2], [3, 4]],
    });
  });

  it("Dates, valid and invalid", () => {
    const out = roundTrip({ d: new Date(1_700_000_000_123), bad: new Date(NaN), list: [new Date(0)] });
    assert.ok(out.d instanceof Date);
    assert.equal((out.d as Date).getTime(), 1_700_000_000_123);
    assert.ok(Number.isNaN((out.bad as Date).getTime()));
    assert.equal(((out.list as Date[])[0] as Date).getTime(), 0);
  });

  it("every typed array kind, at top level and nested", () => {
    const arrays = everyTypedArray();
    check({ ...arrays, nested: { inner: arrays }, inList: Object.values(arrays) });
  });

  it("Buffer comes back as a Uint8Array with the same bytes", () => {
    const out = roundTrip({ b: Buffer.from("hi there") });
    assert.equal(Object.getPrototypeOf(out.b), Uint8Array.prototype);
    assert.deepStrictEqual(out.b, new Uint8Array(Buffer.from("hi there")));
  });

  it("typed array views at an offset of a larger buffer encode only their elements", () => {
    const backing = new Float64Array([1, 2, 3, 4, 5, 6]);
    const view = new Float64Array(backing.buffer, 8, 3);
    const odd = new Uint8Array(backing.buffer, 3, 5);
    check({ view, odd });
  });

  it("null-prototype objects encode like plain ones", () => {
    const o = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: { c: 2 } });
    assert.deepStrictEqual(roundTrip(o), { a: 1, b: { c: 2 } });
  });

  it("the same object twice (not a cycle) is encoded twice", () => {
    const shared = { v: 1 };
    check({ a: shared, b: shared, list: [shared, shared] });
  });

  it("inherited enumerable properties are not encoded, on either path", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.polluted = 1; // enumerable, as a prototype-pollution bug would leave it
      for (let i = 0; i < 4; i++) {
        const r = inRing(encoder.encode({ seq: i, v: 0.5 }));
        assert.deepStrictEqual(Object.keys(decoder.decode(r.u8, r.offset, r.length)), ["seq", "v"]);
      }
    } finally {
      delete proto.polluted;
    }
  });

  it("getters are read once per encode, on either path", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    let n = 0;
    const msg = {
      get seq(): number {
        return ++n;
      },
    };
    for (let i = 1; i <= 4; i++) {
      const r = inRing(encoder.encode(msg));
      assert.deepStrictEqual(decoder.decode(r.u8, r.offset, r.length), { seq: i });
    }
    assert.equal(n, 4);
  });

  it("a 1 MiB Float32Array", () => {
    const data = new Float32Array(262_144).map((_, i) => Math.sin(i));
    const out = roundTrip({ seq: 7, data });
    assert.equal(out.seq, 7);
    assert.deepStrictEqual(out.data, data);
  });

  it("a steady nested shape decodes the same before and after its factory is compiled", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    for (let i = 0; i < 40; i++) {
      const m = { meta: { unit: "V", gain: i, __proto__x: null }, list: [{ a: i }, { a: -i }], s: `#${i}` };
      assert.deepStrictEqual(roundTrip(m, encoder, decoder), m);
    }
  });

  it("a stream of ever-new keys (ids as keys)", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    for (let i = 0; i < 3000; i++) {
      const m = { [`id-${i}`]: { v: i }, [`t${i % 7}`]: i };
      assert.deepStrictEqual(roundTrip(m, encoder, decoder), m);
    }
  });

  it("one encoder and decoder across many different messages", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    const messages: Record<string, unknown>[] = [
      { seq: 1, t: 2, value: 3 },
      { seq: 1, t: 2 },
      { seq: 1, t: 2, value: "three" },
      { t: 2, seq: 1, value: 3 },
      { seq: true, t: null, value: -0 },
      { seq: 1, t: 2, value: 3, extra: [1] },
      { seq: 1, t: 2, value: 3 },
      {},
    ];
    for (let round = 0; round < 3; round++) {
      for (const m of messages) assert.deepStrictEqual(roundTrip(m, encoder, decoder), normalize(m));
    }
  });
});
