// examples/external_class_integration: undecorated classes wired by the YAML registry, end to end.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, assertCleanSession, killRuns, matching, onlyLine, runNode, transcript } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

// The source's step with ripple, smoothed with alpha 0.5 (see the example's README).
const REPORTED = [
  "Reporter: sample 0 raw 0.400 -> smoothed 0.400",
  "Reporter: sample 1 raw -0.300 -> smoothed 0.050",
  "Reporter: sample 2 raw 0.200 -> smoothed 0.125",
  "Reporter: sample 3 raw -0.400 -> smoothed -0.137",
  "Reporter: sample 4 raw 0.300 -> smoothed 0.081",
  "Reporter: sample 5 raw 10.400 -> smoothed 5.241",
  "Reporter: sample 6 raw 9.700 -> smoothed 7.470",
  "Reporter: sample 7 raw 10.200 -> smoothed 8.835",
  "Reporter: sample 8 raw 9.600 -> smoothed 9.218",
  "Reporter: sample 9 raw 10.300 -> smoothed 9.759",
];

test("external_class_integration main.js: registry-wired classes in a session, then as plain classes", T, async () => {
  const run = await runNode(["dist/examples/external_class_integration/main.js"]);
  const lines = assertCleanSession(run);
  for (const name of ["source", "filter", "reporter"]) onlyLine(run, new RegExp(` - INFO - Started ${name} \\(thread\\)$`));
  const sending = onlyLine(run, /^SignalSource: sending 10 samples$/);
  // A worker's console output reaches stdout through the main thread, so it may land after the main
  // thread's own "Shutting down" line; it is printed inside the session all the same.
  assert.ok(sending > lines.started && sending < lines.complete, transcript(run));

  // Every sample went source -> SignalFilter.process_data -> Reporter.report, in order, inside the session.
  assert.deepEqual(matching(run, /^Reporter: /), REPORTED, transcript(run));
  const reported = run.lines.findIndex((l) => l === REPORTED.at(-1));
  assert.ok(reported > lines.started && reported < lines.complete, transcript(run));

  // Afterwards the same classes are plain classes.
  const plain = onlyLine(run, /^The same third-party classes without Ether:$/);
  assert.ok(plain > lines.complete, transcript(run));
  assert.deepEqual(run.lines.slice(plain + 1), [
    "plain Reporter: sample 0 raw 0.000 -> smoothed 0.000",
    "plain Reporter: sample 1 raw 10.000 -> smoothed 5.000",
    "plain Reporter: sample 2 raw 10.000 -> smoothed 7.500",
    "plain Reporter printed 3 samples (nothing was published)",
  ]);
  assert.equal(run.stderr, "", transcript(run));
});
