// Property-based: random sequences of publish / loan / poll with slow readers, across wrap-around, for
// each policy, checked against a simple model that tracks records by unbounded byte positions.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Topic, type Policy, type Subscriber } from "../../src/transport/index.js";
import { recordLength } from "../../src/transport/ring-layout.js";
import { EtherError } from "../../src/errors.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

const CAPACITY = 4096;
const MAX_FRAME = 1200;
const SUBSCRIBERS = 2;

type Op =
  | { kind: "publish"; size: number }
  | { kind: "loan"; size: number }
  | { kind: "poll"; sub: number; limit: number };

interface ModelFrame {
  seq: number;
  start: number;
  end: number;
}

/** The model: every record's [start, end) as unbounded positions; what each policy allows. */
class RingModel {
  frames: ModelFrame[] = [];
  head = 0;
  oldest = 0;
  cursors: number[] = new Array(SUBSCRIBERS).fill(0);
  next: number[] = new Array(SUBSCRIBERS).fill(0);
  dropped: number[] = new Array(SUBSCRIBERS).fill(0);

  constructor(readonly policy: Policy) {}

  /** "ok", "full" (reject: false, block: timeout). */
  publish(size: number): "ok" | "full" {
    const record = recordLength(size);
    const remaining = CAPACITY - (this.head % CAPACITY);
    const pad = record > remaining ? remaining : 0;
    const end = this.head + pad + record;
    const limit = end - CAPACITY;
    if (this.policy !== "drop-oldest" && Math.min(this.head, ...this.cursors) < limit) return "full";
    if (this.policy === "drop-oldest") {
      // OLDEST moves record by record (padding included) to the first boundary at or past limit.
      // Padding always runs to the end of a lap, where the next frame starts.
      while (this.oldest < limit) {
        const frame = this.frames.find((f) => f.end > this.oldest)!;
        this.oldest = frame.start > this.oldest ? frame.start : frame.end;
      }
    }
    this.frames.push({ seq: this.frames.length, start: this.head + pad, end });
    this.head = end;
    return "ok";
  }

  poll(sub: number, limit: number): number[] {
    const out: number[] = [];
    while (out.length < limit) {
      let i = this.next[sub]!;
      if (i >= this.frames.length) break;
      if (this.policy === "drop-oldest" && this.cursors[sub]! < this.oldest) {
        i = this.frames.findIndex((f) => f.start >= this.oldest);
        this.dropped[sub]! += i - this.next[sub]!;
      }
      const frame = this.frames[i]!;
      out.push(frame.seq);
      this.next[sub] = i + 1;
      this.cursors[sub] = frame.end;
    }
    return out;
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("publish" as const), size: fc.integer({ min: 0, max: MAX_FRAME }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("loan" as const), size: fc.integer({ min: 0, max: MAX_FRAME }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant("poll" as const), sub: fc.integer({ min: 0, max: SUBSCRIBERS - 1 }), limit: fc.integer({ min: 1, max: 6 }) }),
  },
);

function run(transport: "threads" | "shm", policy: Policy, ops: Op[]): void {
  const space = spaceFor(transport, { sessionId: "model" });
  const topic = Topic.attach(space.createTopic("m", { capacity: CAPACITY, maxFrame: MAX_FRAME, policy, blockTimeoutMs: 0 }));
  const subs: Subscriber[] = Array.from({ length: SUBSCRIBERS }, () => topic.subscriber({ wait: "spin" }));
  const pub = topic.publisher();
  const model = new RingModel(policy);
  for (const op of ops) {
    if (op.kind === "poll") {
      const got: number[] = [];
      subs[op.sub]!.poll((f) => {
        const data = f.bytes();
        assert.ok(data.every((b) => b === (f.seq * 7 + 1) % 256), `frame ${f.seq} intact`);
        got.push(f.seq);
      }, op.limit);
      assert.deepEqual(got, model.poll(op.sub, op.limit), `poll of subscriber ${op.sub}`);
      continue;
    }
    const value = (model.frames.length * 7 + 1) % 256;
    const expected = model.publish(op.size);
    let outcome: "ok" | "full";
    try {
      if (op.kind === "publish") outcome = pub.publish(new Uint8Array(op.size).fill(value)) ? "ok" : "full";
      else {
        const view = pub.loan(op.size);
        if (view !== undefined) {
          view.fill(value);
          pub.commit();
        }
        outcome = view === undefined ? "full" : "ok";
      }
    } catch (error) {
      if (!(error instanceof EtherError && error.code === "ERR_ETHER_PUBLISH_TIMEOUT")) throw error;
      outcome = "full";
    }
    assert.equal(outcome, expected, `${op.kind} ${op.size} under ${policy}`);
  }
  for (let s = 0; s < SUBSCRIBERS; s++) {
    assert.deepEqual(subs[s]!.counts().dropped, model.dropped[s], `drops of subscriber ${s}`);
  }
  closeSpaces();
}

after(closeSpaces);

for (const { transport } of TRANSPORTS) {
  for (const policy of ["block", "reject", "drop-oldest"] as const) {
    test(`ring over ${transport} matches the model under ${policy}`, { timeout: 60_000 }, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 100, maxLength: 400, size: "max" }), (ops) => run(transport, policy, ops)),
        { numRuns: transport === "threads" ? 100 : 40 },
      );
    });
  }
}
