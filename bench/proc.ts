/**
 * Entry of every benchmark child process (cross-process cases): maps the trial's control segment,
 * arranges to die with the trial, runs role `role` of suite `suite` with its JSON data, and sends
 * `{ ok, result | error, cpuMs }` to the trial over IPC. Started by `lib/processes.ts`.
 */
import { setParentDeathSignal } from "../src/native/platform.js";
import { shmSegmentStore } from "../src/transport/index.js";
import { GO, setGoWait } from "./lib/control.js";
import type { ProcReply, ProcSpec } from "./lib/processes.js";
import { loadScenario } from "./scenarios.js";

const spec = JSON.parse(process.argv[2] ?? "{}") as ProcSpec;

function reply(r: ProcReply): void {
  process.send!(r, () => process.exit(r.ok ? 0 : 1));
}

try {
  // A trial that dies (watchdog, SIGKILL from the runner) takes its children with it.
  setParentDeathSignal("SIGKILL", spec.parentPid);
  const store = shmSegmentStore();
  const ctl = new Int32Array(store.open(spec.ctlName));
  let cpuAtGo: NodeJS.CpuUsage | undefined;
  setGoWait((c) => {
    while (Atomics.load(c, GO) === 0) store.waitOps.wait(c, GO, 0, 1000);
    cpuAtGo = process.cpuUsage();
  });
  const fn = (await loadScenario(spec.suite)).roles[spec.role];
  if (!fn) throw new Error(`suite ${spec.suite} has no role ${spec.role}`);
  const result = await fn(spec.data, ctl, spec.opts);
  const cpu = process.cpuUsage(cpuAtGo);
  reply({ ok: true, result, cpuMs: cpuAtGo === undefined ? 0 : (cpu.user + cpu.system) / 1000 });
} catch (e) {
  reply({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
