/**
 * Trial side of a cross-PROCESS trial: the same start barrier and results as `runWorkers`, with child
 * processes instead of worker threads.
 *
 * - `ProcessSpace.create()` makes a process session (`SharedSpace`, transport "shm") and a control
 *   block in a named shm segment of that session: the same layout as `createControl()`. Its name
 *   carries the session's id, so if the trial is killed before it unlinks, the next process session
 *   that starts reaps it along with the dead session's topics (`reapDeadSessions`).
 * - `runProcesses()` forks one `dist/bench/proc.js` per role with `child_process.fork`, passing the
 *   role's data as JSON (topic handles of "shm" topics are plain JSON: segment names, no SABs). Each
 *   child maps the control segment, asks the kernel to SIGKILL it if the trial dies, runs its role,
 *   and sends `{ ok, result, cpuMs }` back over IPC. The trial polls READY, sets GO and wakes the
 *   children with a futex wake (Atomics.notify does not cross processes).
 * - Every child still alive when the trial ends (success, failure or watchdog) is SIGKILLed and
 *   awaited; the caller closes its `ProcessSpace` in a `finally`, which unlinks every segment.
 *
 * @example
 *   const ps = ProcessSpace.create();
 *   try {
 *     const handle = ps.space.createTopic("bench", { capacity: 1 << 22, maxFrame: 64, policy: "block" });
 *     const [pub, sub] = await runProcesses("spsc", [{ role: "ether:pub", data }, { role: "ether:sub", data }], ps, opts);
 *   } finally {
 *     ps.close();
 *   }
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SharedSpace, type SegmentStore } from "../../src/transport/index.js";
import { CONTROL_BYTES, GO, READY } from "./control.js";
import { recordRunCores } from "./harness.js";
import type { TrialOptions } from "./scenario.js";

/** What a child process gets in argv[2]. */
export interface ProcSpec {
  suite: string;
  role: string;
  data: unknown;
  /** Name of the control segment. */
  ctlName: string;
  opts: TrialOptions;
  /** The trial's pid: the child dies with it. */
  parentPid: number;
}

/** What a child process sends back once. */
export interface ProcReply {
  ok: boolean;
  result?: unknown;
  error?: string;
  /** CPU time (user + system) the child used from GO to the end of its role. */
  cpuMs?: number;
}

/** One child process of a trial. */
export interface ProcessRoleSpec {
  readonly role: string;
  /** Must survive JSON (no SharedArrayBuffers, no ports). */
  readonly data?: unknown;
}

const PROC_JS = fileURLToPath(new URL("../proc.js", import.meta.url));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Session id of the process trials run by `pid`: its first 8 letters and digits name its segments
 * (`/ether-<id>-…`), which lets the runner find and remove what a killed trial left behind.
 */
export function procSessionId(pid: number = process.pid): string {
  return `b${pid.toString(36)}`;
}

/** A process session plus a control block in shared memory, owned by this trial. */
export class ProcessSpace {
  readonly space: SharedSpace;
  readonly ctl: Int32Array;
  readonly ctlName: string;
  readonly #store: SegmentStore;
  #closed = false;

  private constructor(space: SharedSpace, ctl: Int32Array, ctlName: string) {
    this.space = space;
    this.ctl = ctl;
    this.ctlName = ctlName;
    this.#store = space.store;
  }

  /** Creates the session (reaping dead sessions' segments first) and the control segment. */
  static create(): ProcessSpace {
    const space = SharedSpace.create({ transport: "shm", sessionId: procSessionId() });
    try {
      // In the session's own name space, created after the session segment: a reaper in another
      // process sees a live owner and leaves it alone.
      const created = space.store.create(space.sessionId, "bench-control", CONTROL_BYTES);
      return new ProcessSpace(space, new Int32Array(created.sab), created.name);
    } catch (e) {
      space.close();
      throw e;
    }
  }

  /** Futex-wakes every child blocked on control word `index`. */
  wake(index: number): void {
    this.#store.waitOps.wake(this.ctl, index, 0x7fffffff);
  }

  /** Unlinks the control segment and every segment of the session (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#store.unlink(this.ctlName);
    } finally {
      this.space.close();
    }
  }
}

/** Kills a child with SIGKILL (if still running) and waits until it is gone. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await gone;
}

/**
 * Runs one child process per spec, releases them together and returns their results in spec order.
 * Records the cores the children kept busy from GO to their last result (`lastRunCores`).
 */
export async function runProcesses(
  suite: string,
  specs: readonly ProcessRoleSpec[],
  ps: ProcessSpace,
  opts: TrialOptions,
  timeoutMs = 30_000,
): Promise<unknown[]> {
  const ctl = ps.ctl;
  const children: ChildProcess[] = [];
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  try {
    const output: string[] = [];
    for (const spec of specs) {
      const arg: ProcSpec = { suite, role: spec.role, data: spec.data, ctlName: ps.ctlName, opts, parentPid: process.pid };
      // The trial's stdout carries its one JSON line to the runner: a child's output goes to the
      // trial's stderr, and its tail into the error when the child dies without replying.
      const child = fork(PROC_JS, [JSON.stringify(arg)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
      const k = children.push(child) - 1;
      output.push("");
      const keep = (d: Buffer): void => {
        process.stderr.write(d);
        output[k] = (output[k] + d).slice(-2000);
      };
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
    }
    const replies = children.map(
      (child, i) =>
        new Promise<ProcReply>((resolve, reject) => {
          const role = specs[i].role;
          child.once("message", (m: ProcReply) => (m.ok ? resolve(m) : reject(new Error(`process ${role}: ${m.error}`))));
          child.once("error", (e) => reject(new Error(`process ${role}: ${e.stack ?? e}`)));
          // 'exit' can come before the last IPC message is read: decide once the channel has closed.
          child.once("exit", (code, signal) => {
            const fail = (): void =>
              reject(new Error(`process ${role} exited (code ${code}, signal ${signal}) before replying: ${output[i].trim()}`));
            if (child.connected) child.once("disconnect", fail);
            else fail();
          });
        }),
    );
    const failed = Promise.race(replies.map((p) => p.then(() => new Promise<never>(() => {}))));
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`trial timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    const allReady = (async () => {
      while (Atomics.load(ctl, READY) < specs.length && !finished) await sleep(1);
    })();
    await Promise.race([allReady, failed, watchdog]);
    const t0 = performance.now();
    Atomics.store(ctl, GO, 1);
    ps.wake(GO);
    const done = await Promise.race([Promise.all(replies), watchdog]);
    const wallMs = performance.now() - t0;
    recordRunCores(done.reduce((sum, r) => sum + (r.cpuMs ?? 0), 0) / wallMs);
    return done.map((r) => r.result);
  } finally {
    finished = true;
    clearTimeout(timer);
    await Promise.all(children.map(kill));
  }
}
