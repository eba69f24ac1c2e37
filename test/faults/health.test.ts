// Users' healthCheck(): its host runs it periodically; a failing check makes the instance degraded
// (published on ether/lifecycle, shown by status()), a passing one makes it ready again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { C, drain, session, shutdownAfterEach, until } from "./helpers.js";

shutdownAfterEach();

test("a failing healthCheck() degrades the instance; passing again restores it", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: { counter: { class_path: C("SlowCounter") }, moody: { class_path: C("Moody"), placement: "process" } },
  });
  const lifecycle = ether.engine!.topic("ether/lifecycle").subscriber({ wait: "spin" });
  await ether.start();
  const degraded = await until(ether, "moody", (s) => s.state === "degraded", "degraded");
  assert.equal(degraded.health, "unhealthy");
  assert.match(degraded.reason ?? "", /health check of moody failed: sensor offline/);
  const back = await until(ether, "moody", (s) => s.state === "ready", "recovery");
  assert.equal(back.health, "ok");
  assert.equal(back.restarts, 0, "a degraded instance is not restarted");
  const records: Record<string, unknown>[] = [];
  drain(lifecycle, records);
  assert.deepEqual(records.filter((r) => r.host === "moody").map((r) => r.to), ["initializing", "ready", "degraded", "ready"]);
  assert.equal((await ether.shutdown()).failed, false, "an instance that recovered did not fail");
  const after: Record<string, unknown>[] = [];
  drain(lifecycle, after);
  const closing = after.map((r) => `${r.resource as string}:${r.to as string}`);
  assert.deepEqual(closing, ["instance moody:closing", "instance moody:closed", "instance counter:closing", "instance counter:closed", "segments:closing"], "stopped in reverse order, the segments last");
});

test("an idle host still runs health checks, on the main thread too", { timeout: 60_000 }, async () => {
  const ether = await session({ instances: { wobbly: { class_path: C("Wobbly"), placement: "main" } } });
  await ether.start();
  const degraded = await until(ether, "wobbly", (s) => s.state === "degraded", "degraded");
  assert.match(degraded.reason ?? "", /health check of wobbly failed: warming up/);
  const back = await until(ether, "wobbly", (s) => s.state === "ready", "recovery");
  assert.equal(back.health, "ok");
  assert.equal((await ether.shutdown()).failed, false);
});
