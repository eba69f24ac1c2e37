// Loading the addon: the loader finds it from the compiled file, caches it, reports its status,
// loads in worker threads too, and falls back (warning once) when disabled.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, describe, test } from "node:test";

import { loadNative, nativeStatus, packageRoot, requireNative, warnThreadsOnly } from "../../src/native/load.js";
import { forkChild, Segments, startWorker, type Peer } from "./support.js";

const T = { timeout: 20_000 };
const segments = new Segments("load");
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.kill();
});
after(() => {
  segments.cleanup();
  assert.deepEqual(segments.present(), []);
});

describe("native loader", () => {
  test("packageRoot() is the folder of etherflow's package.json", T, () => {
    const root = packageRoot();
    assert.ok(root !== undefined);
    assert.equal(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name, "etherflow");
  });

  test("loadNative() returns the addon here, once", T, () => {
    const native = loadNative();
    assert.ok(native !== null, `addon unavailable: ${nativeStatus().reason}`);
    assert.equal(loadNative(), native, "cached");
    assert.equal(requireNative(), native);
    assert.equal(native.platform, "linux");
    assert.equal(native.pid(), process.pid);
    for (const name of ["shmCreate", "shmOpen", "shmUnlink", "futexWait", "futexWake", "Watcher"] as const) {
      assert.equal(typeof native[name], "function");
    }
  });

  test("nativeStatus() reports availability and the path", T, () => {
    const status = nativeStatus();
    assert.equal(status.available, true);
    assert.equal(status.reason, undefined);
    assert.ok(status.path?.endsWith("native/build/Release/ether_native.node") && existsSync(status.path));
  });

  test("warnThreadsOnly() is silent when the addon is there", T, () => {
    assert.equal(warnThreadsOnly(), false);
  });

  test("a worker thread loads its own instance and uses it", T, async () => {
    const worker = startWorker("load", { name: segments.name("worker") });
    peers.push(worker);
    assert.deepEqual(await worker.next(), { type: "load", loaded: true, pid: process.pid, result: 2, byte: 9 });
  });

  test("several workers at once, each with its own watcher", T, async () => {
    const workers = [0, 1, 2].map(() => startWorker("load", { name: segments.name("worker") }));
    peers.push(...workers);
    const replies = await Promise.all(workers.map((w) => w.next()));
    for (const reply of replies) assert.equal(reply["result"], 2);
  });

  test("with ETHER_NATIVE=0: null, a reason, one warning, named errors", T, async () => {
    const child = forkChild("native-off", [], { ...process.env, ETHER_NATIVE: "0" });
    peers.push(child);
    const reply = await child.next();
    assert.equal(reply["loaded"], null);
    assert.deepEqual(reply["status"], { available: false, reason: "disabled by ETHER_NATIVE=0" });
    assert.equal(reply["first"], true);
    assert.equal(reply["second"], false);
    assert.equal(reply["warnings"], 1);
    assert.equal(reply["requireCode"], "ERR_ETHER_NATIVE_UNAVAILABLE");
    assert.equal(reply["createCode"], "ERR_ETHER_NATIVE_UNAVAILABLE");
  });
});
