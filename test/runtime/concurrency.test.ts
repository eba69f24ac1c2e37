// @sub(topic, { concurrency: n }): up to n calls of an async handler run at once. They start in
// message order and finish in any; each message's frame stays held until its call settles, so its
// typed arrays (views of the ring) hold its data although the publisher fills a small ring meanwhile.
// A restartable instance whose call fails goes on from its oldest unfinished message; shutdown waits
// for the calls in flight.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collect, fixtureSessions } from "../helpers/sessions.js";

const { session } = fixtureSessions("test/runtime/fixtures");
const COUNT = 100;

const REGISTRY = { "./concurrent.js#PlainModel": { methods: { work: { ether_sub: { topic: "numbers", concurrency: 4 }, ether_pub: { topic: "done" } } } } };

for (const [placement, how] of [["thread", "@sub"], ["process", "@sub"], ["main", "@sub"], ["thread", "registry"]] as const) {
  test(`concurrency 4 (${how}) on a ${placement} host: calls overlap, start in order, finish out of order, every view intact`, { timeout: 60_000 }, async () => {
    const ether = await session({
      instances: {
        model: { class_path: how === "@sub" ? "./concurrent.js#ParallelModel" : "./concurrent.js#PlainModel", placement },
        source: { class_path: "./concurrent.js#SampleSource", kwargs: { count: COUNT } },
      },
      ...(how === "registry" ? { registry: REGISTRY } : {}),
      topics: { numbers: { capacity: "8KiB", max_frame: "1KiB" } }, // ~11 messages: the source waits for the model
    });
    const done = ether.engine!.subscribe("done");
    await ether.start();
    const reports = await collect(done, COUNT);
    assert.equal(reports.length, COUNT);
    assert.deepEqual(reports.map((r) => r.n).sort((a, b) => Number(a) - Number(b)), Array.from({ length: COUNT }, (_, n) => n), "each message once");
    for (const r of reports) {
      assert.equal(r.startedAs, r.n, "calls start in message order");
      assert.equal(r.intact, true, `message ${String(r.n)}'s samples were not written over while its call ran`);
      assert.ok(Number(r.maxRunning) <= 4, `at most 4 at once (${String(r.maxRunning)})`);
    }
    assert.ok(Math.max(...reports.map((r) => Number(r.maxRunning))) >= 2, "calls ran at once");
    assert.ok(reports.some((r, i) => r.n !== i), "some finished before an earlier one");
    const report = await ether.shutdown();
    assert.equal(report.failed, false);
    assert.equal(report.topics.find((t) => t.name === "numbers")!.delivered, COUNT);
  });
}

test("a restartable instance whose concurrent call fails is restarted and goes on from its oldest unfinished message", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      model: { class_path: "./concurrent.js#FlakyParallel", kwargs: { failOn: 10 }, restart: { policy: "on-failure", delay: "10ms" } },
      source: { class_path: "./concurrent.js#SampleSource", kwargs: { count: 40 } },
    },
    topics: { numbers: { capacity: "8KiB", max_frame: "1KiB" } },
  });
  const done = ether.engine!.subscribe("done");
  await ether.start();
  const reports = await collect(done, 39);
  const seen = new Set(reports.map((r) => r.n));
  for (let n = 0; n < 40; n++) if (n !== 10) assert.ok(seen.has(n), `message ${n} was handled (at least once)`);
  assert.equal(seen.has(10), false);
  const report = await ether.shutdown();
  assert.equal(report.restarts, 1);
});

test("shutdown waits for the calls in flight, then stops cleanly", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      model: { class_path: "./concurrent.js#FlakyParallel", kwargs: { ms: 300 } },
      source: { class_path: "./concurrent.js#SampleSource", kwargs: { count: 8 } },
    },
  });
  const done = ether.engine!.subscribe("done");
  await ether.start();
  const report = await ether.shutdown(); // four calls of 300 ms are running, four messages wait
  assert.equal(report.failed, false, "not killed");
  const finished = await collect(done, 8, 2000);
  assert.ok(finished.length >= 4, `the calls in flight finished and published (${finished.length})`);
});
