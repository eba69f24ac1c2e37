// `cpus:` pins an instance's host: a worker thread, or a child process's main thread. The session's
// own thread keeps its CPUs. (Bad values are in config/bad-configs.test.ts.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { getAffinity } from "../../src/native/platform.js";
import { collect, fixtureSessions } from "../helpers/sessions.js";

const { session } = fixtureSessions("test/runtime/fixtures");
const W = "./pinned.js#WhereAmI";

test("cpus pins a thread host and a process host; the main thread keeps its CPUs", { timeout: 60_000 }, async () => {
  const mine = getAffinity();
  const last = mine[mine.length - 1]!;
  const ether = await session({
    instances: {
      pinnedThread: { class_path: W, cpus: last },
      pinnedProcess: { class_path: W, placement: "process", cpus: [last] },
      free: { class_path: W },
    },
  });
  const reports = ether.engine!.subscribe("whereabouts");
  await ether.start();
  const got = await collect(reports, 3);
  const thread = got.find((m) => m.pid === process.pid && m.thread !== 0 && (m.cpus as number[]).length === 1);
  const child = got.find((m) => m.pid !== process.pid);
  assert.deepEqual(thread?.cpus, [last], "the pinned thread runs on the CPU it names");
  assert.deepEqual(child?.cpus, [last], "the pinned process runs on the CPU it names");
  if (mine.length > 1) {
    assert.ok(got.some((m) => m.pid === process.pid && JSON.stringify(m.cpus) === JSON.stringify(mine)), "an instance without cpus is not pinned");
  }
  assert.deepEqual(getAffinity(), mine, "pinning a worker leaves the session's thread alone");
  assert.equal((await ether.shutdown()).failed, false);
});
