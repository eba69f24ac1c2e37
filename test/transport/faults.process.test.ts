// Faults between processes: kill -9 of a publisher in the middle of a frame, of a subscriber, of a
// whole session; cleanup of /dev/shm; bad segments. Every child is killed and every segment removed
// even when a test fails.
import { after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { SharedSpace, Topic, shmSegmentStore, type TopicHandle } from "../../src/transport/index.js";
import { TOPIC_READERS_PARKED_OFFSET } from "../../src/transport/ring-layout.js";
import { listSegments, shmCreate, shmUnlink } from "../../src/native/platform.js";
import { EtherError } from "../../src/errors.js";
import { checksumFrame } from "../helpers/frames.js";
import { killChild, killChildren, startChild } from "../helpers/children.js";
import { closeSpaces, spaceFor } from "../helpers/transports.js";

const ROLES = "test/transport/fixtures/fault-roles.js";

afterEach(closeSpaces);
after(killChildren);

function sessionSegments(space: SharedSpace): string[] {
  const short = space.sessionId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
  return listSegments(`/ether-${short}-`);
}

test("kill -9 of a publisher holding a half-written frame: no torn frame, the others go on", { timeout: 30_000 }, async () => {
  const space = spaceFor("shm");
  const data: TopicHandle = space.createTopic("data", { capacity: 1 << 16, policy: "block" });
  const topic = Topic.attach(data);
  const sub = topic.subscriber({ wait: "spin" });
  const { child } = await startChild(ROLES, { role: "claim-and-hang", data, size: 512 });
  await killChild(child);
  // A reader joining now needs a moment with no claim in flight: it recovers the dead claim itself.
  const late = topic.subscriber({ wait: "spin" });
  const pub = topic.publisher();
  // These do not wait for the dead claim: they are written and wait behind it. The reader, finding TAIL
  // stuck short of HEAD while it waits, checks the claim's owner, recovers the claim, and gets them.
  for (let i = 0; i < 3; i++) pub.publish(new Uint8Array(64).fill(i + 1));
  const got: number[][] = [];
  const deadline = performance.now() + 10_000;
  while (got.length < 3 && performance.now() < deadline) {
    sub.wait(200);
    sub.poll((f) => got.push([f.seq, f.length, f.buffer[f.offset]!]));
  }
  assert.deepEqual(got, [
    [0, 64, 1],
    [1, 64, 2],
    [2, 64, 3],
  ]);
  assert.equal(topic.faults().recoveredClaims, 1);
  assert.equal(sub.counts().dropped, 0);
  const lateSeqs: number[] = [];
  late.poll((f) => lateSeqs.push(f.seq));
  assert.deepEqual(lateSeqs, [0, 1, 2], "the late reader joined before the three frames");
});

test("kill -9 of a publisher at random moments mid-stream: readers never see a torn frame, never hang", { timeout: 60_000 }, async () => {
  for (const delay of [5, 23, 61, 97, 150]) {
    const space = spaceFor("shm");
    const data = space.createTopic("data", { capacity: 1 << 14, maxFrame: 1024, policy: "block" });
    const topic = Topic.attach(data);
    const sub = topic.subscriber({ wait: "spin" });
    let bad = 0;
    let frames = 0;
    let marker = false;
    const handler = (f: { buffer: Uint8Array; offset: number; length: number }): void => {
      if (f.length === 3) marker = true;
      else if (checksumFrame(f.buffer, f.offset, f.length) === undefined) bad++;
      else frames++;
    };
    const { child } = await startChild(ROLES, { role: "publish-forever", data, maxSize: 1000 });
    const until = performance.now() + delay;
    while (performance.now() < until) {
      sub.poll(handler);
      await sleep(0);
    }
    await killChild(child);
    sub.poll(handler);
    topic.publisher().publish(new Uint8Array(3));
    for (let i = 0; !marker && i < 1000; i++) {
      sub.poll(handler);
      if (!marker) await sleep(1);
    }
    assert.ok(marker, `the stream goes on after the kill (delay ${delay} ms)`);
    assert.equal(bad, 0, "no torn frame");
    assert.ok(frames > 0);
    closeSpaces();
  }
});

for (const park of [false, true]) {
  test(`kill -9 of a ${park ? "parked" : "busy"} subscriber: a block publisher is not held; the reader is detached and counted`, { timeout: 30_000 }, async () => {
    const space = spaceFor("shm");
    const data = space.createTopic("data", { capacity: 1 << 14, maxFrame: 1024, policy: "block", blockTimeoutMs: 10_000 });
    const topic = Topic.attach(data);
    const live = topic.subscriber({ wait: "spin" });
    const { child } = await startChild(ROLES, { role: "subscribe-and-hang", data, park });
    if (park) await sleep(50); // let it park
    await killChild(child);
    const pub = topic.publisher();
    let delivered = 0;
    for (let i = 0; i < 100; i++) {
      pub.publish(new Uint8Array(1000)); // 100 KB through a 16 KB ring: needs the dead reader gone
      delivered += live.poll(() => {});
    }
    delivered += live.poll(() => {});
    assert.equal(delivered, 100, "the live subscriber lost nothing");
    assert.equal(topic.faults().detachedSubscribers, 1);
    assert.equal(Atomics.load(topic.segment.i32, TOPIC_READERS_PARKED_OFFSET >> 2), 0, "the dead reader's park is undone");
  });
}

test("after close() /dev/shm holds nothing of the session", { timeout: 30_000 }, () => {
  const space = SharedSpace.create({ transport: "shm" });
  const topic = Topic.attach(space.createTopic("a"));
  space.createTopic("b");
  topic.publisher().publish(new Uint8Array(8));
  assert.equal(sessionSegments(space).length, 3);
  space.close();
  assert.deepEqual(sessionSegments(space), []);
});

test("segments of a session whose process was killed are reaped at the next start", { timeout: 30_000 }, async () => {
  const { child, first } = await startChild<{ sessionId: string; segments: string[] }>(ROLES, { role: "create-session-and-hang" });
  await killChild(child);
  const short = first.sessionId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8);
  assert.equal(listSegments(`/ether-${short}-`).length, 3, "the dead session left its segments");
  spaceFor("shm");
  assert.deepEqual(listSegments(`/ether-${short}-`), [], "the next start removed them");
});

test("bad segments: missing, foreign, and larger than /dev/shm are clear errors", { timeout: 30_000 }, () => {
  const space = spaceFor("shm");
  const handle = space.createTopic("t");
  const missing = { ...handle, ringSegmentName: "/ether-nothere-topic-00000000000000000000000000000000" };
  assert.throws(() => Topic.attach(missing), (e: EtherError) => e.code === "ERR_ETHER_SHM" && e.message.includes(missing.ringSegmentName));
  const foreignName = "/ether-foreign-topic-0123456789abcdef0123456789abcdef";
  shmCreate(foreignName, 8192);
  try {
    assert.throws(() => Topic.attach({ ...handle, ringSegmentName: foreignName }), (e: EtherError) => e.code === "ERR_ETHER_BAD_MAGIC");
  } finally {
    shmUnlink(foreignName);
  }
  const before = listSegments();
  assert.throws(
    () => shmSegmentStore().create(space.sessionId, "topic", 2 ** 42),
    (e: EtherError) => e.code === "ERR_ETHER_SHM" && /\/dev\/shm|space|ENOSPC|EFBIG/i.test(e.message),
  );
  assert.deepEqual(listSegments(), before, "nothing left behind");
});
