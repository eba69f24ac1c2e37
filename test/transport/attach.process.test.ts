// A process attaches to another process's session by its id and opens topics by name.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { SharedSpace } from "../../src/transport/index.js";
import { listSegments, sessionPrefix } from "../../src/native/platform.js";
import { EtherError } from "../../src/errors.js";
import { killChildren, startChild } from "../helpers/children.js";

after(killChildren);

test("attach by session id, open topics by name, exchange frames; close() of an attached space removes nothing", { timeout: 30_000 }, async () => {
  const { child, first } = await startChild<{ sessionId: string }>("test/transport/fixtures/fault-roles.js", { role: "echo-session" });
  const space = SharedSpace.attach(first.sessionId);
  assert.deepEqual(space.topicNames(), ["ping", "pong"]);
  const pong = space.topic("pong").subscriber({ wait: "hybrid" });
  space.topic("ping").publisher().publish(new Uint8Array([1, 2, 3]));
  assert.ok(pong.wait(10_000), "the echo came back");
  const got: number[][] = [];
  pong.poll((f) => got.push([...f.bytes()]));
  assert.deepEqual(got, [[1, 2, 3]]);
  assert.equal(space.stats("ping").published, 1);
  assert.throws(() => space.topic("nope"), (e: EtherError) => e.code === "ERR_ETHER_TOPIC_NOT_FOUND" && /"nope"/.test(e.message));
  space.close();
  assert.equal(listSegments(`${sessionPrefix(first.sessionId)}`).length, 3, "the creator's segments are still there");
  child.disconnect(); // the creator closes its session and exits
  await new Promise((resolve) => child.once("exit", resolve));
  assert.deepEqual(listSegments(`${sessionPrefix(first.sessionId)}`), []);
});

test("attaching to a session that does not exist is a clear error", () => {
  assert.throws(
    () => SharedSpace.attach("00000000-dead-beef-0000-000000000000"),
    (e: EtherError) => e.code === "ERR_ETHER_SESSION_NOT_FOUND" && /00000000-dead-beef/.test(e.message),
  );
});
