/**
 * Runs ONE trial in this process and prints its values as one JSON line on stdout. `run.ts` starts a
 * fresh `node dist/bench/trial.js '<spec>'` for every trial, so no JIT state, heap or leftover thread
 * of one trial can affect the next.
 */
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
  // Cores this process used on average: a 2-thread spinning trial far below 2 was starved by
  // something else on the machine (shown in the progress line, not part of the results).
  const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
  process.stdout.write(JSON.stringify({ ok: true, values, cores }) + "\n");
  process.exit(0);
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }) + "\n");
  process.exit(1);
}
