// Threads stress: 2 publishers x 3 subscribers x 1,000,000 frames of random sizes with checksums.
// Per subscriber: delivered == published under block; delivered + dropped == published under
// drop-oldest; no checksum ever wrong; frames of each publisher in order.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Topic, type Policy } from "../../src/transport/index.js";
import type { SubscribeResult } from "./fixtures/roles.js";
import { awaitReady, runRole, terminateRoles } from "../helpers/threads.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

const ROLES = "test/transport/fixtures/roles.js";
const PUBLISHERS = 2;
const SUBSCRIBERS = 3;
const FRAMES = 1_000_000;

after(terminateRoles);
after(closeSpaces);

for (const { transport, host } of TRANSPORTS)
for (const policy of ["block", "drop-oldest"] as Policy[]) {
  test(`${PUBLISHERS} publishers x ${SUBSCRIBERS} subscribers x ${FRAMES} frames under ${policy}, each in its own ${host}`, { timeout: 180_000 }, async () => {
    const space = spaceFor(transport, { sessionId: `stress-${policy}` });
    try {
      const data = space.createTopic("data", { capacity: 1 << 16, maxFrame: 1024, policy, blockTimeoutMs: 60_000 });
      const ready = space.createTopic("ready");
      const go = space.createTopic("go");
      const readySub = Topic.attach(ready).subscriber({ wait: "spin" });
      const subscribers = Array.from({ length: SUBSCRIBERS }, () =>
        runRole<SubscribeResult>(ROLES, {
          role: "subscribe",
          data,
          ready,
          publishers: PUBLISHERS,
          countPerPublisher: FRAMES / PUBLISHERS,
          wait: "hybrid",
        }, host),
      );
      const publishers = Array.from({ length: PUBLISHERS }, (_, publisher) =>
        runRole<{ published: number }>(ROLES, {
          role: "publish",
          data,
          ready,
          go,
          publisher,
          count: FRAMES / PUBLISHERS,
          seed: 0x1234567 + publisher,
          maxSize: 256,
        }, host),
      );
      await awaitReady(() => readySub.poll(() => {}), SUBSCRIBERS + PUBLISHERS, [...subscribers, ...publishers]);
      Topic.attach(go).publisher().publish(new Uint8Array(1));
      const published = await Promise.all(publishers);
      assert.equal(published.reduce((a, p) => a + p.published, 0), FRAMES);
      const results = await Promise.all(subscribers);
      assert.equal(space.stats("data").published, FRAMES);
      for (const r of results) {
        assert.equal(r.checksumErrors, 0, "no torn or overwritten frame");
        assert.equal(r.orderErrors, 0, "each publisher's frames in order");
        assert.equal(r.delivered + r.dropped, FRAMES);
        if (policy === "block") {
          assert.equal(r.delivered, FRAMES, "lossless");
          assert.equal(r.gapErrors, 0);
        }
      }
    } finally {
      space.close();
    }
  });
}
