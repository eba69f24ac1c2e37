// Holds bindings/RING_FORMAT.md and the layout constants together: every table row that names a
// constant must give that constant's value as its offset, and every *_OFFSET constant must be in the spec.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ring from "../../src/transport/ring-layout.js";
import * as session from "../../src/transport/session-layout.js";
import { projectRoot } from "../helpers/paths.js";

const constants: Record<string, unknown> = { ...ring, ...session };
const spec = readFileSync(`${projectRoot}/bindings/RING_FORMAT.md`, "utf8");
const rows = [...spec.matchAll(/^\| (\d+) \| (\d+|n) \| `([A-Z_]+)` \|/gm)].map((m) => ({
  offset: Number(m[1]),
  name: m[3]!,
}));

test("every offset in RING_FORMAT.md matches its constant", () => {
  assert.ok(rows.length > 50, `expected the spec tables, found ${rows.length} rows`);
  for (const row of rows) {
    assert.equal(constants[row.name], row.offset, `${row.name}: spec says ${row.offset}, code says ${String(constants[row.name])}`);
  }
});

test("every *_OFFSET constant is specified", () => {
  const specified = new Set(rows.map((r) => r.name));
  const missing = Object.keys(constants).filter((k) => k.endsWith("_OFFSET") && !specified.has(k));
  assert.deepEqual(missing, []);
});

test("magic values and versions in the spec match the code", () => {
  assert.match(spec, new RegExp(`0x${ring.TOPIC_MAGIC.toString(16)}`, "i"));
  assert.match(spec, new RegExp(`0x${session.SESSION_MAGIC.toString(16)}`, "i"));
  assert.match(spec, new RegExp(`version ${ring.TOPIC_VERSION}\\b`));
  assert.equal(ring.TOPIC_VERSION, session.SESSION_VERSION);
});

test("producer and consumer words sit on separate 128-byte line pairs", () => {
  const lines = [ring.TOPIC_HEAD_OFFSET, ring.TOPIC_TAIL_OFFSET, ring.TOPIC_READERS_PARKED_OFFSET, ring.TOPIC_TABLES_START];
  for (let i = 1; i < lines.length; i++) assert.ok(lines[i]! - lines[i - 1]! >= ring.LINE_PAIR);
  assert.equal(ring.SUB_SLOT_LENGTH % ring.LINE_PAIR, 0);
  assert.equal(ring.PUB_SLOT_LENGTH % ring.LINE_PAIR, 0);
  assert.equal(ring.recordLength(0), ring.FRAME_HEADER_LENGTH);
  assert.equal(ring.recordLength(1), 40);
});

test("each counter group is one writer's own whole line pairs, and holds its counters", () => {
  const pubBytes = session.PUB_COUNTER_WORDS * 8;
  const subBytes = session.SUB_COUNTER_WORDS * 8;
  assert.equal(pubBytes % ring.LINE_PAIR, 0);
  assert.equal(subBytes % ring.LINE_PAIR, 0);
  assert.ok(session.PUB_COUNTER_WORDS >= Object.keys(session.PUB_COUNTERS).length);
  assert.ok(session.SUB_COUNTER_WORDS >= session.SUB_COUNTERS.latencyHistogram + session.LATENCY_BUCKETS);
  assert.equal(session.subCountersOffset(8, 0) % ring.LINE_PAIR, 0);
  assert.equal(session.pubCountersOffset(1) - session.pubCountersOffset(0), pubBytes);
});
