/**
 * Where scenarios live. The runner imports every one (it needs their cases and goals); a trial process
 * and its workers import only the one they run (`loadScenario`), which keeps start-up short.
 * A suite named `x` lives in `x.bench.ts`.
 */
import type { CaseDef, Scenario } from "./lib/scenario.js";

/** Suites in the order the runner prints them. */
export const SUITES = ["spsc", "dict", "loan", "read", "fanout", "rtt", "idle", "pipeline"] as const;

/** Imports the scenario of one suite. */
export async function loadScenario(suite: string): Promise<Scenario> {
  if (!(SUITES as readonly string[]).includes(suite)) throw new Error(`unknown suite ${suite}; known: ${SUITES.join(", ")}`);
  const mod = (await import(`./${suite}.bench.js`)) as { scenario: Scenario };
  return mod.scenario;
}

/** Every case with the scenario that runs it, in order. */
export async function loadCases(): Promise<{ scenario: Scenario; def: CaseDef }[]> {
  const scenarios = await Promise.all(SUITES.map(loadScenario));
  return scenarios.flatMap((scenario) => scenario.cases.map((def) => ({ scenario, def })));
}
