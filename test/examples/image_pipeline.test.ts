// examples/image_pipeline: camera -> model (own process) -> monitor with 300 KiB float images, end to end.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, assertCleanSession, killRuns, onlyLine, runNode, transcript } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

test("image_pipeline main.js: every image reaches the monitor once, in order, edge in place; what flowed is told", T, async () => {
  const run = await runNode(["dist/examples/image_pipeline/main.js"]);
  const lines = assertCleanSession(run);
  onlyLine(run, / - INFO - Started camera \(thread\)$/);
  onlyLine(run, / - INFO - Started detector \(process\)$/);
  onlyLine(run, / - INFO - Started monitor \(thread\)$/);
  const monitor = onlyLine(run, /^Monitor: 500 frames, 0 out of order, 0 with the edge misplaced; camera to monitor latency p50 \d+ us, p99 \d+ us$/);
  assert.ok(monitor > lines.started && monitor < lines.complete, transcript(run));
  // 500 images of 320 x 240 float32 pixels (300 KiB each, plus a small header) each way.
  onlyLine(run, / - INFO - topic "camera\/frames": 500 published \(14\d MiB\), 500 delivered to detector$/);
  onlyLine(run, / - INFO - topic "model\/edges": 500 published \(14\d MiB\), 500 delivered to monitor$/);
  onlyLine(run, / - INFO - topic "monitor\/done": 1 published \(\d+ bytes\), 1 delivered to readers outside the config's instances$/);
  const end = onlyLine(run, /^Image pipeline: 500 frames through both stages in [\d.]+ s$/);
  assert.ok(end > lines.complete, transcript(run));
  assert.equal(run.code, 0, transcript(run));
});
