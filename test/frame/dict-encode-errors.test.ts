// What the encoder refuses, and that its errors name the key path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DictDecoder, DictEncoder, MAX_DEPTH } from "../../src/frame/index.js";
import { catchEther, inRing } from "./dict-helpers.js";

function encodeError(message: unknown, topic?: string): { path: unknown; message: string } {
  const err = catchEther(() => new DictEncoder({ topic }).encode(message as object));
  assert.ok(err, "expected an EtherError");
  assert.equal(err.code, "ERR_ETHER_ENCODE");
  return { path: err.details.path, message: err.message };
}

class Point {
  constructor(
    public x = 1,
    public y = 2,
  ) {}
}

describe("dict encode errors", () => {
  it("names the path of a function deep inside", () => {
    const e = encodeError({ a: { b: [0, 1, 2, () => 0] } });
    assert.equal(e.path, "a.b[3]");
    assert.match(e.message, /a\.b\[3\]: a function cannot be encoded/);
  });

  it("symbols, class instances, Map, Set, ArrayBuffer, DataView, Promise, WeakMap", () => {
    const cases: Array<[unknown, RegExp]> = [
      [Symbol("s"), /a symbol/],
      [new Point(), /an instance of Point .*plain object/],
      [new Map([["a", 1]]), /a Map .*Object\.fromEntries/],
      [new Set([1]), /a Set .*Array\.from/],
      [new ArrayBuffer(8), /an ArrayBuffer .*Uint8Array/],
      [new SharedArrayBuffer(8), /SharedArrayBuffer .*Uint8Array/],
      [new DataView(new ArrayBuffer(8)), /a DataView .*Uint8Array/],
      [Promise.resolve(1), /a Promise .*await/],
      [new WeakMap(), /WeakMap/],
      [/re/, /RegExp/],
    ];
    for (const [value, pattern] of cases) {
      const e = encodeError({ ok: 1, list: [{ bad: value }] });
      assert.equal(e.path, "list[0].bad");
      assert.match(e.message, pattern);
    }
  });

  it("odd keys are quoted in the path", () => {
    assert.equal(encodeError({ "a b": { "0": [() => 0] } }).path, '["a b"]["0"][0]');
  });

  it("cycles, naming where the cycle closes and its ancestor", () => {
    const o: Record<string, unknown> = { a: { b: {} } };
    ((o.a as Record<string, unknown>).b as Record<string, unknown>).back = o.a;
    const e = encodeError(o);
    assert.equal(e.path, "a.b.back");
    assert.match(e.message, /cycle.*at a/);
    const list: unknown[] = [1];
    list.push(list);
    assert.equal(encodeError({ list }).path, "list[1]");
  });

  it("nesting deeper than MAX_DEPTH; MAX_DEPTH itself is fine", () => {
    const nest = (depth: number): Record<string, unknown> => {
      let v: Record<string, unknown> = {};
      for (let i = 0; i < depth; i++) v = { n: v };
      return v;
    };
    const ok = new DictEncoder().encode(nest(MAX_DEPTH));
    const r = inRing(ok);
    new DictDecoder().decode(r.u8, r.offset, r.length);
    const e = encodeError(nest(MAX_DEPTH + 1));
    assert.match(e.message, /deeper than 64/);
  });

  it("the root must be a plain object", () => {
    for (const root of [[1, 2], 5, "s", null, new Date(), new Float32Array(1), new Point()]) {
      const e = encodeError(root);
      assert.equal(e.path, "");
      assert.match(e.message, /<root>: a message must be a plain object/);
    }
  });

  it("names the topic when given one", () => {
    assert.match(encodeError({ f: () => 0 }, "camera").message, /topic "camera"/);
  });

  it("an encoder that failed keeps working", () => {
    const encoder = new DictEncoder();
    const decoder = new DictDecoder();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (let i = 0; i < 3; i++) {
      assert.ok(catchEther(() => encoder.encode(cyclic)));
      const r = inRing(encoder.encode({ seq: i, s: "ok" }));
      assert.deepStrictEqual(decoder.decode(r.u8, r.offset, r.length), { seq: i, s: "ok" });
    }
  });

  it("errors thrown by a user's getter pass through unchanged", () => {
    const boom = new Error("getter failed");
    const msg = {
      get bad(): number {
        throw boom;
      },
    };
    assert.throws(() => new DictEncoder().encode(msg), (e) => e === boom);
  });
});
