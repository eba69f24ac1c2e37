// A topic's lone publisher claims and commits with plain stores (RING_FORMAT.md, "Exclusive
// publisher"); a publisher that joins revokes that first. Nothing a reader sees may change: every
// frame once, in claim order, consecutive sequence numbers, no torn frame, and no reader left parked.
// A joiner killed while it revoked does not hold up the next one.
import { after, afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Topic, type FrameView } from "../../src/transport/index.js";
import { EXCLUSIVE_INDEX, FENCE_FULL, exclusiveRevoking, revokingSlots } from "../../src/transport/ring-layout.js";
import type { EtherError } from "../../src/errors.js";
import type { SubscribeResult } from "./fixtures/roles.js";
import { awaitReady, runRole, terminateRoles } from "../helpers/threads.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

const ROLES = "test/transport/fixtures/roles.js";

after(terminateRoles);

/** What the subscriber saw: first payload byte and sequence number of each frame. */
function drain(sub: { poll(h: (f: FrameView) => void): number }): { bytes: number[]; seqs: number[] } {
  const bytes: number[] = [];
  const seqs: number[] = [];
  sub.poll((f) => {
    bytes.push(f.buffer[f.offset]!);
    seqs.push(f.seq);
  });
  return { bytes, seqs };
}

for (const { transport, host } of TRANSPORTS) {
  describe(`the lone publisher over ${transport}`, () => {
    afterEach(closeSpaces);

    test("claims alone until a second publisher joins; frames of both arrive in claim order, numbered consecutively", () => {
      const topic = Topic.attach(spaceFor(transport).createTopic("t", { capacity: 4096, maxFrame: 100 }));
      const exclusive = (): number => Atomics.load(topic.segment.i32, EXCLUSIVE_INDEX);
      const sub = topic.subscriber({ wait: "spin" });
      const lone = topic.publisher();
      const asymmetric = topic.segment.fence !== FENCE_FULL;
      assert.equal(exclusive(), asymmetric ? 1 : 0, asymmetric ? "the only publisher (slot 0) claims alone" : "fenced topics have no lone publisher");
      lone.publish(new Uint8Array([1]));
      const joiner = topic.publisher();
      assert.equal(exclusive(), 0, "revoked before the joiner's first claim");
      joiner.publish(new Uint8Array([2]));
      lone.publish(new Uint8Array([3]));
      const { bytes, seqs } = drain(sub);
      assert.deepEqual(bytes, [1, 2, 3]);
      assert.deepEqual(seqs, [seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
      joiner.close();
      lone.close();
      topic.publisher(); // takes slot 0 again
      assert.equal(exclusive(), asymmetric ? 1 : 0, "once the others are gone, a new publisher claims alone again");
    });

    test("a lone publisher holding a loan does not hold up a joiner; the joiner's frame follows the loan's once committed", () => {
      const topic = Topic.attach(spaceFor(transport).createTopic("t", { capacity: 4096, maxFrame: 100 }));
      const sub = topic.subscriber({ wait: "spin" });
      const lone = topic.publisher();
      const view = lone.loan(10)!;
      view.fill(7);
      const joiner = topic.publisher(); // must not wait for the loan (same thread: it would never end)
      assert.equal(joiner.publish(new Uint8Array([8])), true);
      assert.deepEqual(drain(sub).bytes, [], "the joiner's frame waits behind the loan");
      lone.commit();
      const { bytes, seqs } = drain(sub);
      assert.deepEqual(bytes, [7, 8], "the lone publisher's commit publishes the joiner's ready claim too");
      assert.equal(seqs[1], seqs[0]! + 1);
    });

    test("a joiner killed while it revoked does not hold up the next: once its slot is given back, the next one finishes the revocation", () => {
      const topic = Topic.attach(spaceFor(transport).createTopic("t", { capacity: 4096, maxFrame: 100, blockTimeoutMs: 60_000 }));
      if (topic.segment.fence === FENCE_FULL) return; // no lone publisher on fenced topics
      const sub = topic.subscriber({ wait: "spin" });
      const lone = topic.publisher(); // slot 0, alone
      lone.publish(new Uint8Array([1]));
      const exclusive = (): number => Atomics.load(topic.segment.i32, EXCLUSIVE_INDEX);
      // What a joiner in slot 1 leaves when it is killed after taking EXCLUSIVE away from slot 0, and
      // before it stored 0; its host's slots were then given back (slot 1 is free).
      Atomics.store(topic.segment.i32, EXCLUSIVE_INDEX, exclusiveRevoking(1, 0));
      assert.deepEqual(revokingSlots(exclusive()), { revoker: 1, lone: 0 });
      const next = topic.publisher(); // takes slot 1 again: before, it waited 60 s and threw ERR_ETHER_JOIN_TIMEOUT
      assert.equal(exclusive(), 0, "revoked in the dead joiner's place");
      next.publish(new Uint8Array([2]));
      lone.publish(new Uint8Array([3]));
      assert.deepEqual(drain(sub).bytes, [1, 2, 3]);
    });

    test("a joiner that finds a live revoker waits for it, and says which slot revokes when it cannot wait longer", () => {
      const topic = Topic.attach(spaceFor(transport).createTopic("t", { capacity: 4096, maxFrame: 100, blockTimeoutMs: 0 }));
      if (topic.segment.fence === FENCE_FULL) return;
      topic.publisher(); // slot 0, alone
      topic.publisher(); // slot 1 (revoked slot 0 on joining)
      Atomics.store(topic.segment.i32, EXCLUSIVE_INDEX, exclusiveRevoking(1, 0)); // slot 1 revoking, alive
      assert.throws(() => topic.publisher(), (e: EtherError) => e.code === "ERR_ETHER_JOIN_TIMEOUT" && /another joining publisher \(slot 1\) is still revoking/.test(e.message));
      Atomics.store(topic.segment.i32, EXCLUSIVE_INDEX, 0);
    });

    test(`a publisher rejoining 200 times while the lone one publishes flat out, each in its own ${host}: nothing lost, torn or reordered`, { timeout: 180_000 }, async () => {
      const space = spaceFor(transport, { sessionId: "exclusive-rejoin" });
      const frames = 200_000;
      const data = space.createTopic("data", { capacity: 1 << 16, maxFrame: 256, blockTimeoutMs: 60_000 });
      const ready = space.createTopic("ready");
      const go = space.createTopic("go");
      const readySub = Topic.attach(ready).subscriber({ wait: "spin" });
      const common = { data, ready, go, count: frames / 2, maxSize: 200 };
      const subscribers = ["hybrid", "park"].map((wait) =>
        runRole<SubscribeResult>(ROLES, { role: "subscribe", data, ready, publishers: 2, countPerPublisher: frames / 2, wait }, host),
      );
      const lone = runRole<{ published: number }>(ROLES, { role: "publish", publisher: 0, seed: 0x2468ace, ...common }, host);
      const rejoiner = runRole<{ published: number; rejoined: number }>(
        ROLES,
        { role: "publish", publisher: 1, seed: 0x1357bdf, every: frames / 2 / 200, ...common },
        host,
      );
      await awaitReady(() => readySub.poll(() => {}), 4, [...subscribers, lone, rejoiner]);
      Topic.attach(go).publisher().publish(new Uint8Array(1));
      assert.equal((await lone).published, frames / 2);
      assert.equal((await rejoiner).rejoined, 199);
      for (const r of await Promise.all(subscribers)) {
        assert.equal(r.checksumErrors, 0, "no torn or overwritten frame");
        assert.equal(r.orderErrors, 0, "each publisher's frames in order");
        assert.equal(r.gapErrors, 0, "none skipped");
        assert.equal(r.delivered, frames, "lossless");
      }
      assert.equal(space.stats("data").published, frames);
    });

    test(`a reader parking right after each frame never misses the lone publisher's next one (${host}s)`, { timeout: 180_000 }, async () => {
      const space = spaceFor(transport, { sessionId: "exclusive-park" });
      const count = 20_000;
      const data = space.createTopic("data");
      const acks = space.createTopic("acks");
      const ready = space.createTopic("ready");
      const readySub = Topic.attach(ready).subscriber({ wait: "spin" });
      const reader = runRole<{ received: number; lostWakes: number }>(ROLES, { role: "echo-reader", data, acks, ready, count, parkTimeoutMs: 1000 }, host);
      await awaitReady(() => readySub.poll(() => {}), 1, [reader]);
      const writer = runRole<{ published: number }>(ROLES, { role: "ping-writer", data, acks, ready, count }, host);
      const { received, lostWakes } = await reader;
      assert.equal(lostWakes, 0, "every park ended by the publisher's wake, not by its timeout");
      assert.equal(received, count);
      assert.equal((await writer).published, count);
    });
  });
}
