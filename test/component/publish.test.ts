// Publish-on-return: a bound instance's @pub methods publish what they return through the context,
// and still return it to the caller.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bindInstance,
  EMPTY_MESSAGE,
  every,
  instanceContext,
  pub,
  skip,
  start,
  sub,
  unbindInstance,
  type InstanceContext,
} from "../../src/component/index.js";
import { EtherError } from "../../src/errors.js";

type Call = [topic: string, message: unknown, place: { instance: string; method: string }];

/** A fake host context that records each publish. */
function recorder(instanceName = "inst", publish?: (topic: string, message: unknown) => void | Promise<void>) {
  const calls: Call[] = [];
  const ctx: InstanceContext = {
    instanceName,
    publish(topic, message, place) {
      calls.push([topic, message, place]);
      return publish?.(topic, message);
    },
  };
  return { ctx, calls };
}

function bound<T extends object>(instance: T, instanceName = "inst") {
  const r = recorder(instanceName);
  bindInstance(instance, r.ctx);
  return { instance, ...r };
}

class Processor {
  constructor(private readonly multiplier = 2) {}
  log: string[] = [];

  @sub("data") @pub("result")
  process({ data }: { data: number }): { result: number } {
    return { result: data * this.multiplier };
  }
  @pub("result") @sub("data2")
  processOtherOrder({ data }: { data: number }): { result: number } {
    return { result: data * this.multiplier };
  }
  @pub() summarize(): void {
    this.log.push("summarize");
  }
  @pub() maybe(keep: boolean): { kept: true } | typeof skip {
    return keep ? { kept: true } : skip;
  }
  @pub("async") async slow(v: number, steps: string[]): Promise<{ v: number }> {
    steps.push("started");
    await new Promise((r) => setImmediate(r));
    steps.push("resolved");
    return { v };
  }
  @pub() async slowSkip(): Promise<typeof skip> {
    return skip;
  }
  @pub() async slowUndefined(): Promise<void> {}
  @pub() throws(): object {
    this.log.push("ran");
    throw new RangeError("bad input");
  }
  @pub() async rejects(): Promise<object> {
    throw new RangeError("bad later");
  }
  @pub("out") returns(value: unknown): object {
    this.log.push("ran");
    return value as object;
  }
  @pub("a") @pub("b") twice(): { n: number } {
    return { n: 1 };
  }
  @every("10ms") @pub("temperature") read(): { celsius: number } {
    return { celsius: 21 };
  }
  @start() @pub("hello") hello(): { hi: true } {
    return { hi: true };
  }
  @sub("only") subOnly(m: object): object {
    return m;
  }
}

describe("publish on return, bound", () => {
  it("publishes the returned object itself (no copy) on the topic, with the place, and returns it", () => {
    const { instance, calls } = bound(new Processor(3), "processor3x");
    const out = instance.process({ data: 2 });
    assert.deepEqual(out, { result: 6 });
    assert.deepEqual(calls, [["result", { result: 6 }, { instance: "processor3x", method: "process" }]]);
    assert.equal(calls[0]![1], out);
  });

  it("@sub + @pub publishes in both decorator orders", () => {
    const { instance, calls } = bound(new Processor());
    instance.processOtherOrder({ data: 5 });
    assert.deepEqual(calls, [["result", { result: 10 }, { instance: "inst", method: "processOtherOrder" }]]);
  });

  it("undefined publishes the empty message {} and still returns undefined", () => {
    const { instance, calls } = bound(new Processor());
    assert.equal(instance.summarize(), undefined);
    assert.deepEqual(calls, [["Processor.summarize", {}, { instance: "inst", method: "summarize" }]]);
    assert.equal(calls[0]![1], EMPTY_MESSAGE);
    assert.deepEqual(instance.log, ["summarize"]);
  });

  it("skip publishes nothing and is returned", () => {
    const { instance, calls } = bound(new Processor());
    assert.equal(instance.maybe(false), skip);
    assert.deepEqual(instance.maybe(true), { kept: true });
    assert.deepEqual(calls.map((c) => c[1]), [{ kept: true }]);
  });

  it("an async result is awaited, then published; the caller gets a promise of the same value", async () => {
    const steps: string[] = [];
    const { instance, calls } = bound(new Processor());
    const p = instance.slow(4, steps);
    assert.ok(p instanceof Promise);
    assert.deepEqual(calls, [], "nothing is published before the method resolves");
    assert.deepEqual(await p, { v: 4 });
    assert.deepEqual(steps, ["started", "resolved"]);
    assert.deepEqual(calls, [["async", { v: 4 }, { instance: "inst", method: "slow" }]]);
  });

  it("async skip publishes nothing; async undefined publishes {}", async () => {
    const { instance, calls } = bound(new Processor());
    assert.equal(await instance.slowSkip(), skip);
    assert.equal(await instance.slowUndefined(), undefined);
    assert.deepEqual(calls.map((c) => [c[0], c[1]]), [["Processor.slowUndefined", {}]]);
  });

  it("an error thrown by the method propagates and nothing is published (sync and async)", async () => {
    const { instance, calls } = bound(new Processor());
    assert.throws(() => instance.throws(), { name: "RangeError", message: "bad input" });
    await assert.rejects(instance.rejects(), { name: "RangeError", message: "bad later" });
    assert.deepEqual(calls, []);
  });

  it("a return that is not a message is ERR_ETHER_PUBLISH_RETURN naming instance, class.method and topic", async () => {
    const { instance, calls } = bound(new Processor(), "proc");
    const cases: Array<[unknown, RegExp]> = [
      [42, /the number 42/],
      [null, /returned null/],
      [[1, 2], /an array/],
      ["text", /the string "text"/],
      [new ArrayBuffer(4), /an? ArrayBuffer/],
      [Symbol("other"), /the symbol Symbol\(other\)/],
    ];
    for (const [value, got] of cases) {
      assert.throws(() => instance.returns(value), (e: unknown) => {
        assert.ok(e instanceof EtherError);
        assert.equal(e.code, "ERR_ETHER_PUBLISH_RETURN");
        assert.match(e.message, /^Processor\.returns \(instance "proc", topic "out"\) returned /);
        assert.match(e.message, got);
        assert.match(e.message, /return an object .*or skip to publish nothing/);
        return true;
      });
    }
    assert.equal(instance.log.length, cases.length, "the method ran each time");
    assert.deepEqual(calls, []);
  });

  it("a typed array, Buffer or DataView is a raw message, published as it is", () => {
    const { instance, calls } = bound(new Processor());
    const values = [new Float32Array([1.5, 2]), Buffer.from("ab"), new DataView(new ArrayBuffer(8)), new Uint8Array(0)];
    for (const value of values) instance.returns(value);
    assert.equal(calls.length, values.length);
    calls.forEach((c, i) => assert.equal(c[1], values[i], "the same view, not a copy"));
  });

  it("several @pub topics publish the same message on each, in source order", () => {
    const { instance, calls } = bound(new Processor());
    instance.twice();
    assert.deepEqual(calls.map((c) => c[0]), ["a", "b"]);
    assert.equal(calls[0]![1], calls[1]![1]);
  });

  it("@every and @start methods publish when the host (or anyone) calls them", () => {
    const { instance, calls } = bound(new Processor());
    instance.read();
    instance.hello();
    assert.deepEqual(calls.map((c) => [c[0], c[1]]), [["temperature", { celsius: 21 }], ["hello", { hi: true }]]);
  });

  it("a @sub-only method is not wrapped and publishes nothing", () => {
    assert.match(Processor.prototype.subOnly.toString(), /^subOnly\(m\)/);
    const { instance, calls } = bound(new Processor());
    const m = { x: 1 };
    assert.equal(instance.subOnly(m), m);
    assert.deepEqual(calls, []);
  });

  it("calls between methods of a bound instance publish too (a @start loop calling a @pub method)", async () => {
    class Generator {
      @start() async run(): Promise<void> {
        for (let i = 0; i < 3; i++) this.emit(i);
      }
      @pub("data") emit(i: number): { data: number } {
        return { data: i };
      }
    }
    const { instance, calls } = bound(new Generator());
    await instance.run();
    assert.deepEqual(calls.map((c) => c[1]), [{ data: 0 }, { data: 1 }, { data: 2 }]);
  });

  it("two instances of one class publish through their own contexts", () => {
    const a = bound(new Processor(2), "a");
    const b = bound(new Processor(4), "b");
    a.instance.process({ data: 1 });
    b.instance.process({ data: 1 });
    assert.deepEqual(a.calls, [["result", { result: 2 }, { instance: "a", method: "process" }]]);
    assert.deepEqual(b.calls, [["result", { result: 4 }, { instance: "b", method: "process" }]]);
  });
});

describe("publish on return: the context's publish", () => {
  it("an error thrown by publish propagates to the caller", () => {
    const p = new Processor();
    bindInstance(p, recorder("x", () => {
      throw new Error("ring full");
    }).ctx);
    assert.throws(() => p.process({ data: 1 }), /ring full/);
  });

  it("a publish that returns a promise makes the wrapper return a promise of the method's value", async () => {
    let resolvePublish!: () => void;
    const p = new Processor();
    bindInstance(p, recorder("x", () => new Promise<void>((r) => (resolvePublish = r))).ctx);
    const out = p.process({ data: 1 }) as unknown;
    assert.ok(out instanceof Promise);
    let settled = false;
    void (out as Promise<unknown>).then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, "waits for the publish");
    resolvePublish();
    assert.deepEqual(await out, { result: 2 });
  });

  it("bindInstance: same context is a no-op, another is ERR_ETHER_ALREADY_BOUND; instanceContext reports it", () => {
    const p = new Processor();
    const { ctx } = recorder("first");
    assert.equal(instanceContext(p), undefined);
    bindInstance(p, ctx);
    bindInstance(p, ctx);
    assert.equal(instanceContext(p), ctx);
    assert.throws(() => bindInstance(p, recorder("second").ctx), { code: "ERR_ETHER_ALREADY_BOUND", message: /as "second": it is already bound as "first"/ });
    unbindInstance(p);
    bindInstance(p, recorder("second").ctx);
    assert.equal(instanceContext(p)?.instanceName, "second");
  });

  it("bindInstance rejects a context without publish or instanceName", () => {
    assert.throws(() => bindInstance(new Processor(), { publish() {} } as unknown as InstanceContext), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => bindInstance(null as unknown as object, recorder().ctx), { code: "ERR_ETHER_INVALID_OPTION" });
  });
});

describe("publish on return with inheritance", () => {
  class Base {
    @sub("data") @pub("result") process(m: { x: number }): { y: number } {
      return { y: m.x };
    }
    @pub() emit(n: number): { n: number } {
      if (n > 0) this.emit(n - 1);
      return { n };
    }
  }

  it("an inherited @pub method publishes on the base's topic", () => {
    class Derived extends Base {}
    const { instance, calls } = bound(new Derived());
    instance.process({ x: 1 });
    assert.deepEqual(calls, [["result", { y: 1 }, { instance: "inst", method: "process" }]]);
  });

  it("an undecorated override publishes its own result, once, even when it calls super", () => {
    class Extended extends Base {
      override process(m: { x: number }): { y: number } {
        const base = super.process(m);
        return { y: base.y + 100 };
      }
    }
    const plain = new Extended();
    assert.deepEqual(plain.process({ x: 1 }), { y: 101 });
    const { instance, calls } = bound(new Extended());
    assert.deepEqual(instance.process({ x: 1 }), { y: 101 });
    assert.deepEqual(calls.map((c) => [c[0], c[1]]), [["result", { y: 101 }]]);
    unbindInstance(instance);
    assert.deepEqual(instance.process({ x: 2 }), { y: 102 });
    assert.equal(calls.length, 1, "plain again after unbinding");
  });

  it("a decorated override publishes on its own topics only; super's does not publish", () => {
    class Rerouted extends Base {
      @pub("elsewhere") override process(m: { x: number }): { y: number } {
        return { y: super.process(m).y * 10 };
      }
    }
    const { instance, calls } = bound(new Rerouted());
    instance.process({ x: 1 });
    assert.deepEqual(calls.map((c) => [c[0], c[1]]), [["elsewhere", { y: 10 }]]);
  });

  it("instances of a base and of subclasses, called in turn, each publish per their own class", () => {
    class Rerouted extends Base {
      @pub("elsewhere") override process(m: { x: number }): { y: number } {
        return { y: super.process(m).y * 10 };
      }
    }
    class Derived extends Base {}
    const base = bound(new Base());
    const rerouted = bound(new Rerouted());
    const derived = bound(new Derived());
    for (let i = 1; i <= 3; i++) {
      base.instance.process({ x: i });
      rerouted.instance.process({ x: i });
      derived.instance.process({ x: i });
    }
    assert.deepEqual(base.calls.map((c) => [c[0], c[1]]), [1, 2, 3].map((y) => ["result", { y }]));
    assert.deepEqual(rerouted.calls.map((c) => [c[0], c[1]]), [1, 2, 3].map((y) => ["elsewhere", { y: y * 10 }]));
    assert.deepEqual(derived.calls.map((c) => [c[0], c[1]]), [1, 2, 3].map((y) => ["result", { y }]));
  });

  it("an override decorated with @sub only does not publish, not even through super", () => {
    class Quiet extends Base {
      @sub("data") override process(m: { x: number }): { y: number } {
        return super.process(m);
      }
    }
    const { instance, calls } = bound(new Quiet());
    assert.deepEqual(instance.process({ x: 3 }), { y: 3 });
    assert.deepEqual(calls, []);
  });

  it("recursion through this publishes at every level, as plain calls would", () => {
    const { instance, calls } = bound(new Base());
    instance.emit(2);
    assert.deepEqual(calls.map((c) => c[1]), [{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  it("a method bound in the constructor (this.m = this.m.bind(this)) still publishes", () => {
    class Bound extends Base {
      constructor() {
        super();
        this.process = this.process.bind(this);
      }
    }
    const { instance, calls } = bound(new Bound());
    const { process } = instance;
    process({ x: 5 });
    assert.deepEqual(calls.map((c) => c[1]), [{ y: 5 }]);
  });
});
