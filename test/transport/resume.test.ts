// A restarted reader takes over its predecessor's subscriber slot: it resumes at the stored cursor
// (the frame in flight is read again), keeps the counters, and under drop-oldest counts exactly what
// was overwritten while nobody read. Runs over both transports.
import { afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Topic, type TopicOptions } from "../../src/transport/index.js";
import * as L from "../../src/transport/ring-layout.js";
import type { EtherError } from "../../src/errors.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

let transport: "threads" | "shm" = "threads";

function topicOf(options: TopicOptions): Topic {
  const space = spaceFor(transport, { sessionId: "resume" });
  return Topic.attach(space.createTopic("t", options));
}

const frame = (value: number): Uint8Array => new Uint8Array(100).fill(value);

for (const { transport: kind } of TRANSPORTS) {
  describe(`resuming a subscriber slot over ${kind}`, () => {
    before(() => {
      transport = kind;
    });
    afterEach(closeSpaces);

    test("block: the successor starts at the frame its predecessor held; the orphaned slot holds publishers", () => {
      const topic = topicOf({ capacity: 1024, maxFrame: 200, policy: "reject" });
      const first = topic.subscriber({ wait: "park" });
      const pub = topic.publisher();
      for (let i = 1; i <= 5; i++) assert.equal(pub.publish(frame(i)), true);
      const seen: number[] = [];
      for (let i = 0; i < 2; i++) {
        const f = first.hold()!;
        seen.push(f.buffer[f.offset]!);
        first.release();
      }
      first.hold(); // frame 3 is in flight when the reader dies
      const bell = topic.orphanSubscriber(first.slot);
      assert.notEqual(bell, undefined, "it had a doorbell");
      assert.equal(Atomics.load(topic.segment.i32, L.READERS_PARKED_INDEX), 0);
      let accepted = 0;
      while (accepted < 1000 && pub.publish(frame(9))) accepted++;
      assert.ok(accepted > 0 && accepted < 1000, "the orphaned cursor still protects frames 3 to 5 (the ring filled up)");
      const next = topic.subscriber({ wait: "spin", resume: first.slot });
      assert.equal(next.slot, first.slot);
      next.poll((f) => seen.push(f.buffer[f.offset]!));
      assert.deepEqual(seen, [1, 2, 3, 4, 5, ...new Array<number>(accepted).fill(9)], "nothing lost; only the frame in flight is read twice");
      assert.equal(next.counts().delivered, 2 + 3 + accepted, "counters carry over");
    });

    test("drop-oldest: frames overwritten while nobody read are counted as dropped, exactly", () => {
      const topic = topicOf({ capacity: 1024, maxFrame: 200, policy: "drop-oldest" });
      const first = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 3; i++) pub.publish(frame(i));
      assert.equal(first.poll(() => {}), 3);
      topic.orphanSubscriber(first.slot);
      for (let i = 0; i < 40; i++) pub.publish(frame(i));
      const next = topic.subscriber({ wait: "spin", resume: first.slot });
      let delivered = 0;
      next.poll(() => delivered++);
      const counts = next.counts();
      assert.ok(counts.dropped > 0, "it was lapped");
      assert.equal(counts.delivered + counts.dropped, 43, "every published frame is delivered or counted");
      assert.equal(delivered + counts.dropped, 40);
    });

    test("resuming a slot that was detached or closed is a named error", () => {
      const topic = topicOf({ capacity: 1024, maxFrame: 200 });
      const gone = topic.subscriber({ wait: "spin" });
      topic.detachSubscriber(gone.slot);
      assert.throws(() => topic.subscriber({ wait: "spin", resume: gone.slot }), (e: EtherError) => {
        return e.code === "ERR_ETHER_INVALID_OPTION" && /topic "t"/.test(e.message) && /not active/.test(e.message);
      });
      assert.throws(() => topic.subscriber({ wait: "park", resume: 99 }), (e: EtherError) => /does not exist/.test(e.message));
    });
  });
}

for (const { transport: kind } of TRANSPORTS) {
  describe(`reclaiming a dead host's publisher slots over ${kind}`, () => {
    before(() => {
      transport = kind;
    });
    afterEach(closeSpaces);

    test("committed slots are freed at once; a claim left at TAIL is recovered (never delivered), then freed", () => {
      const topic = topicOf({ capacity: 4096, maxFrame: 200 });
      const sub = topic.subscriber({ wait: "spin" });
      const token = -7;
      topic.publisher(token).publish(frame(1));
      assert.equal(topic.reclaimPublishers(token), 1, "its last claim was committed");
      topic.publisher(token).claim(100); // dies before commit()
      assert.equal(topic.reclaimPublishers(token), 1, "the claim at TAIL is recovered as padding and the slot freed");
      assert.equal(topic.faults().recoveredClaims, 1);
      assert.equal(topic.publisher().publish(frame(2)), true, "later commits go on");
      const seen: number[] = [];
      sub.poll((f) => seen.push(f.buffer[f.offset]!));
      assert.deepEqual(seen, [1, 2], "the partial frame is never delivered");
    });

    test("a dead claim behind a live one waits for it; the next reclaim (or a waiting peer) recovers it", () => {
      const topic = topicOf({ capacity: 4096, maxFrame: 200 });
      const sub = topic.subscriber({ wait: "spin" });
      const live = topic.publisher();
      const at = live.claim(100);
      live.buffer.fill(5, at, at + 100);
      const token = -9;
      topic.publisher(token).claim(100); // claimed behind the live one, then its host died
      assert.equal(topic.reclaimPublishers(token), 0, "not at TAIL yet: a live claim comes first");
      live.commit();
      assert.equal(topic.reclaimPublishers(token), 1);
      assert.equal(topic.faults().recoveredClaims, 1);
      topic.publisher().publish(frame(6));
      const seen: number[] = [];
      sub.poll((f) => seen.push(f.buffer[f.offset]!));
      assert.deepEqual(seen, [5, 6]);
    });
  });
}
