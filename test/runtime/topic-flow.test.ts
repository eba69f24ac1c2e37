// What flowed: a session's shutdown report counts, per topic, the messages published and delivered
// (each reader counted), the bytes and the losses, names the subscribing instances, and logs a line
// per topic; the ether/ topics are left out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { approxBytes, flowLine } from "../../src/runtime/topic-flow.js";
import { collect, fixtureSessions } from "../helpers/sessions.js";

const { C, session } = fixtureSessions("test/runtime/fixtures");

test("a flow line: counts with separators, rounded bytes, subscribers, and losses only when there were some", () => {
  const flow = { name: "data", published: 12000, bytes: 768000, delivered: 24000, dropped: 0, invalid: 0, rejected: 0, subscribers: ["p2", "p4"] };
  assert.equal(flowLine(flow), 'topic "data": 12,000 published (750 KiB), 24,000 delivered to p2, p4');
  assert.equal(
    flowLine({ ...flow, dropped: 5, invalid: 1, rejected: 1200 }),
    'topic "data": 12,000 published (750 KiB), 24,000 delivered to p2, p4; 5 dropped (drop-oldest), 1 invalid, 1,200 not published (ring full)',
  );
  assert.equal(flowLine({ ...flow, subscribers: [] }), 'topic "data": 12,000 published (750 KiB), 24,000 delivered to readers outside the config\'s instances');
  assert.equal(flowLine({ ...flow, delivered: 0, subscribers: [] }), 'topic "data": 12,000 published (750 KiB), no subscriber');
  assert.deepEqual([0, 1, 1023, 1024, 1536, 263 * 1024, 3.96 * 1024 * 1024, 5 * 2 ** 40].map(approxBytes), ["0 bytes", "1 byte", "1023 bytes", "1 KiB", "1.5 KiB", "263 KiB", "4 MiB", "5 TiB"]);
});

test("shutdown reports what flowed through each topic of the session", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      source: { class_path: C("Source"), kwargs: { count: 20 } },
      doubler: { class_path: C("Doubler") },
    },
  });
  const doubled = ether.engine!.subscribe("doubled");
  await ether.start();
  assert.equal((await collect(doubled, 20)).length, 20);
  const report = await ether.shutdown();
  const byName = new Map(report.topics.map((t) => [t.name, t]));
  assert.deepEqual([...byName.keys()].sort(), ["doubled", "numbers"], "the ether/ topics are left out");
  const numbers = byName.get("numbers")!;
  assert.deepEqual([numbers.published, numbers.delivered, numbers.dropped, numbers.rejected], [20, 20, 0, 0]);
  assert.deepEqual(numbers.subscribers, ["doubler"]);
  assert.ok(numbers.bytes > 20 * 8, `${numbers.bytes} bytes for 20 dict messages`);
  const out = byName.get("doubled")!;
  assert.equal(out.published, 20);
  assert.equal(out.delivered, 20, "read by this test's subscriber");
  assert.deepEqual(out.subscribers, []);
});
