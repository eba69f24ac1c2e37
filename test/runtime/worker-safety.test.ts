// A component that loads an addon known to crash the process on a worker thread (serialport's binding
// polls on the main thread's loop): on a thread the start fails with a clear error naming the instance
// and the fix; in a process it runs. The addon is a stand-in package at the binding's path.
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Ether } from "../../src/index.js";
import { projectRoot } from "../helpers/paths.js";

const READER = `${join(projectRoot, "test/runtime/fixtures/worker-unsafe/port-reader.js")}#PortReader`;
let running: Ether | undefined;

afterEach(async () => {
  await running?.shutdown();
  running = undefined;
});

test("serialport on a worker thread: the start fails, naming the instance and the placement to use", { timeout: 60_000 }, async () => {
  running = new Ether();
  await running.tap({ config: { instances: { probe: { class_path: READER } } } });
  await assert.rejects(running.start(), /instance "probe" uses serialport, which cannot run on a worker thread: .*Give it placement: process \(or main\)/);
});

test("the same component in a process starts and stops cleanly", { timeout: 60_000 }, async () => {
  running = new Ether();
  await running.tap({ config: { instances: { probe: { class_path: READER, placement: "process" } } } });
  await running.start();
  assert.equal((await running.shutdown()).failed, false);
});
