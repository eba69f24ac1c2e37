// HealthMonitor: degraded on a failing or hung check, recovery attempts, back to ready, failed after
// maxRecoveries; periodic rounds from an injected timer (no wall clock anywhere).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HealthMonitor, Resource, type HealthCheckResult, type TransitionEvent } from "../../src/lifecycle/index.js";
import type { EtherError } from "../../src/errors.js";
import { ManualTimer, flush } from "./manual-timer.js";

/** A resource whose health the test sets; `recover` mends it when `mends` is true. */
async function patient(name = "camera", options: { recoverHook?: boolean } = { recoverHook: true }) {
  const state = { healthy: true, mends: false, checks: 0, recovers: 0, log: [] as string[] };
  const r = new Resource(name, {
    initialize: () => void state.log.push("initialize"),
    cleanup: () => void state.log.push("cleanup"),
    healthCheck: (): HealthCheckResult => {
      state.checks++;
      return state.healthy ? true : { healthy: false, detail: "no frames for 2 s" };
    },
    ...(options.recoverHook === false
      ? {}
      : {
          recover: () => {
            state.recovers++;
            if (state.mends) state.healthy = true;
          },
        }),
  });
  const events: TransitionEvent[] = [];
  r.onTransition((e) => events.push(e));
  await r.start();
  events.length = 0;
  const path = () => events.map((e) => `${e.from}→${e.to}: ${e.reason ?? ""}`);
  return { r, state, events, path };
}

describe("HealthMonitor", () => {
  it("a failing check degrades; a recovery attempt that works brings it back to ready", async () => {
    const { r, state, path } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 100, timer: new ManualTimer() }).add(r);
    await monitor.tick();
    assert.equal(r.state, "ready");
    state.healthy = false;
    await monitor.tick();
    assert.equal(r.state, "degraded");
    state.mends = true;
    await monitor.tick(); // check fails, attempt 1 mends it, the check after it passes
    assert.equal(r.state, "ready");
    assert.equal(state.recovers, 1);
    assert.deepEqual(path(), ["ready→degraded: health check failed: no frames for 2 s", "degraded→ready: recovered by recovery attempt 1"]);
    assert.deepEqual(monitor.status(r), {
      resource: "camera",
      state: "ready",
      checks: 4,
      failedChecks: 2,
      recoveryAttempts: 0,
      totalRecoveryAttempts: 1,
      lastCheck: { healthy: true, time: monitor.status(r)!.lastCheck!.time },
    });
  });

  it("a resource that mends itself goes back to ready without a recovery attempt", async () => {
    const { r, state, path } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 100, timer: new ManualTimer() }).add(r);
    state.healthy = false;
    await monitor.tick();
    state.healthy = true;
    await monitor.tick();
    assert.equal(state.recovers, 0);
    assert.deepEqual(path(), ["ready→degraded: health check failed: no frames for 2 s", "degraded→ready: health check passed again"]);
  });

  it("degraded → failed after maxRecoveries failed attempts, keeping ERR_ETHER_RECOVERY; then it is left alone", async () => {
    const { r, state, path } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 100, maxRecoveries: 2, timer: new ManualTimer() }).add(r);
    state.healthy = false;
    await monitor.tick(); // degraded
    await monitor.tick(); // attempt 1
    assert.equal(r.state, "degraded");
    assert.equal(monitor.status(r)!.recoveryAttempts, 1);
    await monitor.tick(); // attempt 2: the last
    assert.equal(r.state, "failed");
    assert.equal(state.recovers, 2);
    const error = r.error as EtherError;
    assert.equal(error.code, "ERR_ETHER_RECOVERY");
    assert.equal(error.message, 'resource "camera" did not recover after 2 recovery attempt(s); last problem: no frames for 2 s');
    assert.deepEqual(path(), ["ready→degraded: health check failed: no frames for 2 s", `degraded→failed: ${error.message}`]);
    const checks = state.checks;
    await monitor.tick();
    assert.equal(state.checks, checks, "a failed resource is not checked");
  });

  it("maxRecoveries 0: failed at the first failing check while degraded, no attempt", async () => {
    const { r, state } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 100, maxRecoveries: 0, timer: new ManualTimer() }).add(r);
    state.healthy = false;
    await monitor.tick();
    await monitor.tick();
    assert.equal(r.state, "failed");
    assert.equal(state.recovers, 0);
  });

  it("without a recover hook, recovery re-initializes (cleanup, then initialize)", async () => {
    const { r, state } = await patient("model", { recoverHook: false });
    const monitor = new HealthMonitor({ intervalMs: 100, timer: new ManualTimer() }).add(r);
    state.healthy = false;
    await monitor.tick();
    await monitor.tick();
    assert.deepEqual(state.log, ["initialize", "cleanup", "initialize"]);
  });

  it("a throwing recovery is a failed attempt, named in the final error", async () => {
    const r = new Resource("port", {
      healthCheck: () => false,
      recover: () => {
        throw new Error("EBUSY");
      },
    });
    await r.start();
    const monitor = new HealthMonitor({ intervalMs: 100, maxRecoveries: 1, timer: new ManualTimer() }).add(r);
    await monitor.tick();
    await monitor.tick();
    assert.equal(r.state, "failed");
    assert.equal(r.error!.message, 'resource "port" did not recover after 1 recovery attempt(s); last problem: recovery attempt 1 failed: EBUSY');
  });

  it("a check that hangs times out (degraded), and is not called again while it hangs", async () => {
    const timer = new ManualTimer();
    let calls = 0;
    let recovers = 0;
    const r = new Resource("instrument", {
      healthCheck: () => {
        calls++;
        return new Promise<HealthCheckResult>(() => {});
      },
      recover: () => void recovers++,
    });
    await r.start();
    const monitor = new HealthMonitor({ intervalMs: 1000, timeoutMs: 300, maxRecoveries: 1, timer }).add(r);
    monitor.start();
    await timer.advance(1000); // round 1 begins, the check hangs
    assert.equal(r.state, "ready");
    await timer.advance(299);
    assert.equal(r.state, "ready");
    await timer.advance(1); // timeout
    assert.equal(r.state, "degraded");
    assert.equal(r.reason, 'health check failed: resource "instrument": health check did not finish within 300 ms');
    await timer.advance(1000); // round 2: the old check still hangs, so it counts as failed; attempt 1 fails too
    assert.equal(calls, 1);
    assert.equal(recovers, 1);
    assert.equal(r.state, "failed");
    assert.match(r.error!.message, /last problem: the previous health check has still not finished/);
    await monitor.stop();
    assert.equal(timer.pending, 0);
  });

  it("a recovery that hangs times out as a failed attempt", async () => {
    const timer = new ManualTimer();
    const r = new Resource("bridge", { healthCheck: () => false, recover: () => new Promise(() => {}) });
    await r.start();
    const monitor = new HealthMonitor({ intervalMs: 1000, timeoutMs: 50, maxRecoveries: 1, timer }).add(r);
    monitor.start();
    await timer.advance(1000);
    assert.equal(r.state, "degraded");
    await timer.advance(1000);
    assert.equal(r.state, "degraded", "attempt 1 is running");
    await timer.advance(50);
    assert.equal(r.state, "failed");
    assert.match(r.error!.message, /recovery attempt 1 failed: resource "bridge": recovery attempt did not finish within 50 ms/);
    await monitor.stop();
  });

  it("rounds run every intervalMs after the previous one, and stop() ends them", async () => {
    const timer = new ManualTimer();
    const { r, state } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 500, timer }).add(r);
    monitor.start();
    monitor.start(); // idempotent
    await timer.advance(499);
    assert.equal(state.checks, 0);
    await timer.advance(1);
    assert.equal(state.checks, 1);
    await timer.advance(1000);
    assert.equal(state.checks, 3);
    await monitor.stop();
    assert.equal(timer.pending, 0);
    await timer.advance(5000);
    assert.equal(state.checks, 3);
  });

  it("only ready and degraded resources are checked; a restarted resource is checked again from zero", async () => {
    let healthy = false;
    let checks = 0;
    const r = new Resource("instance", {
      healthCheck: () => {
        checks++;
        return healthy;
      },
      recover: () => {},
    });
    const monitor = new HealthMonitor({ intervalMs: 100, maxRecoveries: 1, timer: new ManualTimer() }).add(r);
    await monitor.tick();
    assert.equal(checks, 0, "created is not checked");
    await r.start();
    await monitor.tick();
    await monitor.tick();
    assert.equal(r.state, "failed");
    await r.start(); // the supervisor's restart
    healthy = true;
    await monitor.tick();
    assert.equal(r.state, "ready");
    assert.equal(monitor.status(r)!.recoveryAttempts, 0);
    await r.close();
    const before = checks;
    await monitor.tick();
    assert.equal(checks, before, "closed is not checked");
    monitor.remove(r);
    assert.equal(monitor.status(r), undefined);
  });

  it("a resource degraded by someone else (a watchdog) is recovered the same way", async () => {
    const { r, state, path } = await patient();
    const monitor = new HealthMonitor({ intervalMs: 100, timer: new ManualTimer() }).add(r);
    r.markDegraded("handler process_data has run for 5 s");
    await monitor.tick();
    assert.equal(r.state, "ready");
    assert.deepEqual(path(), ["ready→degraded: handler process_data has run for 5 s", "degraded→ready: health check passed again"]);
    assert.equal(state.recovers, 0);
  });

  it("closing a resource during a round: the monitor changes nothing after", async () => {
    let release!: (v: HealthCheckResult) => void;
    const r = new Resource("x", { healthCheck: () => new Promise<HealthCheckResult>((resolve) => (release = resolve)) });
    await r.start();
    const monitor = new HealthMonitor({ intervalMs: 100, timer: new ManualTimer() }).add(r);
    const round = monitor.tick();
    await flush();
    await r.close();
    release(false);
    await round;
    assert.equal(r.state, "closed");
  });

  it("options are validated once, naming the option", () => {
    const bad: Array<[unknown, RegExp]> = [
      [{}, /HealthMonitor: option intervalMs must be a number of milliseconds above 0/],
      [{ intervalMs: 0 }, /option intervalMs must be .* got 0/],
      [{ intervalMs: "1s" }, /option intervalMs must be .* got 1s/],
      [{ intervalMs: 100, timeoutMs: -1 }, /option timeoutMs must be/],
      [{ intervalMs: 100, maxRecoveries: 1.5 }, /option maxRecoveries must be an integer of at least 0, got 1.5/],
      [{ intervalMs: 100, interval: 5 }, /option interval is not an option; known options: intervalMs, timeoutMs, maxRecoveries, timer, clock/],
      [{ intervalMs: 100, timer: {} }, /option timer must have setTimeout/],
      [null, /option options must be an object/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => new HealthMonitor(options as never), { code: "ERR_ETHER_INVALID_OPTION", message }, JSON.stringify(options));
    }
  });
});
