// examples/resilient_acquisition: a driver process killed twice mid-stream is restarted and resumes
// its cursor; every sample arrives, one duplicate per crash, the session ends cleanly.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, killRuns, leftoverSegments, onlyLine, runNode, transcript } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

test("resilient_acquisition main.js: two driver crashes, two restarts, all 500 samples, one duplicate per crash", T, async () => {
  const run = await runNode(["dist/examples/resilient_acquisition/main.js"]);
  assert.equal(run.code, 0, transcript(run));
  onlyLine(run, / - INFO - Started driver \(process\)$/);
  // Warnings and errors go to stderr.
  const errLines = run.stderr.split("\n");
  assert.equal(errLines.filter((l) => / - ERROR - \[driver\] host of driver exited unexpectedly \(signal SIGKILL\)$/.test(l)).length, 2, transcript(run));
  assert.deepEqual(errLines.filter((l) => / - WARN - \[driver\] restarting: /.test(l)).map((l) => / after (\d+) ms$/.exec(l)![1]), ["50", "100"], transcript(run));
  assert.equal(errLines.filter((l) => / - ERROR - /.test(l)).length, 2, `only the two crashes are errors\n${transcript(run)}`);
  onlyLine(run, /^Sink: 500 of 500 samples calibrated, 0 missing$/);
  onlyLine(run, /^Sink: 2 delivered twice \(in flight at a crash\), by 3 driver processes$/);
  onlyLine(run, /^The driver crashed and was restarted 2 times; the session ran on\.$/);
  const complete = onlyLine(run, / - INFO - Ether system shutdown complete$/);
  const id = /Starting Ether session: ([0-9a-f-]+)/.exec(run.stdout)![1]!;
  assert.ok(complete > 0);
  assert.deepEqual(leftoverSegments(id), []);
});
