// applyDecorators: the YAML registry's ether_sub / ether_pub / ether_start / ether_every on classes the
// user cannot edit.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDecorators, bindInstance, componentMeta, every, pub, start, sub, unbindInstance, type InstanceContext } from "../../src/component/index.js";

function recorder(instanceName = "inst") {
  const calls: Array<[string, unknown]> = [];
  const ctx: InstanceContext = { instanceName, publish: (topic, message) => void calls.push([topic, message]) };
  return { ctx, calls };
}

describe("applyDecorators", () => {
  it("records ether_sub / ether_pub with explicit and default (ClassName.method) topics", () => {
    class ThirdParty {
      processData(m: { data: number }): { processed: number } {
        return { processed: m.data + 1 };
      }
      report(): void {}
    }
    applyDecorators(ThirdParty, {
      processData: { ether_sub: { topic: "data" }, ether_pub: { topic: "processed_data" } },
      report: { ether_pub: null, ether_sub: {} },
    });
    const meta = componentMeta(ThirdParty);
    assert.deepEqual(meta.subs.map((s) => [s.method, s.topic, s.declaredIn]), [
      ["processData", "data", "ThirdParty"],
      ["report", "ThirdParty.report", "ThirdParty"],
    ]);
    class Parallel {
      async infer(_m: object): Promise<void> {}
    }
    applyDecorators(Parallel, { infer: { ether_sub: { topic: "frames", concurrency: 4 } } });
    assert.deepEqual(componentMeta(Parallel).subs.map((s) => [s.topic, s.options.concurrency]), [["frames", 4]], "ether_sub's concurrency is @sub's");
    assert.deepEqual(meta.pubs.map((p) => [p.method, p.topic]), [
      ["processData", "processed_data"],
      ["report", "ThirdParty.report"],
    ]);
  });

  it("wraps in place: transparent unbound, publishing when bound, existing instances included", () => {
    class Filter {
      constructor(private readonly k = 2) {}
      run(m: { x: number }): { y: number } {
        return { y: m.x * this.k };
      }
    }
    const before = new Filter(3);
    applyDecorators(Filter, { run: { ether_sub: { topic: "raw" }, ether_pub: { topic: "smooth" } } });
    assert.deepEqual(before.run({ x: 1 }), { y: 3 });
    assert.equal(Filter.prototype.run.name, "run");
    const { ctx, calls } = recorder();
    bindInstance(before, ctx);
    assert.deepEqual(before.run({ x: 2 }), { y: 6 });
    assert.deepEqual(calls, [["smooth", { y: 6 }]]);
    unbindInstance(before);
    before.run({ x: 3 });
    assert.equal(calls.length, 1);
  });

  it("applying twice neither double-wraps nor duplicates; a new spec replaces the registry's old one", () => {
    class Twice {
      m(): object {
        return { ok: 1 };
      }
    }
    const spec = { m: { ether_sub: { topic: "in" }, ether_pub: { topic: "out" } } };
    applyDecorators(Twice, spec);
    const wrapped = Twice.prototype.m;
    applyDecorators(Twice, spec);
    assert.equal(Twice.prototype.m, wrapped);
    assert.deepEqual(componentMeta(Twice).subs.map((s) => s.topic), ["in"]);
    assert.deepEqual(componentMeta(Twice).pubs.map((p) => p.topic), ["out"]);

    applyDecorators(Twice, { m: { ether_pub: { topic: "out2" } } });
    assert.equal(Twice.prototype.m, wrapped);
    assert.deepEqual(componentMeta(Twice).subs, []);
    assert.deepEqual(componentMeta(Twice).pubs.map((p) => p.topic), ["out2"]);
    const t = new Twice();
    const { ctx, calls } = recorder();
    bindInstance(t, ctx);
    t.m();
    assert.deepEqual(calls, [["out2", { ok: 1 }]], "one publish: one wrapper");
  });

  it("a missing method is ERR_ETHER_REGISTRY_METHOD naming the class and listing its methods, before changing anything", () => {
    class Vendor {
      processData(): void {}
      reset(): void {}
    }
    class VendorChild extends Vendor {
      extra(): void {}
    }
    assert.throws(
      () => applyDecorators(VendorChild, { extra: { ether_sub: { topic: "x" } }, process_data: { ether_sub: { topic: "data" } } }),
      {
        code: "ERR_ETHER_REGISTRY_METHOD",
        message: "registry: class VendorChild has no method process_data (did you mean processData?); its methods: extra, processData, reset",
      },
    );
    assert.deepEqual(componentMeta(VendorChild).subs, [], "nothing applied");
    assert.throws(() => applyDecorators(Vendor, { constructor: {} }), { code: "ERR_ETHER_REGISTRY_METHOD" });
    assert.throws(() => applyDecorators(Vendor, { nope: null }), { message: /has no method nope; its methods: processData, reset$/ });
  });

  it("a getter is not a method, and is not called while checking", () => {
    let reads = 0;
    class WithGetter {
      get value(): () => void {
        reads++;
        return () => {};
      }
    }
    assert.throws(() => applyDecorators(WithGetter, { value: { ether_pub: null } }), { code: "ERR_ETHER_REGISTRY_METHOD" });
    assert.equal(reads, 0);
  });

  it("rejects unknown keys and bad topics with the class and method", () => {
    class K {
      m(): void {}
    }
    assert.throws(() => applyDecorators(K, { m: { ether_subs: {} } as never }), { code: "ERR_ETHER_INVALID_OPTION", message: /registry K\.m: option ether_subs is not known; known: ether_sub, ether_pub/ });
    assert.throws(() => applyDecorators(K, { m: { ether_sub: { topik: "x" } } as never }), { message: /option ether_sub\.topik is not known; known: topic, concurrency/ });
    assert.throws(() => applyDecorators(K, { m: { ether_pub: { concurrency: 2 } } as never }), { message: /option ether_pub\.concurrency is not known; known: topic$/ });
    assert.throws(() => applyDecorators(K, { m: { ether_sub: { concurrency: 0 } } }), { message: /option ether_sub\.concurrency must be a whole number from 1 to 1024, got 0/ });
    assert.throws(() => applyDecorators(K, { m: { ether_pub: { topic: "" } } }), { message: /option ether_pub\.topic must be a non-empty string/ });
    assert.throws(() => applyDecorators(K, { m: { ether_pub: "x" } as never }), { message: /option ether_pub must be a map/ });
    assert.throws(() => applyDecorators(42 as unknown as Function, {}), { code: "ERR_ETHER_INVALID_OPTION" });
  });

  it("an inherited method is wrapped on the class itself, never on the shared base", () => {
    class SharedBase {
      work(): object {
        return { w: 1 };
      }
    }
    class UsesRegistry extends SharedBase {}
    class Sibling extends SharedBase {}
    const original = SharedBase.prototype.work;
    applyDecorators(UsesRegistry, { work: { ether_pub: { topic: "w" } } });
    assert.equal(SharedBase.prototype.work, original);
    assert.ok(Object.hasOwn(UsesRegistry.prototype, "work"));
    assert.deepEqual(componentMeta(Sibling).pubs, []);
    const sibling = new Sibling();
    const s = recorder();
    bindInstance(sibling, s.ctx);
    sibling.work();
    assert.deepEqual(s.calls, []);
    const u = new UsesRegistry();
    const r = recorder();
    bindInstance(u, r.ctx);
    u.work();
    assert.deepEqual(r.calls, [["w", { w: 1 }]]);
  });

  it("adds to a decorated class's declarations, keeps them when re-applied, and counts a shared topic once", () => {
    class Decorated {
      @sub("in") @pub("out") m(): object {
        return {};
      }
      @start() go(): void {}
    }
    const wrapped = Decorated.prototype.m;
    applyDecorators(Decorated, { m: { ether_sub: { topic: "in" }, ether_pub: { topic: "also" } } });
    applyDecorators(Decorated, { m: { ether_sub: { topic: "in" }, ether_pub: { topic: "also" } } });
    assert.equal(Decorated.prototype.m, wrapped, "the decorator's wrapper is reused");
    assert.deepEqual(componentMeta(Decorated).subs.map((s) => s.topic), ["in"]);
    assert.deepEqual(componentMeta(Decorated).pubs.map((p) => p.topic), ["out", "also"]);
    assert.throws(() => applyDecorators(Decorated, { go: { ether_sub: {} } }), { message: /registry Decorated\.go: option ether_sub cannot apply: the method is @start/ });
  });

  it("a registry sub-only method on a class whose base publishes from that method stops the base publishing", () => {
    class Publishing {
      @pub("base") m(): object {
        return { from: "base" };
      }
    }
    class Listener extends Publishing {}
    applyDecorators(Listener, { m: { ether_sub: { topic: "in" } } });
    assert.deepEqual(componentMeta(Listener).pubs, []);
    const l = new Listener();
    const r = recorder();
    bindInstance(l, r.ctx);
    assert.deepEqual(l.m(), { from: "base" });
    assert.deepEqual(r.calls, []);
  });

  it("ether_start and ether_every are @start and @every: every period form; applying again replaces them; a decorator's stay", () => {
    class Instrument {
      connect(): void {}
      read(): { t: number } {
        return { t: 1 };
      }
      poll(): void {}
      @every("1s") heartbeat(): void {}
    }
    applyDecorators(Instrument, {
      connect: { ether_start: {} },
      read: { ether_every: "100ms", ether_pub: { topic: "temperature" } },
      poll: { ether_every: { hz: 50 } },
      heartbeat: { ether_every: { period: 1000 } }, // the decorator's own period: counted once
    });
    const meta = componentMeta(Instrument);
    assert.deepEqual(meta.starts.map((s) => [s.method, s.declaredIn]), [["connect", "Instrument"]]);
    assert.deepEqual(meta.everys.map((e) => [e.method, e.periodMs]).sort(), [["heartbeat", 1000], ["poll", 20], ["read", 100]]);
    assert.deepEqual(meta.pubs.map((p) => [p.method, p.topic]), [["read", "temperature"]]);
    applyDecorators(Instrument, { connect: {}, read: { ether_start: null }, poll: null, heartbeat: {} });
    const again = componentMeta(Instrument);
    assert.deepEqual(again.starts.map((s) => s.method), ["read"], "connect's ether_start was replaced");
    assert.deepEqual(again.everys.map((e) => [e.method, e.periodMs]), [["heartbeat", 1000]], "the @every decorator stays");
    assert.deepEqual(again.pubs, []);
  });

  it("ether_start / ether_every with ether_sub, on a @sub method, a second period or a bad one: clear errors, nothing applied", () => {
    class Device {
      @sub("commands") command(): void {}
      @every("10ms") sample(): void {}
      read(): void {}
    }
    const fails = (methods: Parameters<typeof applyDecorators>[1], message: RegExp): void =>
      assert.throws(() => applyDecorators(Device, methods), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
    fails({ read: { ether_every: "10ms", ether_sub: {} } }, /registry Device\.read.*ether_every.*cannot go with ether_sub: a method is called either with messages/);
    fails({ command: { ether_start: {} } }, /registry Device\.command.*ether_start.*cannot apply: the method is @sub/);
    fails({ sample: { ether_every: "20ms" } }, /registry Device\.sample.*ether_every.*already @every with a period of 10 ms/);
    fails({ read: { ether_every: "often" } }, /registry Device\.read.*ether_every.*"often"/);
    fails({ read: { ether_every: { period: "1s", phase: 2 } as never } }, /ether_every\.phase.*is not known/);
    fails({ read: { ether_start: { now: true } } as never }, /ether_start.*takes no arguments/);
    assert.deepEqual(componentMeta(Device).starts, []);
    assert.deepEqual(componentMeta(Device).everys.map((e) => e.method), ["sample"]);
  });
});
