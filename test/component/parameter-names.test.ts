// firstConstructorParameter() / firstParameter(): the name of a constructor's or a method's first
// parameter, read from the source, for the warnings about kwargs and messages meant as named arguments. Plain and defaulted identifiers and
// TypeScript parameter properties are names; destructured and rest parameters are not; a class with no
// constructor of its own takes its parent's; unreadable sources give nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { firstConstructorParameter, firstParameter } from "../../src/component/parameter-names.js";

test("plain, defaulted and parameter-property first parameters are read by name", () => {
  assert.equal(firstConstructorParameter(class { constructor(scale: number) { void scale; } }), "scale");
  assert.equal(firstConstructorParameter(class { constructor(rate = 10, unit = "Hz") { void rate; void unit; } }), "rate");
  class WithProperty {
    constructor(public gain = 1) {}
  }
  assert.equal(firstConstructorParameter(WithProperty), "gain");
  assert.equal(firstConstructorParameter(class { constructor(/* the port */ port: string) { void port; } }), "port");
});

test("destructured, rest and missing parameters give nothing", () => {
  assert.equal(firstConstructorParameter(class { constructor({ scale = 1 }: { scale?: number } = {}) { void scale; } }), undefined);
  assert.equal(firstConstructorParameter(class { constructor([a]: number[]) { void a; } }), undefined);
  assert.equal(firstConstructorParameter(class { constructor(...args: unknown[]) { void args; } }), undefined);
  assert.equal(firstConstructorParameter(class { constructor() {} }), undefined);
  assert.equal(firstConstructorParameter(class {}), undefined);
});

test("a class without a constructor of its own takes its parent's; methods that mention .constructor( do not count", () => {
  class Base {
    constructor(readonly device: string) {}
  }
  class Derived extends Base {
    clone(): Derived {
      return new (this.constructor as typeof Derived)(this.device);
    }
  }
  assert.equal(firstConstructorParameter(Derived), "device");
});

test("old-style constructor functions are read; bound and native functions give nothing", () => {
  function Sensor(this: { port: string }, port: string) {
    this.port = port;
  }
  assert.equal(firstConstructorParameter(Sensor), "port");
  assert.equal(firstConstructorParameter(Sensor.bind({ port: "" })), undefined);
  assert.equal(firstConstructorParameter(Map), undefined);
});

test("a method's first parameter: plain, async, defaulted, destructured, none", () => {
  const proto = class {
    processData(data: number): number {
      return data;
    }
    async infer(frame = {}): Promise<object> {
      return frame;
    }
    take({ data }: { data: number }): number {
      return data;
    }
    tick(): void {}
  }.prototype;
  assert.equal(firstParameter(proto.processData), "data");
  assert.equal(firstParameter(proto.infer), "frame");
  assert.equal(firstParameter(proto.take), undefined);
  assert.equal(firstParameter(proto.tick), undefined);
  assert.equal(firstParameter((m: unknown) => m), "m");
});
