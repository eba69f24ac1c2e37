// Process helpers: CPU affinity and the parent-death signal.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { afterEach, describe, test } from "node:test";

import { loadNative } from "../../src/native/load.js";
import { getAffinity, setAffinity, setParentDeathSignal } from "../../src/native/platform.js";
import { forkChild, sleep, startWorker, type Peer } from "./support.js";

const T = { timeout: 20_000 };
const peers: Peer[] = [];
const strays: number[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.kill();
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** True once `pid` no longer runs (gone, or a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

describe("process helpers", () => {
  test("getAffinity() lists usable CPUs in order", T, () => {
    const cpus = getAffinity();
    assert.ok(cpus.length >= 1 && cpus.length <= availableParallelism() + 1024);
    assert.deepEqual(cpus, [...cpus].sort((a, b) => a - b));
    assert.ok(cpus.every((c) => Number.isInteger(c) && c >= 0));
  });

  test("setAffinity() pins the calling thread (checked in a worker)", T, async () => {
    const worker = startWorker("affinity");
    peers.push(worker);
    const reply = (await worker.next()) as unknown as { before: number[]; pinned: number[]; after: number[] };
    assert.deepEqual(reply.pinned, [reply.before.at(-1)]);
    assert.deepEqual(reply.after, reply.before);
  });

  test("invalid arguments are rejected", T, () => {
    const max = loadNative()!.maxCpus;
    for (const cpus of [[], [-1], [max], [0.5]]) {
      assert.throws(() => setAffinity(cpus), { code: "ERR_ETHER_INVALID_OPTION" });
    }
    assert.throws(() => setParentDeathSignal("SIGNOPE" as NodeJS.Signals), { code: "ERR_ETHER_INVALID_OPTION" });
    assert.throws(() => setParentDeathSignal(65), { code: "ERR_ETHER_INVALID_OPTION" });
  });

  test("a child with a parent-death signal dies with its parent", T, async () => {
    const parent = forkChild("pdeath-parent");
    peers.push(parent);
    const { pid } = (await parent.next()) as unknown as { pid: number };
    strays.push(pid);
    assert.equal(await parent.exited, 0);
    while (!gone(pid)) await sleep(5); // the test's timeout is the watchdog
  });
});
