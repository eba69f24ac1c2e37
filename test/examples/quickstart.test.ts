// The quickstart (`npm start`) and the same YAML through `ether run`, end to end.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, assertCleanSession, killRuns, matching, onlyLine, runNode, transcript, type Run } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

/** Each processor handled 1..10 in order, on one thread, multiplying by its multiplier. */
function assertProcessed(run: Run, lines: { starting: number; complete: number }): void {
  const processed = /^DataProcessor x(\d+) \((PID \d+, thread \d+)\) processed (\d+) -> (\d+)$/;
  for (const multiplier of [2, 4]) {
    const mine = run.lines
      .map((line, index) => ({ index, m: processed.exec(line) }))
      .filter(({ m }) => m !== null && Number(m[1]) === multiplier);
    assert.deepEqual(mine.map(({ m }) => Number(m![3])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `x${multiplier} inputs\n${transcript(run)}`);
    for (const { m } of mine) assert.equal(Number(m![4]), Number(m![3]) * multiplier, m![0]);
    assert.equal(new Set(mine.map(({ m }) => m![2])).size, 1, `x${multiplier} ran on one thread\n${transcript(run)}`);
    for (const { index } of mine) assert.ok(index > lines.starting && index < lines.complete, `processed outside the session\n${transcript(run)}`);
  }
  assert.equal(matching(run, processed).length, 20, transcript(run));
  onlyLine(run, /^DataGenerator \(PID \d+, thread \d+\) generating 10 values$/);
  const summary = onlyLine(run, /^DataCollector \(PID \d+, thread \d+\) collected 20 results, sum 330$/);
  assert.ok(summary < lines.complete, transcript(run));
}

test("quickstart main.js: the pipeline under Ether, then the same classes as plain classes", T, async () => {
  const run = await runNode(["dist/examples/quickstart/main.js"]);
  const lines = assertCleanSession(run);
  assertProcessed(run, lines);
  const plain = onlyLine(run, /^processData\(\{ data: 7 \}\) returned \{"result":21,"multiplier":3\} \(nothing was published\)$/);
  assert.ok(plain > lines.complete, `plain-class usage comes after the session\n${transcript(run)}`);
  onlyLine(run, /^DataProcessor x3 \(PID \d+\) processed 7 -> 21$/);
  onlyLine(run, /^DataCollector \(PID \d+\) collected 1 results, sum 21$/);
});

test("ether run examples/quickstart/dual_processors.yaml --duration 1s", T, async () => {
  const run = await runNode(["dist/src/cli/main.js", "run", "examples/quickstart/dual_processors.yaml", "--duration", "1s"]);
  const lines = assertCleanSession(run);
  assertProcessed(run, lines);
  for (const name of ["generator", "processor2x", "processor4x", "collector"]) onlyLine(run, new RegExp(` - INFO - Started ${name} \\(thread\\)$`));
});
