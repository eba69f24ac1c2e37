// Metadata recorded by @pub, @sub, @start, @every and read by componentMeta: default and explicit
// topics, options, inheritance and overrides, classes that share method names.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { componentMeta, every, METADATA, pub, start, sub } from "../../src/component/index.js";

describe("Symbol.metadata polyfill", () => {
  it("is Symbol.for('Symbol.metadata'), non-writable like the intrinsic, and decorated classes own a metadata object", () => {
    const symbol = (Symbol as { metadata?: symbol }).metadata;
    assert.equal(symbol, Symbol.for("Symbol.metadata"));
    assert.equal(METADATA, symbol);
    assert.equal(Object.getOwnPropertyDescriptor(Symbol, "metadata")?.writable, false);
    class C {
      @start() go(): void {}
    }
    assert.ok(Object.hasOwn(C, METADATA));
  });
});

describe("componentMeta", () => {
  class Pipeline {
    @sub("data") @pub("result")
    process(m: { x: number }): { y: number } {
      return { y: m.x * 2 };
    }

    @pub() emit(): void {}

    @sub() listen(_m: unknown): void {}

    @start() begin(): void {}

    @every("10ms") tick(): void {}

    plain(): number {
      return 1;
    }
  }

  it("records each decorator with default (ClassName.method) and explicit topics", () => {
    const meta = componentMeta(Pipeline);
    assert.equal(meta.className, "Pipeline");
    assert.deepEqual(meta.subs, [
      { method: "process", topic: "data", options: {}, declaredIn: "Pipeline" },
      { method: "listen", topic: "Pipeline.listen", options: {}, declaredIn: "Pipeline" },
    ]);
    assert.deepEqual(meta.pubs, [
      { method: "process", topic: "result", declaredIn: "Pipeline" },
      { method: "emit", topic: "Pipeline.emit", declaredIn: "Pipeline" },
    ]);
    assert.deepEqual(meta.starts, [{ method: "begin", declaredIn: "Pipeline" }]);
    assert.deepEqual(meta.everys, [{ method: "tick", periodMs: 10, declaredIn: "Pipeline" }]);
  });

  it("gives frozen lists, and empty ones for a plain class", () => {
    const meta = componentMeta(Pipeline);
    assert.ok(Object.isFrozen(meta) && Object.isFrozen(meta.subs) && Object.isFrozen(meta.subs[0]));
    class Plain {
      m(): void {}
    }
    assert.deepEqual(componentMeta(Plain), { className: "Plain", subs: [], pubs: [], starts: [], everys: [] });
  });

  it("keeps @sub options and exposes the schema", () => {
    const schema = z.object({ celsius: z.number() });
    class Logger {
      @sub("temperature", { schema }) log(_m: { celsius: number }): void {}
      @sub({ schema }) other(_m: unknown): void {}
    }
    const [a, b] = componentMeta(Logger).subs;
    assert.equal(a!.schema, schema);
    assert.equal(a!.options.schema, schema);
    assert.equal(a!.topic, "temperature");
    assert.equal(b!.topic, "Logger.other");
    assert.equal(b!.schema, schema);
  });

  it("lists every topic when a method has several @sub or @pub, in source order", () => {
    class Fan {
      @sub("a") @sub("b") @pub("x") @pub() both(): void {}
    }
    const meta = componentMeta(Fan);
    assert.deepEqual(meta.subs.map((s) => s.topic), ["a", "b"]);
    assert.deepEqual(meta.pubs.map((p) => p.topic), ["x", "Fan.both"]);
  });

  it("records @sub + @pub on one method in both orders", () => {
    class SubFirst {
      @sub("in") @pub("out") m(): object {
        return {};
      }
    }
    class PubFirst {
      @pub("out") @sub("in") m(): object {
        return {};
      }
    }
    for (const C of [SubFirst, PubFirst]) {
      const meta = componentMeta(C);
      assert.deepEqual(meta.subs.map((s) => [s.method, s.topic]), [["m", "in"]]);
      assert.deepEqual(meta.pubs.map((p) => [p.method, p.topic]), [["m", "out"]]);
    }
  });

  it("@every accepts strings, milliseconds and rates", () => {
    class Rates {
      @every("1s") a(): void {}
      @every(250) b(): void {}
      @every({ hz: 1000 }) c(): void {}
      @every("250us") d(): void {}
    }
    assert.deepEqual(componentMeta(Rates).everys.map((e) => e.periodMs), [1000, 250, 1, 0.25]);
  });

  it("keeps two classes with the same method names apart", () => {
    class Left {
      @sub("l") @pub() handle(): void {}
    }
    class Right {
      @sub("r") handle(): void {}
      @start() go(): void {}
    }
    assert.deepEqual(componentMeta(Left).subs.map((s) => s.topic), ["l"]);
    assert.deepEqual(componentMeta(Left).pubs.map((p) => p.topic), ["Left.handle"]);
    assert.deepEqual(componentMeta(Right).subs.map((s) => s.topic), ["r"]);
    assert.deepEqual(componentMeta(Right).pubs, []);
    assert.deepEqual(componentMeta(Left).starts, []);
  });

  it("rejects a value that is not a class", () => {
    assert.throws(() => componentMeta({} as unknown as Function), { code: "ERR_ETHER_INVALID_OPTION", message: /componentMeta.*must be a class/ });
  });
});

describe("componentMeta and inheritance", () => {
  class Base {
    @sub("data") @pub("result") process(m: { x: number }): { y: number } {
      return { y: m.x };
    }
    @every("1s") @pub() read(): object {
      return {};
    }
    @start() begin(): void {}
  }

  it("a subclass sees its base class's decorated methods, default topics naming the base", () => {
    class Derived extends Base {}
    const meta = componentMeta(Derived);
    assert.equal(meta.className, "Derived");
    assert.deepEqual(meta.subs, [{ method: "process", topic: "data", options: {}, declaredIn: "Base" }]);
    assert.deepEqual(meta.pubs.map((p) => p.topic), ["result", "Base.read"]);
    assert.deepEqual(meta.starts, [{ method: "begin", declaredIn: "Base" }]);
  });

  it("a subclass's own decorations add to the base's, without changing the base", () => {
    class Derived extends Base {
      @sub() extra(): void {}
    }
    assert.deepEqual(componentMeta(Derived).subs.map((s) => s.topic), ["data", "Derived.extra"]);
    assert.deepEqual(componentMeta(Base).subs.map((s) => s.topic), ["data"]);
  });

  it("an undecorated override keeps the base's declarations", () => {
    class Faster extends Base {
      override process(m: { x: number }): { y: number } {
        return { y: m.x + 1 };
      }
    }
    const meta = componentMeta(Faster);
    assert.deepEqual(meta.subs, componentMeta(Base).subs);
    assert.deepEqual(meta.pubs, componentMeta(Base).pubs);
  });

  it("a decorated override replaces the base's declarations for that method", () => {
    class Rerouted extends Base {
      @sub("other") override process(m: { x: number }): { y: number } {
        return { y: m.x };
      }
    }
    const meta = componentMeta(Rerouted);
    assert.deepEqual(meta.subs, [{ method: "process", topic: "other", options: {}, declaredIn: "Rerouted" }]);
    assert.deepEqual(meta.pubs.map((p) => [p.method, p.topic]), [["read", "Base.read"]]);
  });

  it("three levels: the most derived declaration wins, undecorated levels in between change nothing", () => {
    class Middle extends Base {
      override read(): object {
        return { middle: true };
      }
    }
    class Leaf extends Middle {
      @every("2s") override read(): object {
        return { leaf: true };
      }
    }
    assert.deepEqual(componentMeta(Leaf).everys, [{ method: "read", periodMs: 2000, declaredIn: "Leaf" }]);
    assert.deepEqual(componentMeta(Leaf).pubs.map((p) => p.topic), ["result"]);
    assert.deepEqual(componentMeta(Middle).everys, [{ method: "read", periodMs: 1000, declaredIn: "Base" }]);
  });
});
