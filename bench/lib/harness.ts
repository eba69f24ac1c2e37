/**
 * Main-thread side of a cross-thread trial: start fresh workers, wait until every one of them is set
 * up, release them together, and collect what each returns. Workers run `dist/bench/worker.js`,
 * which dispatches on the scenario's suite and a role name.
 */
import { MessageChannel, Worker, type TransferListItem } from "node:worker_threads";
import { GO, READY } from "./control.js";
import type { TrialOptions } from "./scenario.js";

/** One worker of a trial. */
export interface WorkerSpec {
  readonly role: string;
  readonly data?: unknown;
  /** MessagePorts inside `data` must be listed here. */
  readonly transfer?: readonly TransferListItem[];
}

export interface RunOptions {
  /** Called after GO, while the workers run (the idle-cpu case measures here). */
  readonly whileRunning?: () => Promise<void>;
  /** Watchdog: a trial that takes longer fails instead of hanging the suite. */
  readonly timeoutMs?: number;
  /** After `whileRunning`, workers must finish within this many ms (default 10 000)… */
  readonly finishTimeoutMs?: number;
  /** …or the trial fails with this hint (what the workers were expected to do). */
  readonly finishHint?: string;
}

const WORKER_URL = new URL("../worker.js", import.meta.url);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Something a trial noticed that does not invalidate its values (printed by the runner). */
export const trialWarnings: string[] = [];

/** Thrown when workers did not finish after the measured part (the values may still stand). */
export class LateFinishError extends Error {
  override readonly name = "LateFinishError";
}

/**
 * Cores this process kept busy from GO until every worker returned, in the last `runWorkers`
 * (undefined before the first). A trial of two spinning threads should show close to 2.
 */
export let lastRunCores: number | undefined;

/** Sets `lastRunCores` from a harness that counts CPU elsewhere (child processes report their own). */
export function recordRunCores(cores: number): void {
  lastRunCores = cores;
}

/** Runs one worker per spec and returns their results in spec order. */
export async function runWorkers(
  suite: string,
  specs: readonly WorkerSpec[],
  ctl: Int32Array,
  opts: TrialOptions,
  run: RunOptions = {},
): Promise<unknown[]> {
  const workers = specs.map(
    (spec) =>
      new Worker(WORKER_URL, {
        workerData: { suite, role: spec.role, data: spec.data, ctl, opts },
        transferList: spec.transfer ? [...spec.transfer] : undefined,
      }),
  );
  const results = workers.map(
    (w, i) =>
      new Promise<unknown>((resolve, reject) => {
        w.once("message", (m: { ok: boolean; result?: unknown; error?: string }) =>
          m.ok ? resolve(m.result) : reject(new Error(`worker ${specs[i].role}: ${m.error}`)),
        );
        w.once("error", (e) => reject(new Error(`worker ${specs[i].role}: ${e.stack ?? e}`)));
        w.once("exit", (code) => reject(new Error(`worker ${specs[i].role} exited with code ${code}`)));
      }),
  );
  const failed = Promise.race(results.map((p) => p.then(() => new Promise<never>(() => {}))));
  const timeoutMs = run.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`trial timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // Polling READY costs nothing measurable: it happens before the measured part starts.
    const allReady = (async () => {
      while (Atomics.load(ctl, READY) < specs.length) await sleep(1);
    })();
    await Promise.race([allReady, failed, watchdog]);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const measured = <T>(p: Promise<T>): Promise<T> =>
      p.then((r) => {
        const cpu = process.cpuUsage(cpu0);
        lastRunCores = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
        return r;
      });
    Atomics.store(ctl, GO, 1);
    Atomics.notify(ctl, GO);
    if (!run.whileRunning) return await Promise.race([measured(Promise.all(results)), watchdog]);
    await Promise.race([run.whileRunning(), failed, watchdog]);
    const finishMs = run.finishTimeoutMs ?? 10_000;
    const late = new Promise<never>((_, reject) => {
      const t = setTimeout(
        () => reject(new LateFinishError(`workers did not finish within ${finishMs} ms after the measured part: ${run.finishHint ?? ""}`)),
        finishMs,
      );
      t.unref();
    });
    return await Promise.race([measured(Promise.all(results)), watchdog, late]);
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Worker specs of a postMessage publisher/subscriber pair over a fresh channel (port1 -> port2). */
export function postMessagePair(pubRole: string, subRole: string): WorkerSpec[] {
  const { port1, port2 } = new MessageChannel();
  return [
    { role: pubRole, data: port1, transfer: [port1] },
    { role: subRole, data: port2, transfer: [port2] },
  ];
}
