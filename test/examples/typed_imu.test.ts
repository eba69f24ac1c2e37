// examples/typed_imu: an IMU streams FlatBuffers imu.Sample tables on a typed topic to a monitor in
// another process, end to end.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, assertCleanSession, killRuns, onlyLine, runNode, transcript } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

test("typed_imu main.js: every sample reaches the monitor once, in order, read in place as an imu.Sample", T, async () => {
  const run = await runNode(["dist/examples/typed_imu/main.js"]);
  const lines = assertCleanSession(run);
  onlyLine(run, / - INFO - Started sensor \(thread\)$/);
  onlyLine(run, / - INFO - Started monitor \(process\)$/);
  const monitor = onlyLine(run, /^Attitude monitor: 1000 samples from imu0, 0 out of order; mean gravity 9\.81 m\/s\^2, yaw 0\.50 rad$/);
  assert.ok(monitor > lines.started && monitor < lines.complete, transcript(run));
  onlyLine(run, / - INFO - topic "imu": 1,000 published \(\d+ KiB\), 1,000 delivered to monitor$/);
  const end = onlyLine(run, /^Typed IMU: 1000 samples as imu\.Sample tables in [\d.]+ s$/);
  assert.ok(end > lines.complete, transcript(run));
  assert.equal(run.code, 0, transcript(run));
});
