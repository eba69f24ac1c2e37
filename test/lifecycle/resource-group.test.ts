// ResourceGroup: dependency order on start, reverse on close, a failing member stops the start
// cleanly, bad dependencies are refused before anything starts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Resource, ResourceGroup, type TransitionEvent } from "../../src/lifecycle/index.js";
import type { EtherError } from "../../src/errors.js";

/** Members whose hooks write `start:name` / `stop:name` to one shared log. */
function recorder() {
  const log: string[] = [];
  const make = (name: string, fail: { initialize?: boolean; cleanup?: boolean } = {}) =>
    new Resource(name, {
      initialize() {
        log.push(`start:${name}`);
        if (fail.initialize) throw new Error(`${name} out of memory`);
      },
      cleanup() {
        log.push(`stop:${name}`);
        if (fail.cleanup) throw new Error(`${name} stuck`);
      },
    });
  return { log, make };
}

describe("ResourceGroup", () => {
  it("starts in dependency order (otherwise the order of add) and closes in reverse", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("session")
      .add(make("a"))
      .add(make("b"), { dependsOn: ["c"] })
      .add(make("c"))
      .add(make("d"), { dependsOn: ["a", "b"] })
      .add(make("e"));
    assert.deepEqual(
      group.order().map((r) => r.name),
      ["a", "c", "b", "d", "e"],
    );
    assert.deepEqual(log, [], "order() starts nothing");
    await group.start();
    assert.equal(group.state, "started");
    assert.deepEqual(log, ["start:a", "start:c", "start:b", "start:d", "start:e"]);
    await group.close();
    assert.equal(group.state, "closed");
    assert.deepEqual(log.slice(5), ["stop:e", "stop:d", "stop:b", "stop:c", "stop:a"]);
    for (const m of group.members) assert.equal(m.state, "closed");
  });

  it("a group whose third member fails to start: the first two are closed in reverse, the error names the third, the fourth never starts", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("host:worker-1").add(make("first")).add(make("second")).add(make("third", { initialize: true })).add(make("fourth"));
    const events: TransitionEvent[] = [];
    group.onTransition((e) => events.push(e));

    await assert.rejects(group.start(), (e: EtherError) => {
      assert.equal(e.code, "ERR_ETHER_GROUP_START");
      assert.equal(
        e.message,
        'resource group "host:worker-1": member "third" failed to start (resource "third" failed to initialize: third out of memory); ' +
          "closed in reverse order: second, first; never started: fourth",
      );
      assert.equal(e.details.member, "third");
      assert.deepEqual(e.details.stopped, ["second", "first"]);
      assert.deepEqual(e.details.notStarted, ["fourth"]);
      assert.equal((e.cause as EtherError).code, "ERR_ETHER_INITIALIZE");
      return true;
    });
    // third's own cleanup runs right after its failed initialize; then second and first, in reverse.
    assert.deepEqual(log, ["start:first", "start:second", "start:third", "stop:third", "stop:second", "stop:first"]);
    assert.equal(group.state, "failed");
    assert.deepEqual(
      group.members.map((m) => [m.name, m.state]),
      [
        ["first", "closed"],
        ["second", "closed"],
        ["third", "failed"],
        ["fourth", "created"],
      ],
    );
    assert.ok(!events.some((e) => e.resource === "fourth"), "fourth never moved");
    assert.deepEqual(
      events.filter((e) => e.to === "closing").map((e) => [e.resource, e.reason]),
      [
        ["second", 'member "third" of group "host:worker-1" failed to start'],
        ["first", 'member "third" of group "host:worker-1" failed to start'],
      ],
    );

    // Closing the failed group finishes the rest without running any hook again.
    await group.close();
    assert.equal(log.length, 6);
    assert.ok(group.members.every((m) => m.state === "closed"));
    await assert.rejects(group.start(), { code: "ERR_ETHER_RESOURCE_GROUP", message: /never started; it is closed/ });
  });

  it("a cleanup that fails during the rollback is named in the start error", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("g").add(make("a")).add(make("b", { cleanup: true })).add(make("c", { initialize: true }));
    await assert.rejects(group.start(), {
      code: "ERR_ETHER_GROUP_START",
      message: /closed in reverse order: b, a; never started: none; while closing them: resource "b" failed to clean up: b stuck$/,
    });
    assert.deepEqual(log, ["start:a", "start:b", "start:c", "stop:c", "stop:b", "stop:a"]);
  });

  it("a dependency cycle is refused before anything starts, naming the cycle", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("session")
      .add(make("free"))
      .add(make("a"), { dependsOn: ["b"] })
      .add(make("b"), { dependsOn: ["c"] })
      .add(make("c"), { dependsOn: ["a"] });
    const expected = {
      code: "ERR_ETHER_RESOURCE_GROUP",
      message: 'resource group "session": dependency cycle: "a" → "b" → "c" → "a" (→ means "depends on")',
    };
    assert.throws(() => group.order(), expected);
    await assert.rejects(group.start(), expected);
    assert.deepEqual(log, []);
    assert.equal(group.state, "idle");

    const self = new ResourceGroup("solo").add(make("x"), { dependsOn: ["x"] });
    await assert.rejects(self.start(), { message: /dependency cycle: "x" → "x"/ });
  });

  it("unknown dependencies are refused before anything starts, naming each and the members", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("session")
      .add(make("segment"))
      .add(make("host"), { dependsOn: ["segmnt"] })
      .add(make("model"), { dependsOn: ["segment", "gpu"] });
    await assert.rejects(group.start(), {
      code: "ERR_ETHER_RESOURCE_GROUP",
      message: 'resource group "session": unknown dependencies (not members): "host" → "segmnt", "model" → "gpu"; members: segment, host, model',
    });
    assert.deepEqual(log, []);
  });

  it("member names are unique, members are added before start, dependsOn is a list of names", async () => {
    const { make } = recorder();
    const group = new ResourceGroup("g").add(make("a"));
    assert.throws(() => group.add(make("a")), { code: "ERR_ETHER_RESOURCE_GROUP", message: 'resource group "g": a member named "a" was already added' });
    assert.throws(() => group.add(make("b"), { dependsOn: "a" as never }), { message: /dependsOn must be a list of member names/ });
    await group.start();
    assert.throws(() => group.add(make("late")), { message: 'resource group "g": cannot add member "late" while started; add members before start()' });
    assert.equal(group.get("a")?.state, "ready");
    assert.equal(group.get("nope"), undefined);
    await group.close();
  });

  it("close: goes on past a failing cleanup, then rejects naming it; every member ends closed", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("g").add(make("a")).add(make("b", { cleanup: true })).add(make("c"));
    await group.start();
    const closing = group.close("SIGTERM");
    assert.equal(group.close(), closing, "idempotent");
    await assert.rejects(closing, {
      code: "ERR_ETHER_CLEANUP",
      message: 'resource group "g": 1 cleanup(s) failed (every member is closed anyway): resource "b" failed to clean up: b stuck',
    });
    assert.deepEqual(log.slice(3), ["stop:c", "stop:b", "stop:a"]);
    assert.ok(group.members.every((m) => m.state === "closed"));
  });

  it("close while starting: the member starting now is closed once its initialize settles, later ones never start", async () => {
    const log: string[] = [];
    let finish!: () => void;
    const slow = new Resource("slow", {
      async initialize() {
        log.push("start:slow");
        await new Promise<void>((resolve) => (finish = resolve));
      },
      cleanup: () => void log.push("stop:slow"),
    });
    const quick = (name: string) => new Resource(name, { initialize: () => void log.push(`start:${name}`), cleanup: () => void log.push(`stop:${name}`) });
    const group = new ResourceGroup("g").add(quick("a")).add(slow).add(quick("c"));
    const started = group.start();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(slow.state, "initializing");
    const closed = group.close("SIGINT");
    assert.equal(slow.state, "closing", "told at once");
    finish();
    await assert.rejects(started, { code: "ERR_ETHER_CLOSED", message: 'resource group "g" is closed' });
    await closed;
    assert.deepEqual(log, ["start:a", "start:slow", "stop:slow", "stop:a"]);
    assert.equal(group.get("c")!.state, "closed");
  });

  it("close of a group never started closes every member without hooks, in reverse order of add", async () => {
    const { log, make } = recorder();
    const group = new ResourceGroup("g").add(make("a")).add(make("b"));
    const order: string[] = [];
    group.onTransition((e) => e.to === "closing" && order.push(e.resource));
    await group.close();
    assert.deepEqual(order, ["b", "a"]);
    assert.deepEqual(log, []);
  });

  it("onTransition forwards every member's transitions in order; the returned function stops it", async () => {
    const { make } = recorder();
    const group = new ResourceGroup("g").add(make("a"));
    const seen: string[] = [];
    const stop = group.onTransition((e) => seen.push(`${e.resource}:${e.to}`));
    group.add(make("b"));
    await group.start();
    stop();
    await group.close();
    assert.deepEqual(seen, ["a:initializing", "a:ready", "b:initializing", "b:ready"]);
  });
});
