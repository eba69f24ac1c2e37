// The Symbol.metadata polyfill in other realms: a worker thread that loads a decorated class gets its
// metadata (the worker's own Symbol has no `metadata` until the component layer installs it), and a
// class compiled by esbuild through tsx, importing a second copy of the layer, is read and bound by
// the compiled copy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { distPath, projectRoot } from "../helpers/paths.js";

function runWorker(file: string, workerData: unknown = {}): Promise<Record<string, unknown>> {
  const worker = new Worker(distPath(`test/component/fixtures/${file}`), { workerData });
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`worker ${file} exited (${code}) before reporting`)));
  }).finally(() => worker.terminate());
}

const sensorMeta = {
  className: "WorkerSensor",
  subs: [{ method: "command", topic: "commands", options: {}, declaredIn: "WorkerSensor" }],
  pubs: [
    { method: "read", topic: "temperature", declaredIn: "WorkerSensor" },
    { method: "command", topic: "WorkerSensor.command", declaredIn: "WorkerSensor" },
  ],
  starts: [{ method: "begin", declaredIn: "WorkerSensor" }],
  everys: [{ method: "read", periodMs: 10, declaredIn: "WorkerSensor" }],
};

describe("Symbol.metadata in a worker thread", () => {
  it("is polyfilled with Symbol.for, and a class defined by a module the worker loads has its metadata", async () => {
    const report = await runWorker("worker-meta.js");
    assert.equal(report.symbolType, "symbol");
    assert.equal(report.isSymbolFor, true);
    assert.equal(report.ownMetadata, true);
    assert.deepEqual(report.meta, sensorMeta);
    const mk2 = report.mk2 as typeof sensorMeta;
    assert.deepEqual(mk2.subs.map((s) => s.topic), ["commands", "WorkerSensorMk2.calibrate"]);
    assert.deepEqual(mk2.pubs, sensorMeta.pubs);
  });

  it("a tsx-compiled (esbuild) class using a second copy of the layer is read and bound by this copy", async () => {
    const report = await runWorker("worker-tsx.js", {
      source: join(projectRoot, "test/component/fixtures/decorated.ts"),
      componentSource: join(projectRoot, "src/component/index.ts"),
    });
    assert.equal(report.twoCopies, true);
    assert.deepEqual(report.meta, sensorMeta);
    assert.deepEqual(report.before, { celsius: 21.5, n: 1 });
    assert.deepEqual(report.during, { ok: true });
    assert.deepEqual(report.published, [
      { topic: "WorkerSensor.command", message: { ok: true }, place: { instance: "tsx-sensor", method: "command" } },
    ]);
  });
});
