/**
 * idle-cpu: a subscriber parked on a topic that carries no traffic, as CPU use of the whole process
 * (`process.cpuUsage()` delta over wall time) during the idle window. `baseline` is the same process
 * shape with a worker that only sleeps in `Atomics.wait` with the same 200 ms timeout, so the goal
 * (ether minus baseline) isolates what the wait strategy costs. Each impl runs in its own fresh
 * process; a publisher stays attached on the main thread and never publishes.
 */
import { STOP, createControl, readyAndWaitForGo } from "./lib/control.js";
import { Topic, etherTopic, type TopicHandle, type WaitStrategy } from "./lib/ether.js";
import { LateFinishError, runWorkers, trialWarnings, type WorkerSpec } from "./lib/harness.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";

const SUITE = "idle";
/** Every waiter wakes on its own at this interval to look at STOP. */
const WAKE_MS = 200;
/** Time after GO before the window opens, so worker start-up is not counted. */
const SETTLE_MS = 150;

const etherIdle: RoleFn = (d: { handle: TopicHandle; wait: WaitStrategy }, ctl) => {
  const sub = Topic.attach(d.handle).subscriber({ wait: d.wait });
  let frames = 0;
  const handler = (): void => {
    frames++;
  };
  readyAndWaitForGo(ctl);
  while (Atomics.load(ctl, STOP) === 0) if (sub.wait(WAKE_MS)) sub.poll(handler);
  sub.close();
  return { frames };
};

const baselineIdle: RoleFn = (_d: unknown, ctl) => {
  readyAndWaitForGo(ctl);
  while (Atomics.load(ctl, STOP) === 0) Atomics.wait(ctl, STOP, 0, WAKE_MS);
  return { frames: 0 };
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function trial(_case: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  const ctl = createControl();
  let specs: WorkerSpec[];
  let keep: unknown;
  switch (impl) {
    case "ether":
    case "ether-hybrid": {
      const { handle } = etherTopic({ capacity: 1 << 16, maxFrame: 64 });
      keep = Topic.attach(handle).publisher();
      specs = [{ role: "ether:idle", data: { handle, wait: impl === "ether" ? "park" : "hybrid" } }];
      break;
    }
    case "baseline":
      specs = [{ role: "baseline:idle" }];
      break;
    default:
      throw new Error(`idle-cpu has no impl ${impl}`);
  }
  let percent = -1;
  const run = runWorkers(SUITE, specs, ctl, opts, {
    timeoutMs: opts.idleMs + 30_000,
    finishTimeoutMs: 5 * WAKE_MS + 1000,
    finishHint: `the waiter should see STOP within ${WAKE_MS} ms (${impl === "baseline" ? "Atomics.wait" : "sub.wait"}(${WAKE_MS}) returns at its timeout)`,
    whileRunning: async () => {
      await sleep(SETTLE_MS);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await sleep(opts.idleMs);
      const cpu = process.cpuUsage(cpu0);
      const wallUs = (performance.now() - t0) * 1000;
      percent = ((cpu.user + cpu.system) / wallUs) * 100;
      Atomics.store(ctl, STOP, 1);
      Atomics.notify(ctl, STOP);
    },
  });
  try {
    const [result] = (await run) as [{ frames: number }];
    if (result.frames !== 0) throw new Error(`${impl}: idle subscriber saw ${result.frames} frames`);
  } catch (e) {
    // The idle window was measured; a waiter that then fails to stop is an API bug worth reporting
    // loudly, but it does not change what the process used while it was parked.
    if (!(e instanceof LateFinishError) || percent < 0) throw e;
    trialWarnings.push(`${impl}: ${e.message}`);
  }
  void keep;
  return { "%cpu": percent };
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: "idle-cpu",
      what: "one parked subscriber, no traffic, %cpu of the process over the idle window; baseline = a worker that only sleeps",
      impls: [{ name: "ether" }, { name: "ether-hybrid", fullOnly: true }, { name: "baseline" }],
      // Each trial sits through its idle window: two quick repeats keep the quick run under a minute.
      quick: { repeats: 2 },
      goals: [
        {
          label: "ether (park) - baseline < 1 %cpu",
          kind: "diff",
          a: { case: "idle-cpu", impl: "ether", metric: "%cpu" },
          b: { case: "idle-cpu", impl: "baseline", metric: "%cpu" },
          op: "<",
          target: 1,
        },
        {
          label: "ether-hybrid - baseline < 1 %cpu",
          kind: "diff",
          a: { case: "idle-cpu", impl: "ether-hybrid", metric: "%cpu" },
          b: { case: "idle-cpu", impl: "baseline", metric: "%cpu" },
          op: "<",
          target: 1,
        },
      ],
    },
  ],
  trial,
  roles: { "ether:idle": etherIdle, "baseline:idle": baselineIdle },
};
