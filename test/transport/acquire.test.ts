// loadAcquire() replaces Atomics.load on the per-frame path with a plain load on x86-64 (acquire.ts).
// What every spinning reader and waiting publisher relies on: an optimized loop of such loads sees a
// store made by another thread (a compiler that hoisted the load out of the loop would spin forever).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { loadAcquire, PLAIN_LOADS_ACQUIRE } from "../../src/transport/acquire.js";
import { runRole, terminateRoles } from "../helpers/threads.js";

after(terminateRoles);

test("loadAcquire reads the word as Atomics.load does, and is a plain load exactly on x86-64", () => {
  const words = new Int32Array(new SharedArrayBuffer(16));
  Atomics.store(words, 2, -7);
  assert.equal(loadAcquire(words, 2), -7);
  assert.equal(PLAIN_LOADS_ACQUIRE, process.arch === "x64");
});

test("an optimized loop spinning on loadAcquire sees another thread's store", { timeout: 60_000 }, async () => {
  const sab = new SharedArrayBuffer(8);
  const words = new Int32Array(sab);
  const spinner = runRole<{ rounds: number; seen: number }>("test/transport/fixtures/acquire-spinner.js", sab);
  while (Atomics.load(words, 1) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  Atomics.store(words, 0, 42);
  const { rounds, seen } = await spinner;
  assert.equal(seen, 42);
  assert.ok(rounds >= 50_000_000, `stored only after the loop ran optimized (${rounds} rounds)`);
});
