// The Watcher: futex waits for the main thread, called back on the event loop; keep-alive rules;
// close() and teardown with and without an armed wait.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, afterEach, describe, test } from "node:test";
import { isMainThread, threadId } from "node:worker_threads";

import {
  futexWake,
  shmCreate,
  shmUnlink,
  WAIT_NOT_EQUAL,
  WAIT_TIMED_OUT,
  WAIT_WOKEN,
  Watcher,
  type WaitResult,
} from "../../src/native/platform.js";
import { forkChild, Segments, sleep, startWorker, type Peer } from "./support.js";

const T = { timeout: 20_000 };
const segments = new Segments("watch");
const peers: Peer[] = [];
const watchers: Watcher[] = [];

function watcher(): Watcher {
  const w = new Watcher();
  watchers.push(w);
  return w;
}

function waitOnce(w: Watcher, sab: SharedArrayBuffer, offset: number, expected: number, timeoutMs: number) {
  return new Promise<{ result: WaitResult; main: boolean; thread: number }>((resolve) =>
    w.wait(sab, offset, expected, timeoutMs, (result) => resolve({ result, main: isMainThread, thread: threadId })),
  );
}

/** Runs fixtures/child.js <command> without IPC; resolves to its exit code. */
function exitCodeOf(command: string, nodeFlags: string[] = []): Promise<number | null> {
  const fixture = new URL("./fixtures/child.js", import.meta.url).pathname;
  const child = spawn(process.execPath, [...nodeFlags, fixture, command], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

afterEach(async () => {
  for (const w of watchers.splice(0)) w.close();
  for (const peer of peers.splice(0)) await peer.kill();
});
after(() => {
  segments.cleanup();
  assert.deepEqual(segments.present(), []);
});

describe("Watcher", () => {
  test("close() with nothing armed, twice", T, () => {
    const w = watcher();
    assert.equal(w.armed, false);
    assert.equal(w.closed, false);
    w.close();
    w.close();
    assert.equal(w.closed, true);
    assert.throws(() => w.wait(new SharedArrayBuffer(4), 0, 0, 0, () => {}), { code: "ERR_ETHER_CLOSED" });
  });

  test("times out and reports WAIT_TIMED_OUT on the main thread, asynchronously", T, async () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    let returned = false;
    const outcome = waitOnce(w, sab, 4, 0, 20);
    returned = true;
    assert.equal(w.armed, true);
    const { result, main, thread } = await outcome;
    assert.ok(returned);
    assert.deepEqual({ result, main, thread }, { result: WAIT_TIMED_OUT, main: true, thread: 0 });
    assert.equal(w.armed, false);
  });

  test("reports WAIT_NOT_EQUAL when the word already differs", T, async () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    Atomics.store(new Int32Array(sab), 0, 3);
    assert.equal((await waitOnce(w, sab, 0, 2, -1)).result, WAIT_NOT_EQUAL);
  });

  test("one wait at a time; the callback may arm the next", T, async () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    const results: number[] = [];
    await new Promise<void>((resolve) => {
      w.wait(sab, 0, 0, 5, (first) => {
        results.push(first);
        w.wait(sab, 0, 1, -1, (second) => {
          results.push(second);
          resolve();
        });
      });
      assert.throws(() => w.wait(sab, 0, 0, 5, () => {}), { code: "ERR_ETHER_INVALID_OPTION" });
    });
    assert.deepEqual(results, [WAIT_TIMED_OUT, WAIT_NOT_EQUAL]);
  });

  test("woken by a wake from this same process", T, async () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    const outcome = waitOnce(w, sab, 4, 0, -1);
    // Wake until the kernel counts the watcher's thread as woken; the word stays 0.
    while (futexWake(sab, 4, 1) === 0) await sleep(2);
    assert.equal((await outcome).result, WAIT_WOKEN);
  });

  test("a store+wake from a worker thread calls back on the main thread", T, async () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    const outcome = waitOnce(w, sab, 0, 0, -1);
    const worker = startWorker("store-wake", { sab });
    peers.push(worker);
    const { result, main } = await outcome;
    // Allowed: parked then woken, or the store landed before the watcher thread parked.
    assert.ok(result === WAIT_WOKEN || result === WAIT_NOT_EQUAL, `result ${result}`);
    assert.equal(main, true);
    assert.equal(Atomics.load(new Int32Array(sab), 0), 1);
  });

  test("woken by another process on a shared segment", T, async () => {
    const name = segments.name();
    try {
      const sab = shmCreate(name, 4096);
      const w = watcher();
      const outcome = waitOnce(w, sab, 64, 0, -1);
      const child = forkChild("wake-until", [name, "64"]);
      peers.push(child);
      const { result, main } = await outcome;
      assert.deepEqual({ result, main }, { result: WAIT_WOKEN, main: true });
      assert.equal((await child.next())["woken"], 1);
    } finally {
      shmUnlink(name);
    }
  });

  test("close() while armed: the callback never runs", T, async () => {
    const w = watcher();
    let called = false;
    w.wait(new SharedArrayBuffer(4), 0, 0, -1, () => (called = true));
    w.close();
    assert.equal(w.armed, false);
    await sleep(30);
    assert.equal(called, false);
  });

  test("arguments are validated", T, () => {
    const w = watcher();
    const sab = new SharedArrayBuffer(8);
    assert.throws(() => w.wait(sab, 6, 0, 0, () => {}), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => w.wait(sab, 8, 0, 0, () => {}), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => w.wait(sab, 0, 0, 0, undefined as never), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.equal(w.armed, false);
  });

  test("an idle watcher does not keep a process alive", T, async () => {
    assert.equal(await exitCodeOf("watcher-idle"), 0);
  });

  test("an armed wait keeps a process alive until its callback; then it may exit", T, async () => {
    assert.equal(await exitCodeOf("watcher-timeout"), 10 + WAIT_TIMED_OUT);
  });

  test("close() of an armed wait lets the process exit", T, async () => {
    assert.equal(await exitCodeOf("watcher-close-armed"), 30);
  });

  test("process.exit() with an armed infinite wait does not hang", T, async () => {
    assert.equal(await exitCodeOf("watcher-exit-armed"), 40);
  });

  test("an exception thrown by a callback is an uncaught exception, not swallowed", T, async () => {
    assert.equal(await exitCodeOf("watcher-throw"), 50);
  });

  test("watchers dropped without close() are garbage collected cleanly", T, async () => {
    assert.equal(await exitCodeOf("watcher-gc", ["--expose-gc"]), 60);
  });

  test("terminating a worker with an armed infinite wait stops its watcher thread", T, async () => {
    const sab = new SharedArrayBuffer(4);
    const worker = startWorker("watcher-armed", { sab });
    assert.equal((await worker.next()).type, "armed");
    await worker.kill();
    assert.equal(await worker.exited, 1);
    // The watched word is still ours; nothing is left waiting on it.
    assert.equal(futexWake(sab, 0), 0);
  });

  test("terminating workers that all watch one word (each close wakes the others)", T, async () => {
    const sab = new SharedArrayBuffer(4);
    const workers = Array.from({ length: 6 }, () => startWorker("watcher-armed", { sab }));
    for (const worker of workers) assert.equal((await worker.next()).type, "armed");
    await Promise.all(workers.map((worker) => worker.kill()));
    // Allowed outcomes: terminated while armed (1), or woken by another watcher's close, after which
    // nothing keeps the worker alive and it ends on its own (0). Anything else is a crash.
    for (const code of await Promise.all(workers.map((worker) => worker.exited))) assert.ok(code === 0 || code === 1, `exit code ${code}`);
  });
});
