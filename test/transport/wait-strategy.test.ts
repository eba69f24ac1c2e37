// The hybrid wait strategy's phases, with a doorbell that records instead of sleeping: spin, then nap,
// then park; a real batch starts over; polls that keep pace frame by frame lead to a nap, never a park.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SMALL_BATCH, SMALL_BATCH_SPINS, createWaitStrategy } from "../../src/transport/wait/wait-strategy.js";
import type { Doorbell } from "../../src/transport/doorbell.js";

const SPINS = 64;

function recorder(): { doorbell: Doorbell; log: string[] } {
  const log: string[] = [];
  const doorbell = { nap: () => log.push("nap"), park: () => log.push("park") } as unknown as Doorbell;
  return { doorbell, log };
}

function hybrid(doorbell: Doorbell) {
  return createWaitStrategy("hybrid", doorbell, () => false, { spins: SPINS, napMs: 0.05, napBudgetMs: 0.2 });
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

test("a real batch starts over with spinning", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  while (!s.idle(0));
  assert.equal(s.idle(SMALL_BATCH), false);
  for (let i = 0; i < SPINS - 1; i++) assert.equal(s.idle(0), false, "spinning again");
  assert.equal(log.length, 1);
});

test("polls that find a few frames each lead to a nap, but never to a park", () => {
  const { doorbell, log } = recorder();
  const s = hybrid(doorbell);
  const tiny = Math.ceil(SPINS / SMALL_BATCH_SPINS);
  for (let i = 0; i < tiny; i++) assert.equal(s.idle(1), false, "a poll with work never waits");
  assert.equal(s.idle(0), true, "the first empty poll after them naps");
  assert.deepEqual(log, ["nap"]);
  for (let round = 0; round < 10; round++) {
    s.idle(1);
    s.idle(0);
  }
  assert.ok(log.every((w) => w === "nap"), `naps only while frames trickle in: ${log.join(",")}`);
});
