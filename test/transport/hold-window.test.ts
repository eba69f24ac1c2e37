// Subscriber.holdNext() / releaseTicket(): several frames held at once, each in its caller's view,
// let go in any order; the ring's space goes back in order (the cursor only passes frames let go,
// with every frame before them), over wrap padding too. hold() and holdNext() do not mix, and a
// drop-oldest reader (which copies frames into one buffer) cannot hold several.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { FrameView, Topic, type TopicOptions } from "../../src/transport/index.js";
import * as L from "../../src/transport/ring-layout.js";
import { EtherError } from "../../src/errors.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

for (const { transport } of TRANSPORTS) {
  describe(`holdNext over ${transport}`, () => {
    afterEach(closeSpaces);

    function setup(options: TopicOptions) {
      const topic = Topic.attach(spaceFor(transport, { sessionId: "window" }).createTopic("t", options));
      const sub = topic.subscriber({ wait: "spin" });
      const cursorWord = (topic.segment.subTableOffset + sub.slot * L.SUB_SLOT_LENGTH + L.SUB_CURSOR_OFFSET) >> 2;
      return { topic, sub, pub: topic.publisher(), cursor: () => Atomics.load(topic.segment.i32, cursorWord) };
    }

    test("frames let go out of order give their space back in order, and views stay on their frames", () => {
      const { sub, pub, cursor } = setup({ capacity: 4096, maxFrame: 1000, policy: "reject" });
      for (let i = 1; i <= 3; i++) pub.publish(new Uint8Array(1000).fill(i));
      const views = [new FrameView(), new FrameView(), new FrameView()];
      const tickets = views.map((v) => sub.holdNext(v));
      assert.deepEqual(tickets, [0, 1, 2]);
      assert.equal(sub.holdNext(new FrameView()), -1, "nothing more waits");
      assert.equal(sub.hasUnheld(), false);
      assert.deepEqual(views.map((v) => [v.seq, v.buffer[v.offset]]), [[0, 1], [1, 2], [2, 3]]);
      const start = cursor();
      sub.releaseTicket(2);
      sub.releaseTicket(1);
      assert.equal(cursor(), start, "the oldest is still held: no space goes back");
      assert.equal(sub.counts().delivered, 0);
      assert.equal(pub.publish(new Uint8Array(1000)), false, "the ring is still full");
      assert.throws(() => sub.releaseTicket(1), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE");
      assert.throws(() => sub.hold(), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE" && /holdNext/.test(e.message));
      sub.releaseTicket(0);
      assert.equal(cursor(), 3 * L.recordLength(1000), "all three went back at once");
      assert.equal(sub.counts().delivered, 3);
      assert.equal(pub.publish(new Uint8Array(1000).fill(4)), true);
      assert.equal(sub.hasUnheld(), true);
      const next = new FrameView();
      assert.equal(sub.holdNext(next), 3);
      assert.equal(next.buffer[next.offset], 4);
      sub.releaseTicket(3);
      assert.equal(sub.hold(), undefined, "hold() again once nothing is held");
    });

    test("wrap padding between held frames goes back with the frame after it", () => {
      const { sub, pub, cursor } = setup({ capacity: 4096, maxFrame: 1200, policy: "block", blockTimeoutMs: 0 });
      for (let i = 0; i < 3; i++) pub.publish(new Uint8Array(1200).fill(i)); // 3 x 1232 = 3696 bytes, 400 to the end
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const v = new FrameView();
        sub.releaseTicket(sub.holdNext(v));
        seen.push(v.buffer[v.offset]!);
      }
      pub.publish(new Uint8Array(1200).fill(7)); // after 400 bytes of padding at the wrap
      pub.publish(new Uint8Array(1200).fill(8));
      const a = new FrameView();
      const b = new FrameView();
      const ta = sub.holdNext(a);
      const tb = sub.holdNext(b);
      assert.deepEqual([a.buffer[a.offset], b.buffer[b.offset]], [7, 8]);
      sub.releaseTicket(tb);
      sub.releaseTicket(ta);
      assert.equal(cursor(), 4096 + 2 * L.recordLength(1200), "past the padding and both frames");
      assert.deepEqual(seen, [0, 1, 2]);
      assert.equal(sub.counts().delivered, 5);
    });

    test("a drop-oldest reader cannot hold several frames", () => {
      const { sub, pub } = setup({ capacity: 4096, maxFrame: 100, policy: "drop-oldest" });
      pub.publish(new Uint8Array(10));
      assert.throws(() => sub.holdNext(new FrameView()), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE" && /drop-oldest/.test(e.message));
    });
  });
}
