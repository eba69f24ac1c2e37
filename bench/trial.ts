/**
 * Runs ONE trial in this process and prints its values as one JSON line on stdout. `run.ts` starts a
 * fresh `node dist/bench/trial.js '<spec>'` for every trial, so no JIT state, heap or leftover thread
 * of one trial can affect the next.
 */
import { lastRunCores, trialWarnings } from "./lib/harness.js";
import { loadScenario } from "./scenarios.js";
import type { TrialOptions } from "./lib/scenario.js";

interface TrialSpec {
  suite: string;
  case: string;
  impl: string;
  opts: TrialOptions;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as TrialSpec;
try {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const values = await (await loadScenario(spec.suite)).trial(spec.case, spec.impl, spec.opts);
  const cpu = process.cpuUsage(cpu0);
  for (const [metric, v] of Object.entries(values)) {
    if (!Number.isFinite(v) || v < 0 || (v === 0 && metric !== "%cpu")) throw new Error(`trial measured ${metric}=${v}`);
  }
  // Cores this process kept busy while its workers ran (or over the whole trial for single-thread
  // trials): a trial of two spinning threads far below 2 was starved by other work on the machine.
  const cores = lastRunCores ?? (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
  process.stdout.write(JSON.stringify({ ok: true, values, cores, warnings: trialWarnings }) + "\n");
  process.exit(0);
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }) + "\n");
  process.exit(1);
}
