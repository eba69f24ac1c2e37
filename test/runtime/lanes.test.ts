// A topic several hosts publish gets a ring per publishing host (src/runtime/lanes.ts). What users
// rely on: every message reaches every subscriber, each publisher's in its order, whether the reader
// is an instance or a tool reading from outside, and a publisher outside the instances still reaches
// them. And a host reading several rings (or topics) does not let one busy ring starve the others.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DictEncoder, SCHEMA_DICT } from "../../src/frame/index.js";
import { planLanes } from "../../src/runtime/lanes.js";
import type { EtherError } from "../../src/errors.js";
import { collect, fixtureSessions } from "../helpers/sessions.js";

const { C, session } = fixtureSessions("test/runtime/fixtures");

/** The n of each message with `tag`, in arrival order. */
const numbersOf = (messages: Record<string, unknown>[], tag: string): unknown[] => messages.filter((m) => m.tag === tag).map((m) => m.n);
const upTo = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

test("planLanes: a ring per publishing host for topics with two or more, named clear of every other topic", () => {
  const plan = planLanes(
    new Map([
      ["result", ["p2", "p4", "p8"]],
      ["alone", ["p2"]],
      ["x".repeat(127), ["a", "b"]],
    ]),
    new Set(["result", "result@2", "alone", "x".repeat(127)]),
  );
  assert.deepEqual(plan.get("result")?.rings, ["result", "result@3", "result@4"], "result@2 is a topic of its own");
  assert.deepEqual([...plan.get("result")!.writers], [["p2", "result"], ["p4", "result@3"], ["p8", "result@4"]]);
  assert.equal(plan.has("alone"), false, "one publisher: one ring");
  assert.equal(plan.has("x".repeat(127)), false, "no room for a lane's name: one shared ring");
});

test("two sources on a thread and a process publish one topic: an instance and an outside reader get all of it, each source in order", { timeout: 90_000 }, async () => {
  const count = 3000;
  const ether = await session({
    instances: {
      a: { class_path: C("TaggedSource"), kwargs: { tag: "a", count } },
      b: { class_path: C("TaggedSource"), kwargs: { tag: "b", count }, placement: "process" },
      relay: { class_path: C("TagRelay") },
    },
  });
  const engine = ether.engine!;
  assert.deepEqual(engine.rings("tagged"), ["tagged", "tagged@2"]);
  assert.deepEqual(engine.rings("tag-relayed"), ["tag-relayed"], "one publisher, one ring");
  // No single ring stands for the topic: reading one would silently miss the other sources.
  assert.throws(() => engine.topic("tagged"), (e: EtherError) => e.code === "ERR_ETHER_TOPIC_HAS_LANES" && /engine\.subscribe\("tagged"\)/.test(e.message));
  const tagged = engine.subscribe("tagged", { wait: "spin" });
  const relayed = engine.subscribe("tag-relayed", { wait: "spin" });
  await ether.start();
  // A publisher outside the instances writes the topic's own ring; the relay reads it too.
  const outside = engine.publisher("tagged");
  outside.publish(new DictEncoder().encode({ tag: "outside", n: 0 }), SCHEMA_DICT);
  const seen = await collect(tagged, 2 * count + 1, 30_000);
  const passed = await collect(relayed, 2 * count + 1, 30_000);
  for (const [what, got] of [["outside reader", seen], ["relay", passed]] as const) {
    assert.deepEqual(numbersOf(got, "a"), upTo(count), `${what}: a's messages, in order`);
    assert.deepEqual(numbersOf(got, "b"), upTo(count), `${what}: b's messages, in order`);
    assert.deepEqual(numbersOf(got, "outside"), [0], `${what}: the outside publisher's message`);
  }
  assert.equal(tagged.counts().delivered, 2 * count + 1);
  const totals = engine.stats("tagged");
  assert.equal(totals.published, 2 * count + 1, "counted over both rings");
  assert.deepEqual(totals.rings.map((r) => r.name), ["tagged", "tagged@2"]);
  outside.close();
  tagged.close();
  relayed.close();
  const report = await ether.shutdown();
  assert.equal(report.failed, false);
});

test("a host whose one subscription never runs dry still handles its others", { timeout: 90_000 }, async () => {
  const floodCount = 20_000;
  const ether = await session({
    instances: {
      flood: { class_path: C("Flood"), kwargs: { count: floodCount } },
      nudge: { class_path: C("Nudge") },
      reader: { class_path: C("FairReader") },
    },
    topics: { flood: { capacity: "64KiB" } },
  });
  const nudged = ether.engine!.subscribe("nudged", { wait: "spin" });
  await ether.start();
  const [answer] = await collect(nudged, 1, 60_000);
  assert.ok(answer !== undefined, "the nudge was handled");
  // The flood keeps the reader's first subscription full (each message takes it ~20 µs, the source
  // publishes far faster): before, the reader stayed on it until the whole flood was read.
  assert.ok((answer.floodSeen as number) < floodCount, `nudge handled after ${answer.floodSeen as number} of ${floodCount} flood messages`);
  nudged.close();
});

test("lanes: false keeps one shared ring, in which both sources' messages still all arrive in order", { timeout: 60_000 }, async () => {
  const count = 500;
  const ether = await session({
    instances: {
      a: { class_path: C("TaggedSource"), kwargs: { tag: "a", count } },
      b: { class_path: C("TaggedSource"), kwargs: { tag: "b", count } },
    },
    topics: { tagged: { lanes: false } },
  });
  const engine = ether.engine!;
  assert.deepEqual(engine.rings("tagged"), ["tagged"]);
  const tagged = engine.subscribe("tagged", { wait: "spin" });
  await ether.start();
  const seen = await collect(tagged, 2 * count, 30_000);
  assert.deepEqual(numbersOf(seen, "a"), upTo(count));
  assert.deepEqual(numbersOf(seen, "b"), upTo(count));
  tagged.close();
});
