// The hybrid wait strategy's phases, with a doorbell that records instead of sleeping: spin, then nap,
// then park; a real batch starts over; polls that keep pace frame by frame lead to a nap (even when
// the ring is never found empty), never a park;
// naps grow while each one ends with a batch waiting, and shrink back when one does not; in such a
// heavy stream the reader naps at its first empty poll.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SMALL_BATCH, SMALL_BATCH_SPINS, STREAM_SPINS, createWaitStrategy } from "../../src/transport/wait/wait-strategy.js";
import type { Doorbell } from "../../src/transport/doorbell.js";

const SPINS = 64;

function recorder(): { doorbell: Doorbell; log: string[]; naps: number[] } {
  const log: string[] = [];
  const naps: number[] = [];
  const doorbell = {
    nap: (ms: number) => {
      log.push("nap");
      naps.push(ms);
    },
    park: () => log.push("park"),
  } as unknown as Doorbell;
  return { doorbell, log, naps };
}

function hybrid(doorbell: Doorbell) {
  return createWaitStrategy("hybrid", doorbell, () => false, { spins: SPINS, napMs: 0.05, napMaxMs: 0.2, napBudgetMs: 0.2 });
}

test("hybrid spins, then naps (within its budget), then parks", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  let spins = 0;
  while (!s.idle(0)) spins++;
  assert.equal(spins, SPINS - 1, "spins before the first nap");
  for (let i = 0; i < 5; i++) s.idle(0);
  assert.deepEqual(log, ["nap", "nap", "nap", "nap", "park", "park"], "4 naps of 0.05 ms, then parks");
});

test("a real batch found while spinning starts the spinning over", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  for (let i = 0; i < SPINS - 2; i++) assert.equal(s.idle(0), false);
  assert.equal(s.idle(SMALL_BATCH), false);
  for (let i = 0; i < SPINS - 1; i++) assert.equal(s.idle(0), false, "spinning again");
  assert.equal(s.idle(0), true, "then naps");
  assert.equal(log.length, 1);
});

test("polls that find a few frames each lead to a nap, but never to a park", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  const tiny = Math.ceil(SPINS / SMALL_BATCH_SPINS);
  for (let i = 0; i < tiny - 1; i++) assert.equal(s.idle(1), false, "a few such polls go on at once");
  let spins = 0;
  while (!s.idle(0)) spins++;
  assert.equal(spins, SPINS - (tiny - 1) * SMALL_BATCH_SPINS - 1, "each counted as many spins: the nap comes sooner");
  assert.deepEqual(log, ["nap"]);
  for (let round = 0; round < 10; round++) {
    s.idle(1);
    s.idle(0);
  }
  assert.ok(log.every((w) => w === "nap"), `naps only while frames trickle in: ${log.join(",")}`);
});

test("a reader that never finds the ring empty, a frame or two per poll, naps all the same", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  const tiny = Math.ceil(SPINS / SMALL_BATCH_SPINS);
  for (let i = 0; i < tiny - 1; i++) assert.equal(s.idle(2), false, "keeps pace for a while");
  assert.equal(s.idle(2), true, "then naps with frames waiting");
  assert.equal(s.idle(SMALL_BATCH * 8), false, "and takes them in one batch");
  for (let i = 0; i < 100; i++) s.idle(1);
  assert.ok(log.length > 1 && log.every((w) => w === "nap"), `naps, never parks, while frames flow: ${log.join(",")}`);
});

test("a nap that ends with a batch waiting makes the next one twice as long, up to napMaxMs; a thin one resets it", () => {
  const { doorbell, naps } = recorder();
  const s = hybrid(doorbell);
  const napThenFind = (frames: number): void => {
    while (!s.idle(0));
    s.idle(frames);
  };
  for (let i = 0; i < 4; i++) napThenFind(SMALL_BATCH);
  napThenFind(SMALL_BATCH - 1);
  while (!s.idle(0));
  assert.deepEqual(naps, [0.05, 0.1, 0.2, 0.2, 0.2, 0.05]);
});

test("in a heavy stream (a nap found a batch) the reader naps at its first empty poll; a thin nap brings the spinning back", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  while (!s.idle(0)); // spins, then the first nap
  assert.equal(s.idle(SMALL_BATCH * 4), false, "a batch was waiting after the nap: a heavy stream");
  let spins = 0;
  while (!s.idle(0)) spins++;
  assert.equal(spins, STREAM_SPINS - 1, "naps at its first empty poll");
  assert.equal(s.idle(SMALL_BATCH), false, "the stream goes on");
  assert.equal(s.idle(3), true, "in the stream, a poll with a few frames naps at once");
  assert.equal(s.idle(SMALL_BATCH), false, "a batch again");
  assert.equal(s.idle(0), true, "nap");
  assert.equal(s.idle(SMALL_BATCH - 1), false, "this nap found less than a batch: the stream thinned");
  spins = 0;
  while (!s.idle(0)) spins++;
  assert.equal(spins, SPINS - 2 - SMALL_BATCH_SPINS, "spins again before the next nap (the empty poll and the thin one counted)");
  assert.deepEqual(log, ["nap", "nap", "nap", "nap", "nap"]);
});

test("the nap budget is time: long naps reach the park sooner", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  for (let i = 0; i < 3; i++) {
    while (!s.idle(0));
    s.idle(SMALL_BATCH); // the naps grow to 0.2 ms
  }
  log.length = 0;
  while (!s.idle(0)); // in the stream: naps at once, 0.2 ms
  while (!s.idle(0)); // that nap found nothing: spins once more, then parks
  s.idle(0);
  assert.deepEqual(log, ["nap", "park", "park"], "one 0.2 ms nap spends the 0.2 ms budget");
});

test("step() spins and naps like idle() but leaves the park to its caller", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  const steps: string[] = [];
  for (let i = 0; i < SPINS + 8; i++) steps.push(s.step(0));
  assert.equal(steps.filter((x) => x === "go").length, SPINS - 1, "spins first");
  assert.deepEqual(steps.slice(SPINS - 1, SPINS + 3), ["waited", "waited", "waited", "waited"], "then naps within the budget");
  assert.ok(steps.slice(SPINS + 3).every((x) => x === "park"), "then asks to park, again and again");
  assert.deepEqual(log, ["nap", "nap", "nap", "nap"], "it never parked by itself");
  assert.equal(s.step(SMALL_BATCH), "go", "work: go on");
  const park = createWaitStrategy("park", doorbell, () => false);
  assert.deepEqual([park.step(0), park.step(1)], ["park", "go"]);
  assert.equal(createWaitStrategy("spin", undefined, () => false).step(0), "go");
});
