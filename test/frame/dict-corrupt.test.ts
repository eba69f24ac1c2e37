// Corrupted, truncated and hostile frames: the decoder returns something or throws ERR_ETHER_DECODE,
// never another error, never hangs, and never reads outside [offset, offset + length).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Builder } from "flatbuffers";
import { Dict } from "../../bindings/ts/ether/dict.js";
import { Kind } from "../../bindings/ts/ether/kind.js";
import { Value } from "../../bindings/ts/ether/value.js";
import { EtherError } from "../../src/errors.js";
import { DictDecoder, DictEncoder } from "../../src/frame/index.js";
import { everyTypedArray } from "./dict-helpers.js";

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Decodes bytes placed at `offset` of a buffer whose other bytes are `fill`. Any error but a
 * deliberate ERR_ETHER_DECODE fails the test (the decoder's safety net marks internal ones with a cause).
 */
function attempt(decoder: DictDecoder, bytes: Uint8Array, offset: number, fill: number, tail = 16): Outcome {
  const u8 = new Uint8Array(new SharedArrayBuffer(offset + bytes.length + tail)).fill(fill);
  u8.set(bytes, offset);
  try {
    return { ok: true, value: snapshot(decoder.decode(u8, offset, bytes.length)) };
  } catch (e) {
    if (!(e instanceof EtherError) || e.code !== "ERR_ETHER_DECODE") throw e;
    assert.equal((e as { cause?: unknown }).cause, undefined, `internal error leaked: ${e.message}`);
    return { ok: false, message: e.message };
  }
}

/** The decoded message in a form that compares equal across buffers (views become arrays). */
function snapshot(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return [v.constructor.name, Array.from(v as unknown as ArrayLike<unknown>, String)];
  if (v instanceof Date) return ["Date", String(v.getTime())];
  if (Array.isArray(v)) return v.map(snapshot);
  if (typeof v === "object" && v !== null) return Object.entries(v).map(([k, x]) => [k, snapshot(x)]);
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  return v;
}

/**
 * The same bytes decoded inside differently filled buffers must give the same outcome: a read
 * outside the frame would see the fill. With tail 0 the frame ends its buffer, so a read past the
 * end would throw a RangeError.
 */
function decodeEverywhere(bytes: Uint8Array): void {
  const a = attempt(new DictDecoder(), bytes, 8, 0x00);
  const b = attempt(new DictDecoder(), bytes, 16, 0xff, 0);
  const c = attempt(new DictDecoder(), bytes, 0, 0x5a, 0);
  assert.deepStrictEqual(b, a);
  assert.deepStrictEqual(c, a);
}

const messages = fc.oneof(
  fc.constant({ seq: 1234, t: 1.5e12, value: 0.5 }),
  fc.constant({ ...everyTypedArray(), s: "héllo", l: [1, "x", null, [true]], d: { e: 2n ** 90n, f: new Date(3) }, n: [1, 2] }),
  fc.object({ maxDepth: 3, withBigInt: true, withDate: true, withTypedArray: true }),
);

const frames = messages.map((m) => new DictEncoder().encode(m).slice());

describe("dict decoder on corrupted frames", { timeout: 120_000 }, () => {
  it("random byte mutations", () => {
    fc.assert(
      fc.property(frames, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), (frame, edits) => {
        const bytes = frame.slice();
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        decodeEverywhere(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("random 32-bit words written over offsets and lengths", () => {
    const words = fc.oneof(fc.constantFrom(0, 1, 4, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffc, 0x10000), fc.nat());
    fc.assert(
      fc.property(frames, fc.array(fc.tuple(fc.nat(), words), { minLength: 1, maxLength: 4 }), (frame, edits) => {
        const bytes = frame.slice();
        const view = new DataView(bytes.buffer);
        for (const [at, word] of edits) if (bytes.length >= 4) view.setUint32((at % (bytes.length >> 2)) * 4, word >>> 0, true);
        decodeEverywhere(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("a decoder that has learned read templates answers exactly like a fresh one", () => {
    const flat = fc.oneof(
      fc.constant({ seq: 1234, t: 1.5e12, value: 0.5 }),
      fc.constant({ a: true, b: null, c: -0, d: false }),
      fc.dictionary(fc.constantFrom("x", "y", "z"), fc.oneof(fc.double(), fc.boolean(), fc.constant(null))).map((d) => ({ ...d })),
    );
    fc.assert(
      fc.property(flat, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), (m, edits) => {
        const frame = new DictEncoder().encode(m).slice();
        const warm = new DictDecoder();
        for (let i = 0; i < 3; i++) attempt(warm, frame, 8, 0); // learns the frame's read template
        const bytes = frame.slice();
        for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
        assert.deepStrictEqual(attempt(warm, bytes, 8, 0), attempt(new DictDecoder(), bytes, 8, 0));
        assert.deepStrictEqual(attempt(warm, frame, 8, 0), attempt(new DictDecoder(), frame, 8, 0));
      }),
      { numRuns: 3000 },
    );
  });

  it("truncations", () => {
    fc.assert(
      fc.property(frames, fc.nat(), (frame, cut) => decodeEverywhere(frame.subarray(0, cut % frame.length))),
      { numRuns: 1000 },
    );
  });

  it("random bytes behind a valid identifier", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 512 }), (bytes) => {
        bytes.set([0x45, 0x54, 0x48, 0x44], 4); // "ETHD"
        decodeEverywhere(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects bad arguments and non-dict frames with ERR_ETHER_DECODE", () => {
    const frame = new DictEncoder().encode({ a: 1 });
    const decoder = new DictDecoder({ topic: "t" });
    const bad: Array<[number, number]> = [[-1, 8], [0, frame.length + 1], [frame.length, 8], [0.5, 8], [0, Number.NaN], [0, 4]];
    for (const [offset, length] of bad) {
      assert.throws(() => decoder.decode(frame, offset, length), { code: "ERR_ETHER_DECODE" });
    }
    const other = frame.slice();
    other[4] = 0x58; // not "ETHD"
    assert.throws(() => decoder.decode(other, 0, other.length), { code: "ERR_ETHER_DECODE", message: /topic "t".*ETHD/ });
  });

  it("offsets shared many times over (a decompression bomb) stop at the work budget", () => {
    // Each list holds 1000 offsets to the one list below it: 1000^4 values if followed naively.
    const b = new Builder(1024);
    Value.startValue(b);
    Value.addKind(b, Kind.Int);
    let inner = Value.endValue(b);
    for (let level = 0; level < 4; level++) {
      const items = Value.createItemsVector(b, new Array<number>(1000).fill(inner));
      Value.startValue(b);
      Value.addKind(b, Kind.List);
      Value.addItems(b, items);
      inner = Value.endValue(b);
    }
    const keys = Dict.createKeysVector(b, [b.createString("bomb")]);
    const values = Dict.createValuesVector(b, [inner]);
    Dict.finishDictBuffer(b, Dict.createDict(b, keys, values));
    const bytes = b.asUint8Array();
    const started = performance.now();
    assert.throws(() => new DictDecoder().decode(bytes, 0, bytes.length), { code: "ERR_ETHER_DECODE", message: /more data than it holds/ });
    assert.ok(performance.now() - started < 5000);
  });

  it("nesting deeper than MAX_DEPTH is refused", () => {
    const b = new Builder(1024);
    Value.startValue(b);
    let inner = Value.endValue(b);
    for (let level = 0; level < 200; level++) {
      const items = Value.createItemsVector(b, [inner]);
      Value.startValue(b);
      Value.addKind(b, Kind.List);
      Value.addItems(b, items);
      inner = Value.endValue(b);
    }
    const keys = Dict.createKeysVector(b, [b.createString("deep")]);
    Dict.finishDictBuffer(b, Dict.createDict(b, keys, Dict.createValuesVector(b, [inner])));
    const bytes = b.asUint8Array();
    assert.throws(() => new DictDecoder().decode(bytes, 0, bytes.length), { code: "ERR_ETHER_DECODE", message: /deeper than 64/ });
  });

  it("unknown kinds and key/value count mismatches are errors", () => {
    const b = new Builder(64);
    Value.startValue(b);
    Value.addKind(b, 200 as Kind);
    const v = Value.endValue(b);
    const keys = Dict.createKeysVector(b, [b.createString("a"), b.createString("b")]);
    Dict.finishDictBuffer(b, Dict.createDict(b, keys, Dict.createValuesVector(b, [v])));
    const mismatch = b.asUint8Array().slice();
    assert.throws(() => new DictDecoder().decode(mismatch), { code: "ERR_ETHER_DECODE", message: /2 keys but 1 values/ });
    const b2 = new Builder(64);
    Value.startValue(b2);
    Value.addKind(b2, 200 as Kind);
    const v2 = Value.endValue(b2);
    const keys2 = Dict.createKeysVector(b2, [b2.createString("a")]);
    Dict.finishDictBuffer(b2, Dict.createDict(b2, keys2, Dict.createValuesVector(b2, [v2])));
    const unknown = b2.asUint8Array();
    assert.throws(() => new DictDecoder().decode(unknown), { code: "ERR_ETHER_DECODE", message: /unknown value kind 200/ });
  });
});
