// A host told to stop before it was told to go (a restart that shutdown caught half way) stops at
// once: it runs nothing, leaves its topics, reports "stopped" and exits 0, on a thread or a process.
// A main-thread host whose handlers keep failing slowly still lets shutdown through.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/runtime/config/index.js";
import { launchHost } from "../../src/runtime/launcher.js";
import type { HostSpec } from "../../src/runtime/host-spec.js";
import { LOG_TOPIC } from "../../src/runtime/host-runner.js";
import { DictDecoder } from "../../src/frame/index.js";
import { SharedSpace, Topic } from "../../src/transport/index.js";
import * as L from "../../src/transport/ring-layout.js";
import { distPath } from "../helpers/paths.js";
import { collect, fixtureSessions } from "../helpers/sessions.js";

for (const placement of ["thread", "process"] as const) {
  test(`a ${placement} host stopped before "go" runs nothing and exits cleanly`, { timeout: 60_000 }, async () => {
    const config = await loadConfig({ instances: { doubler: { class_path: "./components.js#Doubler" } } }, { cwd: distPath("test/runtime/fixtures") });
    const space = SharedSpace.create({ transport: placement === "process" ? "shm" : "threads" });
    try {
      const topics = Object.fromEntries(["numbers", "doubled", LOG_TOPIC].map((name) => [name, space.createTopic(name)]));
      const spec: HostSpec = {
        sessionId: space.sessionId,
        hostName: "doubler",
        placement,
        instances: [{ name: "doubler", class: config.instances[0]!.class, kwargs: {}, index: 0, failOnHandlerError: false }],
        registry: [],
        topics,
        wait: "hybrid",
        logLevel: "error",
      };
      const host = launchHost(spec);
      const subscribed = await host.next("subscribed");
      assert.equal(subscribed.slots.length, 1);
      const numbers = Topic.attach(topics["numbers"]!);
      host.send({ type: "stop" });
      const stopped = await host.next("stopped", 20_000);
      assert.equal(stopped.counts.delivered, 0, "nothing ran");
      await host.exited;
      assert.equal(host.exitInfo(), "exit code 0");
      const seg = numbers.segment;
      const state = (seg.subTableOffset + subscribed.slots[0]!.slot * L.SUB_SLOT_LENGTH + L.SUB_STATE_OFFSET) >> 2;
      assert.equal(Atomics.load(seg.i32, state), L.SLOT_FREE, "it left its topics");
    } finally {
      space.close();
    }
  });
}

test("a main-thread handler whose publishes wait out block_timeout, with a backlog behind it: shutdown still ends", { timeout: 60_000 }, async () => {
  // The relay runs on this thread and publishes to `doubled`, whose one reader (below) never reads:
  // every publish waits block_timeout (100 ms), then throws. 2 000 messages wait behind the first; a
  // host that handled them in batches of 256 before yielding would hold shutdown for minutes.
  const { session } = fixtureSessions("test/runtime/fixtures");
  const ether = await session({
    session: { block_timeout: "100ms" },
    instances: {
      source: { class_path: "./components.js#Source", kwargs: { count: 2000 } },
      relay: { class_path: "./components.js#Doubler", placement: "main" },
    },
    topics: { doubled: { capacity: "4KiB", max_frame: "256B" } },
  });
  ether.engine!.subscribe("doubled"); // a reader that never reads
  const numbers = ether.engine!.subscribe("numbers");
  await ether.start();
  await collect(numbers, 2000); // every number was published: the relay has its backlog
  const report = await ether.shutdown();
  assert.equal(report.failed, true, "the relay's handler errors are reported");
  const doubled = report.topics.find((t) => t.name === "doubled")!;
  assert.ok(doubled.published < 2000, `the ring filled (${doubled.published} published)`);
});

test("a host with slow async handlers and a backlog stops after the message in hand when the session shuts down", { timeout: 60_000 }, async () => {
  // 100 messages of 200 ms each wait for the model: handling them all would take 20 s, past the 5 s
  // a stopping host gets before it is killed (the report would say failed).
  const { session } = fixtureSessions("test/runtime/fixtures");
  const ether = await session({
    instances: {
      source: { class_path: "./components.js#Source", kwargs: { count: 100 } },
      model: { class_path: "./slow-async.js#SlowModel", kwargs: { ms: 200 } },
    },
  });
  const numbers = ether.engine!.subscribe("numbers");
  await ether.start();
  await collect(numbers, 100);
  const report = await ether.shutdown();
  assert.equal(report.failed, false, "the model stopped in time, not killed");
  const flow = report.topics.find((t) => t.name === "numbers")!;
  assert.ok(flow.delivered < 200, `the model left its backlog (${flow.delivered - 100} of 100 handled)`);
});

test("a main-thread instance whose cleanup() never ends: shutdown goes on without it and says so", { timeout: 60_000 }, async () => {
  const { session } = fixtureSessions("test/runtime/fixtures");
  const ether = await session({
    instances: {
      source: { class_path: "./components.js#Source", kwargs: { count: 5 } },
      stuck: { class_path: "./slow-async.js#StuckCleanup", placement: "main" },
    },
  });
  await ether.start();
  const report = await ether.shutdown(); // before: waited for the cleanup forever
  assert.equal(report.failed, true, "a host that did not stop is a failure");
});

for (const placement of ["thread", "process"] as const) test(`a ${placement} host blocked in a publish to a reader that stopped reading gives up when the session stops it, and says so`, { timeout: 60_000 }, async () => {
  // The source publishes 2 000 numbers from its @start into a 4 KiB ring whose one reader (below) never
  // reads: it waits for space (block_timeout 60 s) and cannot hear the stop message meanwhile. Before,
  // it was killed after 5 s and the report said failed.
  const COUNT = 2000;
  const { session } = fixtureSessions("test/runtime/fixtures");
  const ether = await session({
    session: { block_timeout: "60s" },
    instances: { source: { class_path: "./components.js#Source", kwargs: { count: COUNT }, placement } },
    topics: { numbers: { capacity: "4KiB", max_frame: "256B" } },
  });
  ether.engine!.subscribe("numbers"); // a reader that never reads
  const log = ether.engine!.topic("ether/log").subscriber({ wait: "spin" });
  await ether.start();
  const report = await ether.shutdown();
  assert.equal(report.failed, false, "the source stopped by itself, not killed");
  const numbers = report.topics.find((t) => t.name === "numbers")!;
  assert.ok(numbers.published > 0 && numbers.rejected > 0, `the ring filled, then the rest was given up (${JSON.stringify(numbers)})`);
  assert.equal(numbers.published + numbers.rejected, COUNT, "every message is published or counted as not published");
  assert.equal(report.rejected, numbers.rejected);
  const decoder = new DictDecoder();
  const warnings: Record<string, unknown>[] = [];
  log.poll((f) => {
    const line = decoder.decode(f.buffer, f.offset, f.length);
    if (line.level === "warn" && line.topic === "numbers") warnings.push(structuredClone(line));
  });
  let told = 0;
  for (const w of warnings) {
    assert.equal(w.instance, "source");
    assert.equal(w.method, "emit");
    const m = /^(\d+) messages? not published in the last [\d.]+ s: the host was stopping and a reader of the topic had stopped reading/.exec(String(w.message));
    assert.ok(m !== null, String(w.message));
    told += Number(m[1]);
  }
  assert.equal(told, numbers.rejected, "the warnings account for every message given up");
});
