// The registry's ether_start and ether_every in a session: a class without decorators is started
// and ticked by its host, on a thread and in a process, and publishes what the methods return.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collect, fixtureSessions } from "../helpers/sessions.js";

const { C, session } = fixtureSessions("test/runtime/fixtures");

for (const placement of ["thread", "process"] as const) {
  test(`registry ether_start and ether_every drive an undecorated class on a ${placement}`, { timeout: 60_000 }, async () => {
    const ether = await session({
      instances: { counter: { class_path: C("PlainCounter"), placement } },
      registry: {
        [C("PlainCounter")]: {
          methods: {
            hello: { ether_start: {}, ether_pub: { topic: "plain/hello" } },
            tick: { ether_every: "5ms", ether_pub: { topic: "plain/ticks" } },
          },
        },
      },
    });
    const hello = ether.engine!.topic("plain/hello").subscriber({ wait: "spin" });
    const ticks = ether.engine!.topic("plain/ticks").subscriber({ wait: "spin" });
    await ether.start();
    const started = await collect(hello, 1);
    assert.equal(started.length, 1, "hello() ran once at start");
    assert.equal(started[0]!.pid === process.pid, placement === "thread");
    assert.deepEqual((await collect(ticks, 3)).map((m) => m.n), [0, 1, 2], "tick() ran every 5 ms");
    assert.equal((await ether.shutdown()).failed, false);
  });
}
