// Transparent fallback: outside a session (no bound context), and after unbinding, a decorated method
// is the plain method: same return value (the same object), same `this`, sync stays sync, async
// stays async, errors propagate, and nothing is published.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bindInstance, every, pub, skip, start, sub, unbindInstance, type InstanceContext } from "../../src/component/index.js";

const shared = { kept: true };

class Device {
  calls: unknown[] = [];

  @pub("out") same(): object {
    return shared;
  }
  @sub("in") @pub("out2") handle(m: { x: number }): { y: number; self: Device } {
    this.calls.push(m);
    return { y: m.x * 2, self: this };
  }
  @pub() async later(v: number): Promise<{ v: number }> {
    await new Promise((r) => setImmediate(r));
    return { v };
  }
  @pub() nothing(): void {
    this.calls.push("nothing");
  }
  @pub() skipped(): typeof skip {
    return skip;
  }
  @pub() primitive(): object {
    return 42 as unknown as object;
  }
  @pub() fails(): object {
    throw new RangeError("boom");
  }
  @every("1s") @pub() async failsLater(): Promise<object> {
    throw new RangeError("later");
  }
  @start() @pub() who(this: Device): Device {
    return this;
  }
  @pub() args(...rest: unknown[]): { rest: unknown[] } {
    return { rest };
  }
}

function assertPlain(d: Device): void {
  assert.equal(d.same(), shared);
  assert.deepEqual(d.handle({ x: 2 }), { y: 4, self: d });
  assert.equal(d.nothing(), undefined);
  assert.equal(d.skipped(), skip);
  assert.equal(d.primitive(), 42, "no message check outside a session");
  assert.equal(d.who(), d);
  assert.deepEqual(d.args(1, "two", undefined), { rest: [1, "two", undefined] });
  assert.throws(() => d.fails(), RangeError);
}

describe("transparent fallback", () => {
  it("sync methods return their own values synchronously, with the same this", () => {
    assertPlain(new Device());
  });

  it("async methods still return a promise of their value; rejections are the method's", async () => {
    const d = new Device();
    const p = d.later(7);
    assert.ok(p instanceof Promise);
    assert.deepEqual(await p, { v: 7 });
    await assert.rejects(d.failsLater(), /later/);
  });

  it("keeps the method's name and length", () => {
    assert.equal(Device.prototype.handle.name, "handle");
    assert.equal(Device.prototype.handle.length, 1);
    assert.equal(Device.prototype.later.name, "later");
  });

  it("a detached call (this undefined) behaves as the plain method would", () => {
    const { handle } = Device.prototype;
    assert.throws(() => handle.call(undefined, { x: 1 }), TypeError);
    const { args } = Device.prototype;
    assert.deepEqual(args(1), { rest: [1] });
  });

  it("after unbinding, the method is plain again and nothing is published", async () => {
    const published: unknown[] = [];
    const ctx: InstanceContext = { instanceName: "d", publish: (t, m) => void published.push([t, m]) };
    const d = new Device();
    bindInstance(d, ctx);
    d.same();
    assert.equal(published.length, 1);
    assert.equal(unbindInstance(d), true);
    assert.equal(unbindInstance(d), false);
    assertPlain(d);
    assert.deepEqual(await d.later(1), { v: 1 });
    assert.equal(published.length, 1);
  });

  it("binding one instance leaves other instances of the class plain", () => {
    const published: unknown[] = [];
    const bound = new Device();
    bindInstance(bound, { instanceName: "b", publish: (t) => void published.push(t) });
    assertPlain(new Device());
    assert.deepEqual(published, []);
    unbindInstance(bound);
  });

  it("an object that inherits from a bound instance is not taken for it", () => {
    const published: unknown[] = [];
    const bound = new Device();
    bindInstance(bound, { instanceName: "b", publish: (t) => void published.push(t) });
    const heir = Object.create(bound) as Device;
    assertPlain(heir);
    assert.deepEqual(published, []);
    bound.same();
    assert.deepEqual(published, ["out"]);
    unbindInstance(bound);
  });

  it("frozen instances bind, publish and unbind like the others (frozen before or while bound)", () => {
    const published: unknown[] = [];
    const ctx: InstanceContext = { instanceName: "f", publish: (t) => void published.push(t) };
    const frozenFirst = Object.freeze(new Device());
    bindInstance(frozenFirst, ctx);
    frozenFirst.same();
    assert.deepEqual(published, ["out"]);
    assert.equal(unbindInstance(frozenFirst), true);
    frozenFirst.same();
    const frozenLater = new Device();
    bindInstance(frozenLater, ctx);
    Object.freeze(frozenLater);
    frozenLater.same();
    assert.deepEqual(published, ["out", "out"]);
    assert.equal(unbindInstance(frozenLater), true);
    frozenLater.same();
    assert.deepEqual(published, ["out", "out"], "nothing published once unbound");
  });

  it("an instance bound again after unbinding publishes through its new context", () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const d = new Device();
    bindInstance(d, { instanceName: "a", publish: (t) => void first.push(t) });
    d.same();
    unbindInstance(d);
    bindInstance(d, { instanceName: "b", publish: (t) => void second.push(t) });
    d.same();
    unbindInstance(d);
    d.same();
    assert.deepEqual([first, second], [["out"], ["out"]]);
  });
});
