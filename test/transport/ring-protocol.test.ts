// The ring protocol unit by unit, in one thread, with offsets taken from the layout constants.
import { afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SharedSpace, Topic, type TopicOptions } from "../../src/transport/index.js";
import { SessionSegment } from "../../src/transport/session-segment.js";
import { TopicSegment } from "../../src/transport/topic-segment.js";
import { threadWaitOps } from "../../src/transport/wait-ops.js";
import * as L from "../../src/transport/ring-layout.js";
import { EtherError } from "../../src/errors.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

let transport: "threads" | "shm" = "threads";

function topicOf(options: TopicOptions = {}): { space: SharedSpace; topic: Topic } {
  const space = spaceFor(transport, { sessionId: "unit" });
  const topic = Topic.attach(space.createTopic("t", options));
  return { space, topic };
}

function word(topic: Topic, offset: number): number {
  return Atomics.load(topic.segment.i32, offset >> 2);
}

function bytes(length: number, fill: number): Uint8Array {
  return new Uint8Array(length).fill(fill);
}

function drain(sub: ReturnType<Topic["subscriber"]>): Array<{ seq: number; data: number[] }> {
  const out: Array<{ seq: number; data: number[] }> = [];
  sub.poll((f) => out.push({ seq: f.seq, data: Array.from(f.bytes()) }));
  return out;
}

for (const { transport: kind } of TRANSPORTS) {
  describe(`ring protocol over ${kind}`, () => {
    before(() => {
      transport = kind;
    });
    afterEach(closeSpaces);

    test("a published frame has the documented header and an 8-byte aligned payload", () => {
      const { topic } = topicOf({ capacity: 4096 });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      assert.equal(pub.publish(new Uint8Array([1, 2, 3]), 7), true);
      const seg = topic.segment;
      const at = seg.dataOffset;
      const dv = new DataView(seg.sab);
      assert.equal(dv.getUint32(at + L.FRAME_LENGTH_OFFSET, true), 3);
      assert.equal(dv.getUint32(at + L.FRAME_FLAGS_OFFSET, true), 0);
      assert.equal(dv.getUint32(at + L.FRAME_SEQ_LO_OFFSET, true), 0);
      assert.equal(dv.getUint32(at + L.FRAME_PUBLISHER_OFFSET, true), pub.id);
      assert.equal(dv.getUint32(at + L.FRAME_SCHEMA_OFFSET, true), 7);
      const time = dv.getUint32(at + L.FRAME_TIME_LO_OFFSET, true) + dv.getUint32(at + L.FRAME_TIME_HI_OFFSET, true) * 2 ** 32;
      assert.ok(time > 0);
      assert.deepEqual([...seg.u8.subarray(at + L.FRAME_HEADER_LENGTH, at + L.FRAME_HEADER_LENGTH + 3)], [1, 2, 3]);
      assert.equal(word(topic, L.TOPIC_TAIL_OFFSET), L.recordLength(3));
      assert.equal(word(topic, L.TOPIC_HEAD_OFFSET), L.recordLength(3));
      assert.equal(word(topic, L.TOPIC_NEXT_SEQ_LO_OFFSET), 1);
      let seen = 0;
      sub.poll((f) => {
        seen++;
        assert.equal(f.offset % 8, 0);
        assert.equal(f.buffer.buffer, seg.sab, "the handler reads in place");
        assert.equal(f.publishTimeNs, time);
        assert.equal(f.schemaId, 7);
        assert.equal(f.publisherId, pub.id);
      });
      assert.equal(seen, 1);
      assert.equal(word(topic, seg.subTableOffset + sub.slot * L.SUB_SLOT_LENGTH + L.SUB_CURSOR_OFFSET), L.recordLength(3));
    });

    test("sequence numbers count from 0 per topic across publishers, every subscriber sees every frame", () => {
      const { topic } = topicOf();
      const subs = [topic.subscriber({ wait: "spin" }), topic.subscriber({ wait: "spin" })];
      const a = topic.publisher();
      const b = topic.publisher();
      for (let i = 0; i < 10; i++) (i % 2 === 0 ? a : b).publish(bytes(i, i));
      for (const sub of subs) {
        const got = drain(sub);
        assert.deepEqual(got.map((f) => f.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepEqual(got.map((f) => f.data.length), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
      assert.notEqual(a.id, b.id);
    });

    test("a subscriber sees only frames committed after it joined", () => {
      const { topic } = topicOf();
      const pub = topic.publisher();
      pub.publish(bytes(4, 1));
      const sub = topic.subscriber({ wait: "spin" });
      pub.publish(bytes(4, 2));
      assert.deepEqual(drain(sub).map((f) => f.seq), [1]);
    });

    test("wrap: an explicit padding record when ≥ 32 bytes remain, an implicit skip when fewer", () => {
      for (const [left, expectPadding] of [
        [64, true], // room for a padding header
        [16, false], // skipped implicitly
      ] as const) {
        const { topic } = topicOf({ capacity: 4096, maxFrame: 2000 });
        const sub = topic.subscriber({ wait: "spin" });
        const pub = topic.publisher();
        // Fill to `left` bytes before the end, read it all, then publish a frame that must wrap.
        for (let i = 0; i < 3; i++) pub.publish(bytes(1000, 1));
        pub.publish(bytes(4096 - left - 3 * L.recordLength(1000) - L.FRAME_HEADER_LENGTH, 2));
        assert.equal(drain(sub).length, 4);
        const remaining = 4096 - word(topic, L.TOPIC_HEAD_OFFSET);
        assert.equal(remaining, expectPadding ? 64 : 16);
        pub.publish(bytes(100, 3));
        const seg = topic.segment;
        const dv = new DataView(seg.sab);
        if (expectPadding) {
          assert.equal(dv.getUint32(seg.dataOffset + 4096 - 64 + L.FRAME_FLAGS_OFFSET, true), L.FRAME_FLAG_PADDING);
          assert.equal(dv.getUint32(seg.dataOffset + 4096 - 64 + L.FRAME_LENGTH_OFFSET, true), 64 - 32);
        }
        assert.equal(dv.getUint32(seg.dataOffset + L.FRAME_LENGTH_OFFSET, true), 100, "the frame starts at offset 0");
        const got = drain(sub);
        assert.deepEqual(got.map((f) => [f.seq, f.data.length, f.data[0]]), [[4, 100, 3]]);
        assert.equal(word(topic, L.TOPIC_TAIL_OFFSET), 4096 + L.recordLength(100));
      }
    });

    test("loan writes in place and commit makes the frame visible; misuse is a named error", () => {
      const { topic } = topicOf();
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      const view = pub.loan(16)!;
      assert.equal(view.buffer, topic.segment.sab, "the loan is a view inside the ring");
      view.set([9, 8, 7]);
      assert.equal(sub.hasData(), false, "nothing is visible before commit");
      assert.throws(() => pub.loan(8), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE");
      pub.commit();
      assert.deepEqual(drain(sub)[0]!.data.slice(0, 3), [9, 8, 7]);
      assert.throws(() => pub.commit(), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE");
    });

    test("a frame over max_frame is a clear error naming the topic; nothing is claimed", () => {
      const { topic } = topicOf({ capacity: 8192, maxFrame: 100 });
      const pub = topic.publisher();
      assert.throws(() => pub.publish(new Uint8Array(101)), (e: EtherError) => {
        assert.equal(e.code, "ERR_ETHER_FRAME_TOO_LARGE");
        assert.match(e.message, /101 bytes exceeds max_frame=100 \(topic "t"\); raise the topic's max_frame \(in a session's config: topics\.t\.max_frame: 128\)$/);
        return true;
      });
      assert.equal(word(topic, L.TOPIC_HEAD_OFFSET), 0);
    });

    test("reject: publish returns false when the slowest subscriber holds the space, and counts it", () => {
      const { space, topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "reject" });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      let accepted = 0;
      while (pub.publish(bytes(1000, 1))) accepted++;
      assert.equal(accepted, 3, "three 1032-byte records fit in 4096 bytes");
      assert.equal(pub.publish(bytes(1000, 1)), false);
      assert.equal(space.stats("t").rejected, 2);
      assert.equal(drain(sub).length, 3);
      assert.equal(pub.publish(bytes(1000, 1)), true, "space is free again once read");
    });

    test("block: a full ring waits for the slowest subscriber, then fails with a clear timeout", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "block", blockTimeoutMs: 20 });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 3; i++) pub.publish(bytes(1000, i));
      assert.throws(() => pub.publish(bytes(1000, 9)), (e: EtherError) => {
        assert.equal(e.code, "ERR_ETHER_PUBLISH_TIMEOUT");
        assert.match(e.message, /topic "t".*subscriber slot 0/);
        return true;
      });
      assert.deepEqual(drain(sub).map((f) => f.data[0]), [0, 1, 2], "nothing was overwritten or lost");
      sub.close();
      for (let i = 0; i < 10; i++) pub.publish(bytes(1000, i)); // with no subscriber, nothing holds space
    });

    test("block: a publisher told to give up (its host is stopping) returns false for a full ring, counts it, and writes nothing", () => {
      const { space, topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "block", blockTimeoutMs: 60_000 });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      let stopping = false;
      let asked = 0;
      pub.giveUpWhen(() => {
        asked++;
        return stopping;
      });
      for (let i = 0; i < 3; i++) assert.equal(pub.publish(bytes(1000, i)), true);
      assert.equal(asked, 0, "a publish with room never asks");
      stopping = true;
      const head = word(topic, L.TOPIC_HEAD_OFFSET);
      assert.equal(pub.publish(bytes(1000, 9)), false, "gives up instead of waiting 60 s");
      assert.equal(pub.loan(1000), undefined);
      assert.equal(asked, 2);
      assert.equal(word(topic, L.TOPIC_HEAD_OFFSET), head, "nothing was claimed");
      assert.equal(space.stats("t").rejected, 2);
      assert.deepEqual(drain(sub).map((f) => f.data[0]), [0, 1, 2], "what was published is intact");
      assert.equal(pub.publish(bytes(1000, 3)), true, "with room again, it publishes");
    });


    test("a commit behind an unfinished claim does not wait: the earlier publisher publishes both, in claim order", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 100, policy: "block" });
      const sub = topic.subscriber({ wait: "spin" });
      const a = topic.publisher();
      const b = topic.publisher();
      const atA = a.claim(10);
      a.buffer.fill(1, atA, atA + 10);
      const atB = b.claim(10);
      b.buffer.fill(2, atB, atB + 10);
      b.commit(); // returns at once: marked ready behind a's claim
      assert.equal(sub.hasData(), false, "nothing is visible before the earlier claim is");
      assert.equal(b.publish(bytes(10, 3)), true, "b goes on publishing");
      a.commit();
      assert.deepEqual(drain(sub).map((f) => [f.seq, f.data[0]]), [[0, 1], [1, 2], [2, 3]]);
      assert.equal(word(topic, L.TOPIC_TAIL_OFFSET), word(topic, L.TOPIC_HEAD_OFFSET));
    });

    test("a subscriber that cannot join behind a claim in flight fails after the block timeout and gives its slot back", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 100, policy: "block", blockTimeoutMs: 200 });
      const pub = topic.publisher();
      pub.claim(10); // held, never committed while the subscriber tries to join
      assert.throws(() => topic.subscriber({ wait: "spin" }), (e: EtherError) => e.code === "ERR_ETHER_JOIN_TIMEOUT" && /topic "t"/.test(e.message));
      pub.commit();
      const slots = Array.from({ length: topic.segment.maxSubscribers }, () => topic.subscriber({ wait: "spin" }));
      assert.equal(slots.length, topic.segment.maxSubscribers, "every slot is free again");
    });

    test("a ready claim whose taker died before publishing it is published by a waiting reader", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 100, policy: "block" });
      const sub = topic.subscriber({ wait: "spin" });
      const [a, b, c] = [topic.publisher(), topic.publisher(), topic.publisher()];
      const i32 = topic.segment.i32;
      const slotOf = (id: number): number => {
        for (let slot = 0; slot < topic.segment.maxPublishers; slot++) {
          if (i32[(topic.segment.pubTableOffset + slot * L.PUB_SLOT_LENGTH + L.PUB_ID_OFFSET) >> 2] === id) return slot;
        }
        throw new Error("no slot");
      };
      a.claim(10);
      const atB = b.claim(10);
      b.buffer.fill(7, atB, atB + 10);
      const bStart = word(topic, L.TOPIC_HEAD_OFFSET) - L.recordLength(10);
      b.commit(); // stamped ready behind a's claim
      // c takes b's claim (as the holder of TAIL would) and dies before publishing it.
      const stampAt = ((atB - L.FRAME_HEADER_LENGTH) >> 2) + (L.FRAME_SEQ_HI_OFFSET >> 2);
      assert.equal(Atomics.compareExchange(i32, stampAt, topic.segment.readyStamp, L.takenMark(slotOf(c.id))), topic.segment.readyStamp);
      c.close();
      a.commit(); // publishes its own frame; b's claim is taken, so a stops there
      assert.equal(word(topic, L.TOPIC_TAIL_OFFSET), bStart, "TAIL waits at the taken claim");
      const got: Array<[number, number]> = [];
      const deadline = performance.now() + 5000;
      while (got.length < 2 && performance.now() < deadline) {
        sub.poll((f) => got.push([f.seq, f.length]));
        sub.wait(50);
      }
      assert.deepEqual(got, [[0, 10], [1, 10]], "the reader found TAIL stuck, saw the taker gone and published the claim");
    });

    for (const policy of ["block", "drop-oldest", "reject"] as const) {
      test(`three publishers committing out of claim order, across many wraps (${policy}): every frame in claim order, intact`, () => {
        const { space, topic } = topicOf({ capacity: 4096, maxFrame: 300, policy });
        const sub = topic.subscriber({ wait: "spin" });
        const pubs = [topic.publisher(), topic.publisher(), topic.publisher()];
        let rng = 0x2545f491;
        const next = (n: number): number => {
          rng ^= rng << 13;
          rng ^= rng >>> 17;
          rng ^= rng << 5;
          return (rng >>> 0) % n;
        };
        const claimed: number[] = []; // fill byte of each claim, in claim order
        const got: number[] = [];
        let expectedSeq = 0;
        let counter = 0;
        for (let round = 0; round < 3000; round++) {
          const open: number[] = [];
          for (let p = 0; p < pubs.length; p++) {
            const size = 1 + next(300);
            const at = pubs[p]!.claim(size);
            if (at < 0) continue; // reject: full
            const fill = counter++ & 255;
            pubs[p]!.buffer.fill(fill, at, at + size);
            claimed.push(fill);
            open.push(p);
          }
          while (open.length > 0) pubs[open.splice(next(open.length), 1)[0]!]!.commit(); // any order
          sub.poll((f) => {
            const data = f.bytes();
            assert.ok(data.every((x) => x === data[0]), `frame ${f.seq} intact`);
            if (policy !== "drop-oldest") assert.equal(f.seq, expectedSeq, "consecutive sequence numbers");
            expectedSeq = f.seq + 1;
            got.push(data[0]!);
          });
        }
        assert.equal(word(topic, L.TOPIC_TAIL_OFFSET), word(topic, L.TOPIC_HEAD_OFFSET), "everything committed");
        if (policy === "drop-oldest") {
          assert.equal(got.length + sub.counts().dropped, claimed.length);
        } else {
          assert.deepEqual(got, claimed, "claim order");
        }
        assert.equal(space.stats("t").published, claimed.length);
      });
    }

    test("a publisher that joins a full ring respects the slow subscriber from its first frame", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "reject" });
      const sub = topic.subscriber({ wait: "spin" });
      const first = topic.publisher();
      for (let i = 0; i < 3; i++) assert.equal(first.publish(bytes(1000, i)), true);
      const late = topic.publisher();
      assert.equal(late.publish(bytes(1000, 9)), false, "the unread frames are not overwritten");
      assert.deepEqual(drain(sub).map((f) => f.data[0]), [0, 1, 2]);
      assert.equal(late.publish(bytes(1000, 9)), true);
    });
    test("drop-oldest: the publisher never waits; a lapped subscriber counts exactly what it missed", () => {
      const { space, topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "drop-oldest" });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 20; i++) assert.equal(pub.publish(bytes(1000, i)), true);
      const got = drain(sub);
      assert.ok(got.length > 0 && got.length < 20);
      assert.equal(got.at(-1)!.seq, 19, "it reads the newest frames");
      assert.deepEqual(got.map((f) => f.data[0]), got.map((f) => f.seq));
      const counts = sub.counts();
      assert.equal(counts.delivered + counts.dropped, 20);
      assert.equal(space.stats("t").dropped, 20 - got.length);
    });

    test("a closed subscriber no longer holds a block publisher; slots are reused", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, blockTimeoutMs: 10 });
      const subs = Array.from({ length: 16 }, () => topic.subscriber({ wait: "spin" }));
      assert.throws(() => topic.subscriber({ wait: "spin" }), (e: EtherError) => e.code === "ERR_ETHER_NO_SLOT");
      const pub = topic.publisher();
      for (const sub of subs) sub.close();
      for (let i = 0; i < 10; i++) pub.publish(bytes(1000, i));
      assert.equal(topic.subscriber({ wait: "spin" }).slot, 0);
    });

    test("hold() keeps a frame in place until release(); publishers keep off it", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "reject" });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 3; i++) pub.publish(bytes(1000, i + 1));
      const held = sub.hold()!;
      assert.equal(held.seq, 0);
      assert.equal(held.buffer.buffer, topic.segment.sab, "in place");
      assert.throws(() => sub.hold(), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE");
      assert.equal(pub.publish(bytes(1000, 9)), false, "the held frame's space is still taken");
      assert.ok(held.bytes().every((b) => b === 1));
      sub.release();
      assert.throws(() => sub.release(), (e: EtherError) => e.code === "ERR_ETHER_LOAN_STATE");
      assert.equal(pub.publish(bytes(1000, 4)), true, "released space is free");
      const seqs: number[] = [];
      for (let f = sub.hold(); f !== undefined; f = sub.hold()) {
        seqs.push(f.seq);
        sub.release();
      }
      assert.deepEqual(seqs, [1, 2, 3]);
      assert.equal(sub.counts().delivered, 4);
    });

    test("releaseDeferred() hands space back only on flush(), an empty hold() or 64 frames", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "reject" });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      const cursorOffset = topic.segment.subTableOffset + sub.slot * L.SUB_SLOT_LENGTH + L.SUB_CURSOR_OFFSET;
      const start = word(topic, cursorOffset);
      for (let i = 0; i < 3; i++) pub.publish(bytes(1000, i + 1));
      assert.equal(sub.hold()!.seq, 0);
      sub.releaseDeferred();
      assert.equal(word(topic, cursorOffset), start, "not handed back yet");
      assert.equal(sub.counts().delivered, 0, "counted when handed back");
      assert.equal(pub.publish(bytes(1000, 9)), false, "its space is still taken");
      sub.flush();
      assert.notEqual(word(topic, cursorOffset), start);
      assert.equal(sub.counts().delivered, 1);
      assert.equal(pub.publish(bytes(1000, 4)), true, "flushed space is free");
      const seqs: number[] = [];
      for (let f = sub.hold(); f !== undefined; f = sub.hold()) {
        seqs.push(f.seq);
        sub.releaseDeferred();
      }
      assert.deepEqual(seqs, [1, 2, 3]);
      assert.equal(sub.counts().delivered, 4, "the hold() that found nothing handed them back");
      assert.equal(sub.hasData(), false);

      const small = topicOf({ capacity: 1 << 16, maxFrame: 8, policy: "block" }).topic;
      const reader = small.subscriber({ wait: "spin" });
      const writer = small.publisher();
      for (let i = 0; i < 70; i++) writer.publish(bytes(8, i));
      for (let i = 0; i < 64; i++) {
        assert.equal(reader.hold()!.seq, i);
        reader.releaseDeferred();
      }
      assert.equal(reader.counts().delivered, 64, "every 64 frames the space goes back on its own");
      reader.hold();
      reader.releaseDeferred();
      reader.close();
      assert.equal(reader.counts().delivered, 65, "close() hands back the rest");
    });

    test("hold() under drop-oldest hands out a validated copy and counts drops", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000, policy: "drop-oldest" });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 10; i++) pub.publish(bytes(1000, i));
      const seqs: number[] = [];
      for (let f = sub.hold(); f !== undefined; f = sub.hold()) {
        assert.ok(f.bytes().every((b) => b === f.seq));
        seqs.push(f.seq);
        sub.release();
      }
      assert.equal(seqs.at(-1), 9);
      assert.equal(sub.counts().delivered + sub.counts().dropped, 10);
    });

    test("attaching to a short, foreign or other-version segment fails with a named error", () => {
      const { topic } = topicOf();
      const ring = topic.segment.sab;
      const session = SessionSegment.attach(topic.segment.session.sab);
      const attach = (sab: SharedArrayBuffer) => TopicSegment.attach(sab, session, "t", threadWaitOps);
      assert.throws(() => attach(new SharedArrayBuffer(16)), (e: EtherError) => e.code === "ERR_ETHER_SEGMENT_TOO_SMALL");
      const foreign = new SharedArrayBuffer(ring.byteLength);
      assert.throws(() => attach(foreign), (e: EtherError) => e.code === "ERR_ETHER_BAD_MAGIC" && /not an Ether segment/.test(e.message));
      const other = ring.slice(0) as SharedArrayBuffer;
      new DataView(other).setUint32(L.TOPIC_VERSION_OFFSET, 99, true);
      assert.throws(() => attach(other), (e: EtherError) => e.code === "ERR_ETHER_BAD_VERSION" && /version 99/.test(e.message));
      const truncated = new SharedArrayBuffer(4096 + 512);
      new Uint8Array(truncated).set(new Uint8Array(ring, 0, 4096 + 512));
      assert.throws(() => attach(truncated), (e: EtherError) => e.code === "ERR_ETHER_SEGMENT_TOO_SMALL");
      assert.throws(() => SessionSegment.attach(new SharedArrayBuffer(8)), (e: EtherError) => e.code === "ERR_ETHER_SEGMENT_TOO_SMALL");
    });

    test("a record header written outside the protocol stops the reader with a named error, not a walk", () => {
      const { topic } = topicOf({ capacity: 4096, maxFrame: 1000 });
      const sub = topic.subscriber({ wait: "spin" });
      const pub = topic.publisher();
      for (let i = 0; i < 3; i++) pub.publish(bytes(100, i));
      const seg = topic.segment;
      const second = seg.dataOffset + L.recordLength(100);
      new DataView(seg.sab).setInt32(second + L.FRAME_LENGTH_OFFSET, 0x40000000, true);
      const seen: number[] = [];
      const corrupt = (e: EtherError): boolean => e.code === "ERR_ETHER_CORRUPT_RING" && /topic "t"/.test(e.message) && e.details.position === L.recordLength(100);
      assert.throws(() => sub.poll((f) => seen.push(f.buffer[f.offset]!)), corrupt);
      assert.deepEqual(seen, [0], "the frame before the damage was delivered");
      assert.throws(() => sub.hold(), corrupt);
    });

    test("topic options are validated at the boundary with the option's name", () => {
      const space = spaceFor(transport);
      const bad: Array<[TopicOptions, RegExp]> = [
        [{ capacity: -1 }, /capacity must be/],
        [{ capacity: 4096, maxFrame: 4096 }, /maxFrame 4096 needs a capacity/],
        [{ policy: "lossy" as never }, /policy must be one of block, drop-oldest, reject/],
        [{ capcity: 10 } as never, /option capcity is unknown/],
      ];
      for (const [options, message] of bad) {
        assert.throws(() => space.createTopic("x", options), (e: EtherError) => e.code === "ERR_ETHER_INVALID_OPTION" && message.test(e.message));
      }
      space.createTopic("x");
      assert.throws(() => space.createTopic("x"), /already exists/);
      assert.equal(Topic.attach(space.createTopic("y", { capacity: 5000 })).capacity, 8192, "capacity rounds up to a power of two");
    });

  });
}
