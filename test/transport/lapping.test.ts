// A writer that laps a deliberately slow handler: the handler never sees its frame change, under any
// policy. drop-oldest laps the ring (the handler reads its own validated copy), block makes the
// writer wait and then time out, reject makes it refuse.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Topic, type Policy } from "../../src/transport/index.js";
import { runRole, terminateRoles } from "../helpers/threads.js";
import { TRANSPORTS, closeSpaces, spaceFor } from "../helpers/transports.js";

after(terminateRoles);
after(closeSpaces);

const FRAME = 1000;

for (const { transport, host } of TRANSPORTS)
for (const policy of ["drop-oldest", "block", "reject"] as Policy[]) {
  test(`a writer in another ${host} lapping a slow handler never changes its frame (${policy})`, { timeout: 60_000 }, async () => {
    const space = spaceFor(transport, { sessionId: `lap-${policy}` });
    try {
      const data = space.createTopic("data", { capacity: 8192, maxFrame: FRAME, policy, blockTimeoutMs: 200 });
      const toPublisher = space.createTopic("to-publisher");
      const toSubscriber = space.createTopic("to-subscriber");
      const sub = Topic.attach(data).subscriber({ wait: "spin" });
      const done = Topic.attach(toSubscriber).subscriber({ wait: "spin" });
      const go = Topic.attach(toPublisher).publisher();
      const lapper = runRole<{ published: number; refused: number; error: string }>("test/transport/fixtures/roles.js", {
        role: "lap",
        data,
        toPublisher,
        toSubscriber,
        frameSize: FRAME,
      }, host);
      while (!sub.hasData()) await sleep(1);
      let checked = 0;
      sub.poll((f) => {
        const before = f.copy();
        assert.ok(before.every((b) => b === 0xaa));
        go.publish(new Uint8Array(1));
        // Hold the frame while the writer runs; this blocks the handler on purpose.
        while (!done.wait(30_000)) {
          /* keep waiting */
        }
        assert.deepEqual(f.bytes(), before, "the frame did not change under the handler");
        checked++;
      }, 1);
      assert.equal(checked, 1);
      const outcome = await lapper;
      const later: number[] = [];
      sub.poll((f) => later.push(f.buffer[f.offset]!));
      assert.ok(later.every((b) => b === 0x55), "later frames are intact");
      if (policy === "drop-oldest") {
        assert.ok(outcome.published >= 24, "the writer lapped the ring");
        assert.ok(sub.counts().dropped > 0, "the lapped reader counted its losses");
        assert.equal(sub.counts().delivered + sub.counts().dropped, outcome.published + 1);
      } else if (policy === "block") {
        assert.equal(outcome.error, "ERR_ETHER_PUBLISH_TIMEOUT");
        assert.equal(later.length, outcome.published, "nothing lost");
      } else {
        assert.ok(outcome.refused > 0);
        assert.equal(later.length, outcome.published, "nothing lost");
      }
    } finally {
      space.close();
    }
  });
}
