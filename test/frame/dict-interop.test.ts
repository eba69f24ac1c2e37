// The schema is the contract: the codec's constants match the flatc-generated code, frames built by
// the generic flatbuffers Builder (as another language would) decode, and the generated reader reads
// ours. Also checks that the committed generated files are what `npm run gen` makes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Builder } from "flatbuffers";
import { Dict } from "../../bindings/ts/ether/dict.js";
import { Kind } from "../../bindings/ts/ether/kind.js";
import { Value } from "../../bindings/ts/ether/value.js";
import * as W from "../../src/frame/dict-wire.js";
import { DictDecoder, DictEncoder, SCHEMA_DICT, SCHEMA_RAW } from "../../src/frame/index.js";
import { everyTypedArray, inRing, normalize, readWithGenerated } from "./dict-helpers.js";

function hasFlatc(): boolean {
  return spawnSync("flatc", ["--version"], { encoding: "utf8" }).status === 0;
}

/** The folder of etherflow's package.json, above this compiled file. */
function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "etherflow") return dir;
  }
  throw new Error("etherflow's package.json not found");
}

/** Which field id (voffset slot) a generated `add*` function writes. */
function fieldIdOf(add: (b: Builder, v: never) => void): number {
  let seen = -1;
  const spy = new Proxy({}, {
    get: (_t, name) => (id: number) => {
      if (typeof name === "string" && name.startsWith("addField")) seen = id;
    },
  });
  add(spy as Builder, 0 as never);
  return seen;
}

describe("dict interop", () => {
  it("schema ids", () => {
    assert.equal(SCHEMA_RAW, 0);
    assert.equal(SCHEMA_DICT, 1);
  });

  it("kind constants match the generated ether.Kind", () => {
    const pairs: Array<[number, number]> = [
      [W.KIND_NULL, Kind.Null], [W.KIND_BOOL, Kind.Bool], [W.KIND_INT, Kind.Int], [W.KIND_FLOAT, Kind.Float],
      [W.KIND_STRING, Kind.String], [W.KIND_DICT, Kind.Dict], [W.KIND_LIST, Kind.List],
      [W.KIND_NUMBER_LIST, Kind.NumberList], [W.KIND_BIGINT, Kind.BigInt], [W.KIND_BIGINT_WIDE, Kind.BigIntWide],
      [W.KIND_DATE, Kind.Date], [W.KIND_BYTES, Kind.Bytes], [W.KIND_U8_CLAMPED, Kind.Uint8ClampedArray],
      [W.KIND_I8, Kind.Int8Array], [W.KIND_I16, Kind.Int16Array], [W.KIND_U16, Kind.Uint16Array],
      [W.KIND_I32, Kind.Int32Array], [W.KIND_U32, Kind.Uint32Array], [W.KIND_F32, Kind.Float32Array],
      [W.KIND_F64, Kind.Float64Array], [W.KIND_I64, Kind.BigInt64Array], [W.KIND_U64, Kind.BigUint64Array],
    ];
    for (const [ours, generated] of pairs) assert.equal(ours, generated);
    assert.equal(W.KIND_COUNT, pairs.length);
  });

  it("field ids match the generated ether.Value and ether.Dict", () => {
    const fields: Array<[number, (b: Builder, v: never) => void]> = [
      [W.F_KIND, Value.addKind], [W.F_NUM, Value.addNum], [W.F_FLAG, Value.addFlag], [W.F_TEXT, Value.addText],
      [W.F_DICT, Value.addDict], [W.F_ITEMS, Value.addItems], [W.F_BIG, Value.addBig], [W.F_U8, Value.addU8],
      [W.F_I8, Value.addI8], [W.F_I16, Value.addI16], [W.F_U16, Value.addU16], [W.F_I32, Value.addI32],
      [W.F_U32, Value.addU32], [W.F_F32, Value.addF32], [W.F_F64, Value.addF64], [W.F_I64, Value.addI64],
      [W.F_U64, Value.addU64], [W.F_DICT_KEYS, Dict.addKeys], [W.F_DICT_VALUES, Dict.addValues],
    ];
    for (const [ours, add] of fields) assert.equal(fieldIdOf(add), ours, add.name);
  });

  it("frames built with the generic Builder (defaults omitted, element-size alignment) decode", () => {
    const b = new Builder(64);
    const value = (kind: Kind, fill: (b: Builder) => void = () => {}): number => {
      Value.startValue(b);
      Value.addKind(b, kind);
      fill(b);
      return Value.endValue(b);
    };
    const text = b.createString("héllo");
    const f32 = Value.createF32Vector(b, [1.5, -2]);
    const f64 = Value.createF64Vector(b, [0.25]);
    const i64 = Value.createI64Vector(b, [-5n, 7n]);
    const wide = Value.createU8Vector(b, [0, 0, 0, 0, 0, 0, 0, 0, 0x80]); // -(2^71)
    const nums = Value.createF64Vector(b, [1, 2]);
    const values = [
      value(Kind.Int), // num left out: the default, 0
      value(Kind.Float, (b) => Value.addNum(b, -0.5)),
      value(Kind.Bool), // flag left out: false
      value(Kind.Bool, (b) => Value.addFlag(b, true)),
      Value.endValue((Value.startValue(b), b)), // kind left out: Null
      value(Kind.String, (b) => Value.addText(b, text)),
      value(Kind.Float32Array, (b) => Value.addF32(b, f32)),
      value(Kind.Float64Array, (b) => Value.addF64(b, f64)),
      value(Kind.BigInt64Array, (b) => Value.addI64(b, i64)),
      value(Kind.BigIntWide, (b) => Value.addU8(b, wide)),
      value(Kind.BigInt, (b) => Value.addBig(b, -3n)),
      value(Kind.NumberList, (b) => Value.addF64(b, nums)),
      value(Kind.List), // items left out: empty
      value(Kind.Dict), // dict left out: empty
      value(Kind.Date, (b) => Value.addNum(b, 86_400_000)),
    ];
    const names = ["int", "float", "no", "yes", "nil", "text", "f32", "f64", "i64", "wide", "big", "nums", "list", "dict", "date"];
    const keys = Dict.createKeysVector(b, names.map((n) => b.createString(n)));
    const vals = Dict.createValuesVector(b, values);
    Dict.finishDictBuffer(b, Dict.createDict(b, keys, vals));
    const r = inRing(b.asUint8Array(), 8);
    assert.deepStrictEqual(new DictDecoder().decode(r.u8, r.offset, r.length), {
      int: 0, float: -0.5, no: false, yes: true, nil: null, text: "héllo",
      f32: new Float32Array([1.5, -2]), f64: new Float64Array([0.25]), i64: new BigInt64Array([-5n, 7n]),
      wide: -(2n ** 71n), big: -3n, nums: [1, 2], list: [], dict: {}, date: new Date(86_400_000),
    });
  });

  it("the generated reader reads every kind we write", () => {
    const m = { ...everyTypedArray(), n: null, b: true, i: 3, f: -0, s: "s€", d: { x: [1, "y", [2]] }, w: 2n ** 80n, big: -9n, t: new Date(5) };
    const frame = new DictEncoder().encode(m).slice();
    assert.deepStrictEqual(readWithGenerated(frame), normalize(m));
  });

  it("flatc's own (C++) reader turns our frames into the expected JSON (skipped without flatc)", (t) => {
    if (!hasFlatc()) {
      t.skip("flatc is not installed");
      return;
    }
    const encoder = new DictEncoder();
    const messages: Array<[Record<string, unknown>, unknown]> = [
      [
        { seq: 7, s: "h\u00e9llo \u20ac", l: [1, "x", null, [true]], d: { big: -5n, when: new Date(3) }, n: [1.5, 2] },
        {
          keys: ["seq", "s", "l", "d", "n"],
          values: [
            { kind: "Int", num: 7 },
            { kind: "String", text: "h\u00e9llo \u20ac" },
            { kind: "List", items: [{ kind: "Int", num: 1 }, { kind: "String", text: "x" }, {}, { kind: "List", items: [{ kind: "Bool", flag: true }] }] },
            { kind: "Dict", dict: { keys: ["big", "when"], values: [{ kind: "BigInt", big: -5 }, { kind: "Date", num: 3 }] } },
            { kind: "NumberList", f64: [1.5, 2] },
          ],
        },
      ],
      [
        { f32: new Float32Array([1.5, -2]), i16: new Int16Array([-3]), u8: new Uint8Array([1, 255]), u64: new BigUint64Array([9n]) },
        {
          keys: ["f32", "i16", "u8", "u64"],
          values: [
            { kind: "Float32Array", f32: [1.5, -2] },
            { kind: "Int16Array", i16: [-3] },
            { kind: "Bytes", u8: [1, 255] },
            { kind: "BigUint64Array", u64: [9] },
          ],
        },
      ],
    ];
    const flat = { seq: 3, t: 1.5e12, value: 0.5 };
    for (let i = 0; i < 3; i++) encoder.encode(flat); // the third comes from a template
    messages.push([flat, { keys: ["seq", "t", "value"], values: [{ kind: "Int", num: 3 }, { kind: "Int", num: 1.5e12 }, { kind: "Float", num: 0.5 }] }]);
    const dir = mkdtempSync(join(tmpdir(), "ether-flatc-"));
    try {
      const files = messages.map(([m], i) => {
        const file = join(dir, `frame${i}.bin`);
        writeFileSync(file, encoder.encode(m));
        return file;
      });
      const schema = join(repoRoot(), "bindings", "schemas", "dict.fbs");
      const r = spawnSync("flatc", ["--json", "--strict-json", "-o", dir, schema, "--", ...files], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      messages.forEach(([, expected], i) => {
        assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, `frame${i}.json`), "utf8")), expected);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the committed bindings are what `npm run gen` makes (skipped without flatc)", (t) => {
    if (!hasFlatc()) {
      t.skip("flatc is not installed");
      return;
    }
    const result = spawnSync(process.execPath, ["scripts/gen.mjs", "--check"], { cwd: repoRoot(), encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const bfbs = readFileSync(`${repoRoot()}/bindings/bfbs/dict.bfbs`);
    assert.equal(bfbs.subarray(4, 8).toString("latin1"), "BFBS");
  });
});
