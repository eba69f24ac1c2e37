/**
 * Entry of every benchmark worker: looks up the role named in `workerData` and runs it, then posts
 * `{ ok, result | error }` to the trial's main thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadScenario } from "./scenarios.js";

const { suite, role, data, ctl, opts } = workerData as {
  suite: string;
  role: string;
  data: unknown;
  ctl: Int32Array;
  opts: import("./lib/scenario.js").TrialOptions;
};

try {
  const fn = (await loadScenario(suite)).roles[role];
  if (!fn) throw new Error(`suite ${suite} has no role ${role}`);
  const result = await fn(data, ctl, opts);
  parentPort!.postMessage({ ok: true, result });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
