// futexWait / futexWake: result codes, validation, and waking across threads and processes.
import assert from "node:assert/strict";
import { after, afterEach, describe, test } from "node:test";

import {
  futexWait,
  futexWake,
  shmCreate,
  shmUnlink,
  WAIT_NOT_EQUAL,
  WAIT_TIMED_OUT,
  WAIT_WOKEN,
} from "../../src/native/platform.js";
import { forkChild, Segments, sleep, startWorker, type Peer } from "./support.js";

const T = { timeout: 30_000 };
const segments = new Segments("futex");
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.kill();
});
after(() => {
  segments.cleanup();
  assert.deepEqual(segments.present(), []);
});

/** Wakes until the kernel reports a waiter was there (the word is left unchanged). */
async function wakeUntilWoken(sab: SharedArrayBuffer, offset: number): Promise<number> {
  for (;;) {
    const woken = futexWake(sab, offset, 1);
    if (woken > 0) return woken;
    await sleep(2);
  }
}

describe("futex", () => {
  test("returns WAIT_NOT_EQUAL at once when the word differs", T, () => {
    const sab = new SharedArrayBuffer(16);
    Atomics.store(new Int32Array(sab), 2, 5);
    assert.equal(futexWait(sab, 8, 4, 10_000), WAIT_NOT_EQUAL);
    assert.equal(futexWait(sab, 8, 4, -1), WAIT_NOT_EQUAL);
  });

  test("returns WAIT_TIMED_OUT when nobody wakes it", T, () => {
    const sab = new SharedArrayBuffer(16);
    assert.equal(futexWait(sab, 4, 0, 20), WAIT_TIMED_OUT);
    assert.equal(futexWait(sab, 4, 0, 0), WAIT_TIMED_OUT);
  });

  test("expected compares as int32 bits (uint32 spelling allowed)", T, () => {
    const sab = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(sab), 0, -1);
    assert.equal(futexWait(sab, 0, 0xffffffff, 1), WAIT_TIMED_OUT);
    assert.equal(futexWait(sab, 0, -1, 1), WAIT_TIMED_OUT);
  });

  test("waking with nobody waiting returns 0", T, () => {
    const sab = new SharedArrayBuffer(8);
    assert.equal(futexWake(sab, 4, 1), 0);
    assert.equal(futexWake(sab, 4), 0);
  });

  test("offsets must be 4-aligned and inside the buffer", T, () => {
    const sab = new SharedArrayBuffer(16);
    for (const offset of [-4, 2, 13, 16, 1.5, NaN]) {
      assert.throws(() => futexWait(sab, offset, 0, 0), { code: "ERR_ETHER_INVALID_OPTION" });
      assert.throws(() => futexWake(sab, offset, 1), { code: "ERR_ETHER_INVALID_OPTION" });
    }
    assert.throws(() => futexWait(new ArrayBuffer(8) as unknown as SharedArrayBuffer, 0, 0, 0), {
      code: "ERR_ETHER_INVALID_OPTION",
    });
    assert.throws(() => futexWait(sab, 0, 2 ** 32, 0), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => futexWait(sab, 0, 0, NaN), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => futexWake(sab, 0, -1), { code: "ERR_ETHER_INVALID_OPTION" });
  });

  test("a worker blocked in futexWait is woken by the main thread", T, async () => {
    const sab = new SharedArrayBuffer(8);
    const worker = startWorker("futex-block", { sab });
    peers.push(worker);
    assert.equal((await worker.next()).type, "ready");
    assert.equal(await wakeUntilWoken(sab, 0), 1);
    assert.deepEqual(await worker.next(), { type: "result", result: WAIT_WOKEN });
  });

  test("a child process blocked on a shared word is woken by the parent", T, async () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 4096);
      const child = forkChild("futex-wait", [name]);
      peers.push(child);
      assert.equal((await child.next()).type, "ready");
      Atomics.store(new Int32Array(sab), 1, 42); // payload, seen by the child after it wakes
      // The word itself stays 0, so the child can only have returned because a wake reached it.
      assert.equal(await wakeUntilWoken(sab, 0), 1);
      assert.deepEqual(await child.next(), { type: "result", result: WAIT_WOKEN, word: 0, payload: 42 });
    } finally {
      shmUnlink(name);
    }
  });

  test("store-then-wake across processes: the sleeper sees the value whatever the interleaving", T, async () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 4096);
      const child = forkChild("futex-protocol", [name]);
      peers.push(child);
      assert.equal((await child.next()).type, "ready");
      Atomics.store(new Int32Array(sab), 0, 1);
      const woken = futexWake(sab, 0);
      const reply = (await child.next()) as unknown as { results: number[]; word: number };
      assert.equal(reply.word, 1);
      // Allowed outcomes: the child was parked and woken (woken = 1, last result WAIT_WOKEN), or it
      // had not parked yet and saw the new value (woken = 0, WAIT_NOT_EQUAL or no wait at all).
      const last = reply.results.at(-1);
      if (woken === 1) assert.equal(last, WAIT_WOKEN);
      else assert.ok(last === undefined || last === WAIT_NOT_EQUAL || last === WAIT_WOKEN, `results ${reply.results}`);
      assert.ok(!reply.results.includes(WAIT_TIMED_OUT));
    } finally {
      shmUnlink(name);
    }
  });
});
