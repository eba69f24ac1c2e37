// @sub(topic, { concurrency: n }): up to n calls of an async handler run at once. They start in
// message order and finish in any; each message's frame stays held until its call settles, so its
// typed arrays (views of the ring) hold its data although the publisher fills a small ring meanwhile.
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
