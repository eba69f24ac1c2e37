// Supervision faults: a process-placed reader killed with SIGKILL again and again during a block
// stream, a handler that always throws, and a hung handler. The supervisor restarts by policy with
// backoff, a restarted reader resumes its cursor (nothing lost, duplicates only for frames in flight),
// and the rest of the session runs on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { listSegments, sessionPrefix } from "../../src/native/platform.js";
import { C, drain, session, shutdownAfterEach, until } from "./helpers.js";

shutdownAfterEach();

test("kill -9 of a process-placed reader 20 times during a block stream: every number arrives, restarts counted", { timeout: 240_000 }, async () => {
  const COUNT = 30_000;
  const KILLS = 20;
  const ether = await session({
    instances: {
      counter: { class_path: C("Counter"), kwargs: { count: COUNT, perTick: 10 } },
      forwarder: {
        class_path: C("Forwarder"),
        placement: "process",
        restart: { policy: "on-failure", max: KILLS + 5, delay: "10ms", max_delay: "50ms", window: "10m" },
      },
    },
    topics: { numbers: { capacity: "16KiB", policy: "block" }, forwarded: { capacity: "1MiB", policy: "block" } },
    session: { block_timeout: "120s" },
  });
  const forwarded = ether.engine!.topic("forwarded").subscriber({ wait: "spin" });
  await ether.start();
  const got: Record<string, unknown>[] = [];
  const pids = new Set<number>();
  let seed = 12345;
  for (let kill = 0; kill < KILLS; kill++) {
    const ready = await until(ether, "forwarder", (s) => s.state === "ready" && s.restarts === kill && !pids.has(s.pid), `restart ${kill}`);
    pids.add(ready.pid);
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const pause = 20 + (seed % 60); // a random moment while it runs
    const stop = performance.now() + pause;
    while (performance.now() < stop) {
      drain(forwarded, got);
      await sleep(1);
    }
    process.kill(ready.pid, "SIGKILL");
  }
  await until(ether, "forwarder", (s) => s.state === "ready" && s.restarts === KILLS, "the last restart");
  const deadline = performance.now() + 120_000;
  const seen = new Set<number>(got.map((m) => m.n as number));
  while (seen.size < COUNT && performance.now() < deadline) {
    const before = got.length;
    drain(forwarded, got);
    for (let i = before; i < got.length; i++) seen.add(got[i]!.n as number);
    await sleep(2);
  }
  assert.equal(seen.size, COUNT, "every number arrived at least once");
  assert.ok(got.length - COUNT <= KILLS, `duplicates only for frames in flight at a crash: ${got.length - COUNT} for ${KILLS} kills`);
  assert.ok(got.length - COUNT >= 0);
  const status = ether.status();
  assert.equal(status.find((s) => s.instance === "forwarder")!.restarts, KILLS);
  assert.equal(status.find((s) => s.instance === "counter")!.state, "ready", "the session never stopped");
  assert.equal(ether.engine!.topic("numbers").faults().detachedSubscribers, 0, "the reader was never detached");
  const report = await ether.shutdown();
  assert.equal(report.restarts, KILLS);
  assert.equal(report.failed, true, "the exit code says something failed");
  assert.deepEqual(listSegments(sessionPrefix(ether.sessionId!)), []);
});

test("a handler that always throws: restarted with growing backoff, given up after max", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      counter: { class_path: C("SlowCounter") },
      thrower: { class_path: C("AlwaysThrows"), restart: { policy: "on-failure", max: 3, delay: "40ms", max_delay: "1s", window: "1m" } },
    },
  });
  const lifecycle = ether.engine!.topic("ether/lifecycle").subscriber({ wait: "spin" });
  await ether.start();
  const final = await until(ether, "thrower", (s) => s.state === "failed" && s.restarts === 3 && !s.restartPending, "giving up");
  assert.match(final.reason ?? "", /exit code 1/);
  await sleep(100);
  const records: Record<string, unknown>[] = [];
  drain(lifecycle, records);
  const mine = records.filter((r) => r.host === "thrower");
  const failures = mine.filter((r) => r.to === "failed");
  assert.equal(failures.length, 4, "three restarts, then the fourth failure stays");
  assert.deepEqual(failures.map((r) => r.restartInMs), [40, 80, 160, null], "backoff doubles; no restart after max");
  const restartedAt = mine.filter((r) => r.to === "initializing").map((r) => r.time as number);
  const failedAt = failures.map((r) => r.time as number);
  for (let k = 1; k < restartedAt.length; k++) {
    // A timer may fire a little early against Date.now (libuv reads its clock once per loop turn): half the backoff is plenty to show it waited.
    assert.ok(restartedAt[k]! - failedAt[k - 1]! >= [40, 80, 160][k - 1]! / 2, `restart ${k} waited its backoff`);
  }
  assert.equal(ether.status().find((s) => s.instance === "counter")!.state, "ready", "the rest runs on");
  assert.equal((await ether.shutdown()).failed, true);
});

test("a hung handler: the watchdog marks the instance degraded, kills it, and it is restarted", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      counter: { class_path: C("SlowCounter") },
      hanger: { class_path: C("HangsOnZero"), handler_timeout: "200ms", restart: { policy: "on-failure", max: 1, delay: "10ms" } },
    },
  });
  const lifecycle = ether.engine!.topic("ether/lifecycle").subscriber({ wait: "spin" });
  await ether.start();
  // Message 0 was in flight at each kill, so the successor hangs on it again: restarted once, then given up.
  const final = await until(ether, "hanger", (s) => s.state === "failed" && s.restarts === 1 && !s.restartPending, "the watchdog and the restart");
  assert.match(final.reason ?? "", /handler hung .*handler_timeout 200 ms.*watchdog/);
  const records: Record<string, unknown>[] = [];
  drain(lifecycle, records);
  const path = records.filter((r) => r.host === "hanger").map((r) => r.to);
  assert.deepEqual(path, ["initializing", "ready", "degraded", "failed", "initializing", "ready", "degraded", "failed"]);
  assert.equal(ether.status().find((s) => s.instance === "counter")!.state, "ready");
  assert.equal((await ether.shutdown()).failed, true);
});
