// Resource behaviour: hooks run at the documented moments and exactly once, failures are kept and
// reported, ensureReady explains itself, close is idempotent and never races a hook.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { distPath } from "../helpers/paths.js";
import { Resource, type HealthCheckResult, type TransitionEvent } from "../../src/lifecycle/index.js";
import type { EtherError } from "../../src/errors.js";

/** A resource whose hooks append to `log`; `fail` makes a hook throw. */
function logged(name = "camera", fail: { initialize?: boolean; cleanup?: boolean } = {}) {
  const log: string[] = [];
  const events: TransitionEvent[] = [];
  let now = 0;
  const r = new Resource(
    name,
    {
      initialize() {
        log.push("initialize");
        if (fail.initialize) throw new Error("no device at /dev/video0");
      },
      async cleanup() {
        log.push("cleanup");
        if (fail.cleanup) throw new Error("device busy");
      },
    },
    { clock: () => (now += 10) },
  );
  r.onTransition((e) => events.push(e));
  const path = () => events.map((e) => `${e.from}→${e.to}`);
  return { r, log, events, path };
}

describe("Resource", () => {
  it("start: created → initializing → ready, initialize once, events carry the injected clock", async () => {
    const { r, log, events } = logged();
    assert.equal(r.state, "created");
    await r.start();
    assert.equal(r.state, "ready");
    assert.deepEqual(log, ["initialize"]);
    assert.deepEqual(events, [
      { resource: "camera", from: "created", to: "initializing", time: 20 },
      { resource: "camera", from: "initializing", to: "ready", time: 30 },
    ]);
    assert.equal(r.since, 30);
    r.ensureReady();
  });

  it("a failing initialize: cleanup runs, the resource is failed keeping the error, and it is reported", async () => {
    const { r, log, events, path } = logged("camera", { initialize: true });
    await assert.rejects(r.start(), (e: EtherError) => {
      assert.equal(e.code, "ERR_ETHER_INITIALIZE");
      assert.equal(e.message, 'resource "camera" failed to initialize: no device at /dev/video0');
      assert.equal((e.cause as Error).message, "no device at /dev/video0");
      return true;
    });
    assert.equal(r.state, "failed");
    assert.deepEqual(log, ["initialize", "cleanup"]);
    assert.deepEqual(path(), ["created→initializing", "initializing→failed"]);
    assert.equal(events[1]!.reason, 'resource "camera" failed to initialize: no device at /dev/video0');
    assert.equal((r.error as EtherError).code, "ERR_ETHER_INITIALIZE");
    // close after a failed start: no second cleanup
    await r.close();
    assert.deepEqual(log, ["initialize", "cleanup"]);
    assert.deepEqual(path().slice(2), ["failed→closing", "closing→closed"]);
  });

  it("a failing initialize whose cleanup also throws names both", async () => {
    const { r } = logged("camera", { initialize: true, cleanup: true });
    await assert.rejects(r.start(), {
      code: "ERR_ETHER_INITIALIZE",
      message: 'resource "camera" failed to initialize: no device at /dev/video0; the cleanup after it failed too: device busy',
    });
    assert.equal(r.state, "failed");
  });

  it("ensureReady on a failed resource names it, its state and the kept error", async () => {
    const { r } = logged("camera", { initialize: true });
    await r.start().catch(() => {});
    assert.throws(() => r.ensureReady(), {
      name: "EtherError",
      code: "ERR_ETHER_NOT_READY",
      message: 'resource "camera" is not ready: it is failed (resource "camera" failed to initialize: no device at /dev/video0)',
    });
    assert.throws(() => r.ensureReady({ allowDegraded: true }), { code: "ERR_ETHER_NOT_READY" });
  });

  it("ensureReady in the other states", async () => {
    const { r } = logged();
    assert.throws(() => r.ensureReady(), { message: 'resource "camera" is not ready: it is created (start() was not called)' });
    await r.start();
    r.markDegraded("frames late by 300 ms");
    assert.throws(() => r.ensureReady(), { message: 'resource "camera" is not ready: it is degraded (frames late by 300 ms)' });
    r.ensureReady({ allowDegraded: true });
    r.markFailed(new Error("driver crashed"));
    assert.throws(() => r.ensureReady(), { message: 'resource "camera" is not ready: it is failed (driver crashed)' });
    await r.close("shutdown");
    assert.throws(() => r.ensureReady(), { message: 'resource "camera" is not ready: it is closed' });
  });

  it("markFailed keeps the error and runs no cleanup; a restart cleans up first, close cleans up once more", async () => {
    const { r, log, path } = logged();
    await r.start();
    const crash = new Error("process exited with code 137");
    r.markFailed(crash);
    assert.equal(r.error, crash);
    assert.deepEqual(log, ["initialize"]);
    await r.start();
    assert.equal(r.error, undefined, "a ready resource has no error");
    assert.deepEqual(log, ["initialize", "cleanup", "initialize"]);
    await r.close();
    assert.deepEqual(log, ["initialize", "cleanup", "initialize", "cleanup"]);
    assert.deepEqual(path(), [
      "created→initializing",
      "initializing→ready",
      "ready→failed",
      "failed→initializing",
      "initializing→ready",
      "ready→closing",
      "closing→closed",
    ]);
  });

  it("a restart reports its reason", async () => {
    const { r, events } = logged();
    await r.start();
    r.markFailed("crashed");
    await r.start();
    assert.equal(events[2]!.reason, "crashed");
    assert.equal(events[3]!.reason, "restart");
  });

  it("close: cleanup once, idempotent, none for a resource never started", async () => {
    const { r, log, path } = logged();
    await r.start();
    const first = r.close("bye");
    assert.equal(r.close(), first);
    await first;
    await r.close();
    assert.deepEqual(log, ["initialize", "cleanup"]);
    assert.deepEqual(path().slice(-2), ["ready→closing", "closing→closed"]);

    const never = logged("idle");
    await never.r.close();
    assert.deepEqual(never.log, []);
    assert.deepEqual(never.path(), ["created→closing", "closing→closed"]);
  });

  it("close: a throwing cleanup still ends closed, and rejects with ERR_ETHER_CLEANUP naming the resource", async () => {
    const { r, events } = logged("camera", { cleanup: true });
    await r.start();
    await assert.rejects(r.close(), { code: "ERR_ETHER_CLEANUP", message: 'resource "camera" failed to clean up: device busy' });
    assert.equal(r.state, "closed");
    assert.equal(events.at(-1)!.reason, 'resource "camera" failed to clean up: device busy');
  });

  it("close during initialize: closing at once, cleanup only after initialize settled, start rejects ERR_ETHER_CLOSED", async () => {
    const log: string[] = [];
    let finish!: () => void;
    const r = new Resource("slow", {
      async initialize() {
        log.push("initialize:begin");
        await new Promise<void>((resolve) => (finish = resolve));
        log.push("initialize:end");
      },
      cleanup() {
        log.push("cleanup");
      },
    });
    const started = r.start();
    const closed = r.close("SIGINT");
    assert.equal(r.state, "closing");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ["initialize:begin"], "no cleanup while initialize runs");
    finish();
    await assert.rejects(started, { code: "ERR_ETHER_CLOSED", message: 'resource "slow" is closed' });
    await closed;
    assert.deepEqual(log, ["initialize:begin", "initialize:end", "cleanup"]);
    assert.equal(r.state, "closed");
  });

  it("markFailed during initialize: start rejects with that error, the cleanup stays owed", async () => {
    const log: string[] = [];
    let finish!: () => void;
    const r = new Resource("host", {
      initialize: () => new Promise<void>((resolve) => (finish = resolve)),
      cleanup: () => void log.push("cleanup"),
    });
    const started = r.start();
    const died = new Error("child exited before it was ready");
    r.markFailed(died);
    finish();
    await assert.rejects(started, (e) => e === died);
    assert.equal(r.state, "failed");
    assert.deepEqual(log, []);
    await r.close();
    assert.deepEqual(log, ["cleanup"]);
  });

  it("runRecovery: the recover hook if given, else cleanup then initialize; state stays degraded", async () => {
    const plain = logged();
    await plain.r.start();
    plain.r.markDegraded("slow");
    await plain.r.runRecovery();
    assert.deepEqual(plain.log, ["initialize", "cleanup", "initialize"]);
    assert.equal(plain.r.state, "degraded");

    const log: string[] = [];
    let finish!: () => void;
    const r = new Resource("serial", {
      recover: () => {
        log.push("recover");
        return new Promise<void>((resolve) => (finish = resolve));
      },
      cleanup: () => void log.push("cleanup"),
    });
    await r.start();
    r.markDegraded("no bytes for 1 s");
    const first = r.runRecovery();
    await assert.rejects(r.runRecovery(), { code: "ERR_ETHER_LIFECYCLE", message: 'resource "serial" cannot recover while recovering; it must be done with the previous attempt' });
    finish();
    await first;
    assert.deepEqual(log, ["recover"]);
    r.markRecovered();
    await assert.rejects(r.runRecovery(), { code: "ERR_ETHER_LIFECYCLE", message: 'resource "serial" cannot recover while ready; it must be degraded' });
  });

  it("runHealthCheck normalizes every kind of answer and never throws", async () => {
    const cases: Array<[() => HealthCheckResult | Promise<HealthCheckResult>, { healthy: boolean; detail?: string }]> = [
      [() => undefined, { healthy: true }],
      [() => true, { healthy: true }],
      [async () => true, { healthy: true }],
      [() => false, { healthy: false, detail: "returned false" }],
      [() => ({ healthy: false }), { healthy: false, detail: "reported unhealthy" }],
      [() => ({ healthy: false, detail: "queue 9000 deep" }), { healthy: false, detail: "queue 9000 deep" }],
      [() => ({ healthy: true, detail: "queue 3 deep" }), { healthy: true, detail: "queue 3 deep" }],
      [() => { throw new Error("EIO"); }, { healthy: false, detail: "threw: EIO" }],
      [() => Promise.reject(new Error("timeout")), { healthy: false, detail: "threw: timeout" }],
    ];
    for (const [healthCheck, expected] of cases) {
      const r = new Resource("x", { healthCheck });
      assert.deepEqual(await r.runHealthCheck(), expected, String(healthCheck));
    }
    assert.deepEqual(await new Resource("no-hook").runHealthCheck(), { healthy: true });
  });

  it("hooks of a composed object run with that object as this (a user's class instance as is)", async () => {
    class Driver {
      opened = 0;
      initialize() {
        this.opened++;
      }
      cleanup() {
        this.opened--;
      }
      healthCheck() {
        return this.opened === 1;
      }
    }
    const driver = new Driver();
    const r = new Resource("driver", driver);
    await r.start();
    assert.equal(driver.opened, 1);
    assert.deepEqual(await r.runHealthCheck(), { healthy: true });
    await r.close();
    assert.equal(driver.opened, 0);
  });

  it("subclasses override the protected hooks", async () => {
    class Segment extends Resource {
      readonly log: string[] = [];
      protected override async initialize(): Promise<void> {
        this.log.push("map");
      }
      protected override cleanup(): void {
        this.log.push("unmap");
      }
      protected override healthCheck(): HealthCheckResult {
        return { healthy: false, detail: "magic word overwritten" };
      }
    }
    const s = new Segment("segment ether_abc");
    await s.start();
    assert.deepEqual(await s.runHealthCheck(), { healthy: false, detail: "magic word overwritten" });
    s.markDegraded("magic word overwritten");
    await s.runRecovery(); // default recovery: cleanup then initialize, through the overrides
    await s.close();
    assert.deepEqual(s.log, ["map", "unmap", "map", "unmap"]);
  });

  it("observers: unsubscribe stops delivery; an observer may read the new state and error", async () => {
    const r = new Resource("obs");
    const seen: string[] = [];
    const stop = r.onTransition((e) => seen.push(`${e.to}:${r.state}:${r.error?.message ?? "-"}`));
    await r.start();
    r.markFailed("gone");
    stop();
    await r.close();
    assert.deepEqual(seen, ["initializing:initializing:-", "ready:ready:-", "failed:failed:gone"]);
  });

  it("a restart whose owed cleanup throws fails the restart, naming the cleanup", async () => {
    let cleanups = 0;
    const r = new Resource("port", {
      cleanup() {
        if (++cleanups === 1) throw new Error("EBUSY");
      },
    });
    await r.start();
    r.markFailed("crashed");
    await assert.rejects(r.start(), { code: "ERR_ETHER_CLEANUP", message: 'resource "port" failed to clean up: EBUSY' });
    assert.equal(r.state, "failed");
    await r.start(); // nothing owed any more: a plain restart
    assert.equal(r.state, "ready");
    assert.equal(cleanups, 1);
  });

  it("a throwing observer neither blocks the transition nor the other observers, and is raised as uncaught", () => {
    // node:test claims uncaught exceptions for itself, so this runs in a child process.
    const url = pathToFileURL(distPath("src/lifecycle/index.js")).href;
    const script = `
      const { Resource } = await import(${JSON.stringify(url)});
      const r = new Resource("obs");
      const seen = [];
      process.on("uncaughtException", (e) => seen.push("uncaught:" + e.message));
      r.onTransition(() => { throw new Error("observer bug"); });
      r.onTransition((e) => seen.push(e.to));
      await r.start();
      setImmediate(() => console.log(JSON.stringify({ state: r.state, seen })));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    const { state, seen } = JSON.parse(out) as { state: string; seen: string[] };
    assert.equal(state, "ready");
    assert.deepEqual(seen.filter((s) => !s.startsWith("uncaught:")), ["initializing", "ready"]);
    assert.deepEqual(seen.filter((s) => s.startsWith("uncaught:")), ["uncaught:observer bug", "uncaught:observer bug"], "one per transition");
  });

  it("a name is required", () => {
    assert.throws(() => new Resource(""), { code: "ERR_ETHER_INVALID_OPTION", message: /Resource: option name must be a non-empty string/ });
  });
});
