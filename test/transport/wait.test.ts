// Waiting: a parked reader is always woken (no lost wake-up, with parks capped far beyond the test's
// timeout), for every strategy, over threads and processes; wait(timeout) returns by its deadline.
import { after, afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { Topic, WAIT_ALIASES } from "../../src/transport/index.js";
import { awaitReady, runRole, terminateRoles } from "../helpers/threads.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

afterEach(closeSpaces);
after(terminateRoles);

const ROLES = "test/transport/fixtures/roles.js";
const FRAMES = 2000;

for (const { transport, host } of TRANSPORTS) {
  for (const wait of WAIT_ALIASES) {
    test(`${wait} reader over ${transport}: every frame from a ${host} wakes it (no lost wake-up)`, { timeout: 30_000 }, async () => {
      const space = spaceFor(transport);
      const data = space.createTopic("data", { capacity: 1 << 16 });
      const ready = space.createTopic("ready");
      const go = space.createTopic("go");
      const readySub = Topic.attach(ready).subscriber({ wait: "spin" });
      const reader = runRole<{ received: number; outOfOrder: number }>(ROLES, { role: "wait-reader", data, ready, wait, count: FRAMES });
      const writer = runRole<{ published: number }>(ROLES, { role: "trickle", data, ready, go, count: FRAMES, seed: 7 }, host);
      await awaitReady(() => readySub.poll(() => {}), 2, [reader, writer]);
      Topic.attach(go).publisher().publish(new Uint8Array(1));
      assert.equal((await writer).published, FRAMES);
      assert.deepEqual(await reader, { received: FRAMES, outOfOrder: 0 });
    });
  }
}

for (const { transport, host } of TRANSPORTS) {
  test(`one doorbell for a host reading three topics over ${transport}: woken by any of them`, { timeout: 30_000 }, async () => {
    const space = spaceFor(transport);
    const topics = ["a", "b", "c"].map((name) => space.createTopic(name, { capacity: 1 << 16 }));
    const ready = space.createTopic("ready");
    const go = space.createTopic("go");
    const readySub = Topic.attach(ready).subscriber({ wait: "spin" });
    const reader = runRole<{ perTopic: number[] }>(ROLES, { role: "host-reader", topics, ready, count: FRAMES });
    const writer = runRole<{ published: number }>(
      ROLES,
      { role: "trickle", data: topics[0], more: topics.slice(1), ready, go, count: FRAMES, seed: 11 },
      host,
    );
    await awaitReady(() => readySub.poll(() => {}), 2, [reader, writer]);
    Topic.attach(go).publisher().publish(new Uint8Array(1));
    assert.equal((await writer).published, FRAMES);
    const { perTopic } = await reader;
    assert.deepEqual(perTopic, [667, 667, 666]);
  });
}

for (const wait of WAIT_ALIASES) {
  test(`wait(timeout) with ${wait} returns false by its deadline when nothing comes`, { timeout: 10_000 }, () => {
    const space = spaceFor("threads");
    const sub = Topic.attach(space.createTopic("quiet")).subscriber({ wait });
    for (let i = 0; i < 5; i++) assert.equal(sub.wait(20), false);
  });
}
