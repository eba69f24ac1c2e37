// examples/lab_equipment: sensor -> logger (own process) -> controller, and the safety interlock, end to end.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { RUN_TIMEOUT_MS, assertCleanSession, killRuns, matching, onlyLine, runNode, transcript } from "./run-example.js";

const T = { timeout: RUN_TIMEOUT_MS + 10_000 };
after(killRuns);

test("lab_equipment main.js: the ramp trips the safety shutdown once, the heater stops, the session ends cleanly", T, async () => {
  const run = await runNode(["dist/examples/lab_equipment/main.js"]);
  const lines = assertCleanSession(run);
  onlyLine(run, / - INFO - Started sensor \(thread\)$/);
  onlyLine(run, / - INFO - Started logger \(process\)$/);
  onlyLine(run, / - INFO - Started controller \(thread\)$/);

  // The seeded ramp crosses 80 °C at the same reading on every run (sample 41, t = 0.82 s).
  const trip = onlyLine(run, /SAFETY SHUTDOWN/);
  assert.equal(run.lines[trip], "SAFETY SHUTDOWN: probe-1 read 81.02 °C at t=0.82 s (limit 80 °C)");
  assert.ok(trip > lines.started && trip < lines.complete, transcript(run));

  // The command reached the sensor (main thread's process, a worker thread) and the logger (its own process).
  const sensor = onlyLine(run, /^TemperatureSensor probe-1 \(PID (\d+), thread \d+\): heater off, readings stopped \(probe-1 above 80 °C\)$/);
  assert.equal(Number(/PID (\d+)/.exec(run.lines[sensor]!)![1]), run.pid, "the sensor runs on a thread of the main process");
  const logger = onlyLine(run, /^DataLogger \(PID (\d+)\): experiment stopped \(probe-1 above 80 °C\); \d+ readings logged, last \d+: mean [\d.]+, max [\d.]+$/);
  assert.notEqual(Number(/PID (\d+)/.exec(run.lines[logger]!)![1]), run.pid, "the logger runs in its own process");
  for (const i of [sensor, logger]) assert.ok(i > lines.started && i < lines.complete, transcript(run));

  // Statistics the logger published (how many depends on timing) are well formed and grow.
  const stats = matching(run, /^ExperimentController \(PID \d+, thread \d+\): \d+ readings, /).map((line) => {
    const m = /: (\d+) readings, last ([\d.]+) °C, last (\d+): mean ([\d.]+), min ([\d.]+), max ([\d.]+)$/.exec(line);
    assert.ok(m !== null, line);
    const [readings, last, window, mean, min, max] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    assert.ok(window >= 1 && window <= 25 && window <= readings, line);
    assert.ok(min <= mean && mean <= max && min <= last && last <= max, line);
    return readings;
  });
  assert.deepEqual(stats, [...stats].sort((a, b) => a - b), "statistics in order");

  // main.js saw the command, then shut down; at least the 42 readings up to the trip were published.
  const end = onlyLine(run, /^Experiment stopped by the safety interlock after (\d+) readings$/);
  assert.ok(end > lines.complete, transcript(run));
  assert.ok(Number(/after (\d+)/.exec(run.lines[end]!)![1]) >= 42, run.lines[end]);
});
