// Sessions end to end: placement on threads, processes and the main thread with messages crossing
// between them, a handler that throws, invalid messages to the dead letter, plain classes afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { DictDecoder } from "../../src/frame/index.js";
import { listSegments, sessionPrefix } from "../../src/native/platform.js";
import { collect, fixtureSessions } from "../helpers/sessions.js";
import { BeatCounter, Doubler, Metronome, SlowSink, Thrower } from "./fixtures/components.js";

const { C, session } = fixtureSessions("test/runtime/fixtures");

test("thread -> process -> thread: every message crosses both ways, in order", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 50 } },
      doubler: { class_path: C("Doubler"), placement: "process" },
      relay: { class_path: C("Relay"), placement: "thread" },
    },
  });
  const relayed = ether.engine!.topic("relayed").subscriber({ wait: "spin" });
  await ether.start();
  const got = await collect(relayed, 50);
  assert.deepEqual(got.map((m) => m.n), Array.from({ length: 50 }, (_, i) => i * 2));
  assert.ok(got.every((m) => m.pid !== process.pid), "doubled in another process");
  assert.ok(got.every((m) => m.relayPid === process.pid && m.relayThread !== 0), "relayed on a worker thread of this process");
  const report = await ether.shutdown();
  assert.equal(report.failed, false);
  assert.deepEqual(listSegments(sessionPrefix(ether.sessionId!)), [], "nothing left in /dev/shm");
});

test("placement main: the instance runs on this thread beside the event loop", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 20 } },
      doubler: { class_path: C("Doubler"), placement: "main" },
    },
  });
  const doubled = ether.engine!.topic("doubled").subscriber({ wait: "spin" });
  await ether.start();
  const got = await collect(doubled, 20);
  assert.equal(got.length, 20);
  assert.ok(got.every((m) => m.pid === process.pid && m.thread === 0));
});

test("shutdown waits for a handler still running on a drop-oldest message, and delivers what it publishes", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("OneShot"), placement: "main" },
      relay: { class_path: C("SlowRelay"), placement: "thread" },
      sink: { class_path: C("SlowSink"), placement: "main" },
    },
    topics: { "slow-in": { policy: "drop-oldest" } },
  });
  const entered = ether.engine!.topic("relay-entered").subscriber({ wait: "spin" });
  await ether.start();
  await collect(entered, 1);
  // The relay's reader copied the frame out and moved its cursor: only the handler still holds it.
  // The sink's host (the main thread's) is stopped before the relay's, so the drain must wait for it.
  const report = await ether.shutdown();
  assert.equal(report.failed, false);
  assert.equal(SlowSink.got, 1, "the relay's result was delivered before the hosts stopped");
});

test("an instance slower to initialize than session.start_timeout fails the start clearly; a longer timeout lets it start", { timeout: 60_000 }, async () => {
  const slow = { model: { class_path: C("SlowToLoad"), kwargs: { ms: 1500 } } };
  const ether = await session({ session: { start_timeout: "300ms" }, instances: slow });
  await assert.rejects(ether.start(), /host "model" \(instance "model"\) was not ready within 300 ms: its constructor or initialize\(\) is still running.*raise session\.start_timeout/);
  await ether.shutdown();
  const patient = await session({ session: { start_timeout: "20s" }, instances: slow });
  await patient.start();
  assert.equal((await patient.shutdown()).failed, false);
});

test("an async @start method that runs as long as the instance: its @sub methods are served meanwhile; not a hung handler; shutdown ends it", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      server: { class_path: C("Server"), handler_timeout: "100ms" },
      source: { class_path: C("Source"), kwargs: { count: 5 } },
    },
  });
  const served = ether.engine!.topic("served").subscriber({ wait: "spin" });
  await ether.start();
  assert.deepEqual((await collect(served, 5)).map((m) => m.n), [0, 1, 2, 3, 4], "answered while serve() runs");
  await sleep(500); // five handler timeouts
  const status = ether.status().find((s) => s.instance === "server");
  assert.equal(status!.state, "ready");
  assert.equal(status!.health, "ok");
  assert.equal(status!.restarts, 0);
  const report = await ether.shutdown();
  assert.equal(report.failed, false);
});

test("an async @start that fails ends its host when the instance restarts on failure", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: { device: { class_path: C("FailingStart"), restart: { policy: "on-failure", max: 1, delay: "10ms" } } },
  });
  await ether.start();
  const until = performance.now() + 20_000;
  let status = ether.status()[0]!;
  while (!(status.restarts === 1 && status.state === "failed") && performance.now() < until) {
    await sleep(10);
    status = ether.status()[0]!;
  }
  assert.equal(status.restarts, 1, "restarted once after the first failure");
  assert.equal(status.state, "failed", "and failed for good after the second");
  assert.match(status.reason ?? "", /lost the device/);
  assert.equal((await ether.shutdown()).failed, true);
});

test("a handler that throws the same error on every message: counted every time, logged with a repeat count", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 300 } },
      failing: { class_path: C("AlwaysThrows") },
    },
  });
  const log = ether.engine!.topic("ether/log").subscriber({ wait: "spin" });
  await ether.start();
  await sleep(200);
  const report = await ether.shutdown();
  assert.equal(report.handlerErrors, 300, "every throw counted");
  const decoder = new DictDecoder();
  const lines: Record<string, unknown>[] = [];
  log.poll((f) => lines.push(structuredClone(decoder.decode(f.buffer, f.offset, f.length))));
  const errors = lines.filter((l) => l.level === "error" && l.instance === "failing");
  assert.ok(errors.length >= 2 && errors.length < 10, `a few lines, not one per throw: ${errors.length}`);
  assert.equal(errors[0]!.message, "handler threw: sensor offline");
  // A printed line stands for one throw; a repeat line for the `repeated` throws it counts.
  const told = errors.reduce((n, l) => n + ((l.repeated as number | undefined) ?? 1), 0);
  assert.equal(told, 300, "the printed lines and their repeat counts account for every throw");
  assert.match(String(errors.at(-1)!.message), /^handler threw: sensor offline \(repeated \d+ more times in \d+ ms\)$/);
});

for (const placement of ["thread", "process"] as const) {
  test(`a component's own timer runs at its rate on an idle ${placement} host (the host parks without blocking its event loop)`, { timeout: 60_000 }, async () => {
    const ether = await session({ instances: { timer: { class_path: C("OwnTimer"), placement } } });
    const ticks = ether.engine!.topic("own-ticks").subscriber({ wait: "spin" });
    await ether.start();
    await collect(ticks, 1); // it runs
    // The same 5 ms interval on this thread, over the same window, is the reference.
    let reference = 0;
    const timer = setInterval(() => reference++, 5);
    let got = 0;
    const until = performance.now() + 500;
    while (performance.now() < until) {
      got += ticks.poll(() => {});
      await sleep(2);
    }
    clearInterval(timer);
    await ether.shutdown();
    // A host parked in a blocking wait ran its event loop only every 100 ms: ~5 ticks instead of ~100.
    assert.ok(got >= reference / 2, `${got} ticks from the component against ${reference} here`);
  });
}

test("shutdown stops @every methods first, then delivers what is in flight", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      metronome: { class_path: C("Metronome"), placement: "main" },
      counter: { class_path: C("BeatCounter"), placement: "main" },
    },
  });
  await ether.start();
  while (Metronome.beats < 20) await sleep(2);
  const beatsAtShutdown = Metronome.beats;
  const report = await ether.shutdown();
  assert.equal(report.failed, false);
  // Before, the drain ran to its 2 s deadline while the metronome kept beating into the topic it drained.
  assert.equal(Metronome.beats, beatsAtShutdown, "no beat once shutdown began");
  assert.equal(BeatCounter.got, Metronome.beats, "every beat delivered");
});

test("a handler that throws is logged with instance, method and topic, counted, and the session runs on", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 12 } },
      thrower: { class_path: C("Thrower") },
    },
  });
  const survived = ether.engine!.topic("survived").subscriber({ wait: "spin" });
  const log = ether.engine!.topic("ether/log").subscriber({ wait: "spin" });
  await ether.start();
  const got = await collect(survived, 8);
  assert.deepEqual(got.map((m) => m.n), [1, 2, 4, 5, 7, 8, 10, 11]);
  const lines = await collect(log, 4);
  const errors = lines.filter((l) => l.level === "error");
  assert.equal(errors.length, 4);
  for (const e of errors) {
    assert.equal(e.instance, "thrower");
    assert.equal(e.method, "maybeThrow");
    assert.equal(e.topic, "numbers");
    assert.match(String(e.message), /handler threw: cannot take (0|3|6|9)/);
  }
  const report = await ether.shutdown();
  assert.equal(report.handlerErrors, 4);
  assert.equal(report.failed, true, "a session with handler errors reports failure");
});

test("invalid messages go to ether/dead-letter with the reason; valid ones still flow", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      mixed: { class_path: C("MixedSource") },
      strict: { class_path: C("Strict") },
    },
  });
  const valid = ether.engine!.topic("valid").subscriber({ wait: "spin" });
  const dead = ether.engine!.topic("ether/dead-letter").subscriber({ wait: "spin" });
  await ether.start();
  assert.deepEqual((await collect(valid, 3)).map((m) => m.n), [1, 3, 5]);
  const letters = await collect(dead, 2);
  assert.equal(letters.length, 2);
  for (const l of letters) {
    assert.equal(l.topic, "mixed");
    assert.equal(l.instance, "strict");
    assert.equal(l.method, "check");
    assert.match(String(l.reason), /n/);
  }
  assert.equal(ether.engine!.space.stats("mixed").invalid, 2);
  assert.equal((await ether.shutdown()).invalid, 2);
});

test("decorated classes are plain classes outside a session and after shutdown", { timeout: 60_000 }, async () => {
  assert.deepEqual(new Doubler().double({ n: 4 }).n, 8);
  const ether = await session({ instances: { source: { class_path: C("Source"), kwargs: { count: 1 } }, doubler: { class_path: C("Doubler") } } });
  await ether.start();
  await ether.shutdown();
  const d = new Doubler();
  assert.equal(d.double({ n: 5 }).n, 10);
  assert.throws(() => new Thrower().maybeThrow({ n: 3 }), /cannot take 3/);
});

test("an async handler keeps order, and its zero-copy typed arrays stay valid across awaits", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: { source: { class_path: C("WaveSource"), kwargs: { count: 40 } }, summer: { class_path: C("AsyncSummer") } },
    topics: { waves: { capacity: "256KiB", max_frame: "32KiB" } },
  });
  const sums = ether.engine!.topic("sums").subscriber({ wait: "spin" });
  await ether.start();
  const got = await collect(sums, 40);
  assert.deepEqual(got.map((m) => m.i), Array.from({ length: 40 }, (_, i) => i), "in order");
  assert.ok(got.every((m) => m.sum === (m.i as number) * 4096), "every frame intact after the awaits");
  assert.ok(got.every((m) => m.inPlace === true), "the samples were views into shared memory");
});

test("a host that dies is reported (log, status, ether/lifecycle); the rest runs on; shutdown says failed, no hang", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 5 } },
      doubler: { class_path: C("Doubler"), placement: "process" },
      relay: { class_path: C("Relay") },
    },
  });
  const relayed = ether.engine!.topic("relayed").subscriber({ wait: "spin" });
  const lifecycle = ether.engine!.topic("ether/lifecycle").subscriber({ wait: "spin" });
  await ether.start();
  assert.equal((await collect(relayed, 5)).length, 5);
  const doubler = ether.status().find((h) => h.host === "doubler")!;
  assert.equal(doubler.state, "ready");
  assert.notEqual(doubler.pid, process.pid);
  process.kill(doubler.pid, "SIGKILL");
  let states = ether.status();
  for (let i = 0; i < 2000 && states.find((h) => h.host === "doubler")!.state !== "failed"; i++) {
    await sleep(5);
    states = ether.status();
  }
  const dead = states.find((h) => h.host === "doubler")!;
  assert.equal(dead.state, "failed");
  assert.match(dead.reason ?? "", /exited unexpectedly \(signal SIGKILL\)/);
  assert.ok(states.filter((h) => h.host !== "doubler").every((h) => h.state === "ready"), "the others run on");
  const records = await collect(lifecycle, 7);
  assert.ok(records.some((r) => r.host === "doubler" && r.to === "failed"), "the failure was published on ether/lifecycle");
  const report = await ether.shutdown();
  assert.equal(report.failed, true);
  assert.deepEqual(ether.status().map((h) => h.state), ["closed", "closed", "closed"], "every instance is closed after shutdown");
  assert.deepEqual(ether.status().map((h) => `${h.instance}:${h.failed}`), ["source:false", "doubler:true", "relay:false"]);
  assert.deepEqual(listSegments(sessionPrefix(ether.sessionId!)), []);
});

test("a thread host that dies is detached from its topics: block publishers do not wait for it", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 2000 } },
      crasher: { class_path: C("Crasher") },
      doubler: { class_path: C("Doubler") },
    },
    topics: { numbers: { capacity: "4KiB", policy: "block" } },
    session: { block_timeout: "60s" },
  });
  const doubled = ether.engine!.topic("doubled").subscriber({ wait: "spin" });
  await ether.start();
  const got = await collect(doubled, 2000, 30_000);
  assert.equal(got.length, 2000, "every number reached the live subscriber");
  assert.equal(ether.status().find((h) => h.host === "crasher")!.state, "failed");
  assert.match(ether.status().find((h) => h.host === "crasher")!.reason ?? "", /exit code 3/);
  assert.equal(ether.engine!.topic("numbers").faults().detachedSubscribers, 1);
  assert.equal((await ether.shutdown()).failed, true);
});

test("what a @sub @pub handler returns is published as a direct call would: undefined as {}, skip as nothing, a mistake as a handler error, a promise once settled, an override once", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 7 } },
      picky: { class_path: C("Picky") },
      asyncPicky: { class_path: C("AsyncPicky") },
      derived: { class_path: C("DerivedPicker") },
    },
  });
  const picked = ether.engine!.topic("picked").subscriber({ wait: "spin" });
  const asyncPicked = ether.engine!.topic("async-picked").subscriber({ wait: "spin" });
  const based = ether.engine!.topic("based").subscriber({ wait: "spin" });
  await ether.start();
  assert.deepEqual(await collect(based, 7), Array.from({ length: 7 }, (_, n) => ({ n, by: "derived" })));
  assert.deepEqual(await collect(asyncPicked, 4), [{ n: 0 }, { n: 2 }, { n: 4 }, { n: 6 }]);
  assert.deepEqual(await collect(picked, 3), [{}, { n: 2 }, { n: 6 }]);
  // Once the three handlers have taken all 7 numbers, nothing more was published than that.
  const engine = ether.engine!;
  for (const until = performance.now() + 20_000; engine.stats("numbers").delivered < 21 && performance.now() < until; ) await sleep(5);
  assert.equal(engine.stats("numbers").delivered, 21);
  assert.deepEqual(["picked", "async-picked", "based"].map((t) => engine.stats(t).published), [3, 4, 7], "skip and the mistake publish nothing; the override publishes once");
  const report = await ether.shutdown();
  assert.equal(report.handlerErrors, 1, "returning a string is a mistake, logged and counted");
});
