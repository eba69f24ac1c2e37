/**
 * pipeline-dict: generator -> 2 processors -> collector with dict messages, end to end, msgs/s =
 * generated messages per second that reached the collector through BOTH processors (the collector's
 * results per second / 2; see `pipeline/tally.ts`). Every implementation runs the same four stages,
 * does the same work per message and is checked the same way (per processor: every sequence number
 * once, in order, with the right value; counts and checksums against the generator's).
 *
 * - ether: the public API end to end. The trial taps a session whose instances are the decorated
 *   classes of `pipeline/components.ts` (one worker thread each, default placement), starts it, reads
 *   the collector's report from topic `pipeline/report` in this thread, and shuts the session down.
 * - postMessage: four worker threads joined by MessageChannels (the generator posts each message to
 *   both processors' ports); end-to-end credit: the generator blocks (`Atomics.wait`) while
 *   PM_WINDOW generated messages are not yet complete at the collector.
 * - zeromq-json: four processes, PUB/SUB over ipc://, JSON per message (`pipeline/zeromq.ts`).
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { acknowledge, createControl, readyAndWaitForGo, waitForCredit } from "./lib/control.js";
import { recordRunCores, runWorkers, type WorkerSpec } from "./lib/harness.js";
import { RateMeter } from "./lib/meter.js";
import { ProcessSpace, runProcesses } from "./lib/processes.js";
import type { RoleFn, Scenario, TrialOptions, TrialValues } from "./lib/scenario.js";
import type { CollectorReport } from "./pipeline/components.js";
import {
  FANOUT,
  PROCESSOR_KS,
  PipelineTally,
  checkPipeline,
  fillData,
  processData,
  type DataMessage,
  type GeneratedTotal,
  type PipelineReport,
  type ResultMessage,
} from "./pipeline/tally.js";
import type { ZmqPipelineData } from "./pipeline/zeromq.js";

const SUITE = "pipeline";
const CASE = "pipeline-dict";
/** Ring bytes of the ether topics `data` and `result`. */
const CAPACITY = "4MiB";
/** postMessage: generated messages that may be incomplete at the collector; collector acks every ACK_EVERY results. */
const PM_WINDOW = 16384;
const PM_ACK_EVERY = 1024;

// ---- ether: a real session over the decorated components ----

/** Folder of the compiled components (dist/bench/pipeline): class paths resolve from here. */
const COMPONENTS_DIR = fileURLToPath(new URL("./pipeline/", import.meta.url));

/** How long after the generator's window the collector's report may take. */
const REPORT_WAIT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function etherTrial(o: TrialOptions): Promise<TrialValues> {
  // Imported here: the postMessage and zeromq workers of this suite need none of the runtime.
  const [{ Ether, DictDecoder }, { REPORT_TOPIC }] = await Promise.all([import("../src/index.js"), import("./pipeline/components.js")]);
  const timing = { warmMs: o.warmMs, measureMs: o.measureMs };
  const ether = new Ether();
  await ether.tap({
    config: {
      instances: {
        generator: { class_path: "./components.js#Generator", kwargs: timing },
        processor2x: { class_path: "./components.js#Processor", kwargs: { k: PROCESSOR_KS[0] } },
        processor4x: { class_path: "./components.js#Processor", kwargs: { k: PROCESSOR_KS[1] } },
        collector: { class_path: "./components.js#Collector", kwargs: timing },
      },
      topics: {
        data: { capacity: CAPACITY, policy: "block" },
        result: { capacity: CAPACITY, policy: "block" },
      },
      // The default wait strategy (hybrid), as a user gets it; warnings and errors still print.
      session: { log_level: "warn" },
    },
    cwd: COMPONENTS_DIR,
  });
  // Subscribed before start(), so the report cannot be published before this reader exists.
  const reports = ether.engine!.subscribe(REPORT_TOPIC, { wait: "spin" });
  const decoder = new DictDecoder({ topic: REPORT_TOPIC });
  let report: CollectorReport | undefined;
  const read = (f: { buffer: Uint8Array; offset: number; length: number }): void => {
    report = decoder.decode(f.buffer, f.offset, f.length) as unknown as CollectorReport;
  };
  let shutdown: Awaited<ReturnType<typeof ether.shutdown>>;
  try {
    await ether.start();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // The collector reports once both processors delivered the generator's total: a lost message
    // shows as no report (the backlog of two 4 MiB rings drains in well under a second).
    const deadline = t0 + o.warmMs + o.measureMs + REPORT_WAIT_MS;
    while (report === undefined) {
      if (reports.poll(read, 1) === 0) {
        if (performance.now() > deadline) {
          throw new Error(
            `ether: no report from the collector ${REPORT_WAIT_MS} ms after the generator's window: ` +
              `a message lost or a handler failing (see the session's log lines above)`,
          );
        }
        await sleep(2);
      }
    }
    const cpu = process.cpuUsage(cpu0);
    recordRunCores((cpu.user + cpu.system) / 1000 / (performance.now() - t0));
  } finally {
    reports.close();
    shutdown = await ether.shutdown();
  }
  if (shutdown.failed || shutdown.invalid > 0) {
    throw new Error(
      `ether: session shutdown reported failed=${shutdown.failed} handlerErrors=${shutdown.handlerErrors} invalid=${shutdown.invalid}`,
    );
  }
  if (report.error) throw new Error(`ether: collector: ${report.error}`);
  checkPipeline("ether", { count: report.genCount, sum: report.genSum }, report);
  return { "msgs/s": report.rate };
}

// ---- postMessage: four worker threads, MessageChannels ----

interface PmGeneratorData {
  outs: MessagePort[];
}
interface PmProcessorData {
  k: number;
  input: MessagePort;
  output: MessagePort;
}
interface PmCollectorData {
  inputs: MessagePort[];
}

/** Posts one reused `{seq, t, value}` to both processors per message, within the credit window. */
const pmGenerator: RoleFn = (d: PmGeneratorData, ctl, o) => {
  const [a, b] = d.outs as [MessagePort, MessagePort];
  const msg: DataMessage = { seq: 0, t: 0, value: 0 };
  const meter = new RateMeter(o.warmMs, o.measureMs);
  readyAndWaitForGo(ctl);
  let i = 0;
  let sum = 0;
  while (!meter.expired) {
    waitForCredit(ctl, i, PM_WINDOW);
    fillData(msg, i);
    a.postMessage(msg);
    b.postMessage(msg);
    sum = (sum + (i & 255)) | 0;
    i++;
    meter.tick();
  }
  a.postMessage(null);
  b.postMessage(null);
  return { count: i, sum } satisfies GeneratedTotal;
};

/** A `message` listener that posts `{ seq, k, value·k }` on; forwards the end marker. */
const pmProcessor: RoleFn = (d: PmProcessorData, ctl) =>
  new Promise<{ count: number }>((resolve) => {
    let count = 0;
    d.input.on("message", (m: DataMessage | null) => {
      if (m === null) {
        d.output.postMessage(null);
        d.input.close();
        resolve({ count });
        return;
      }
      d.output.postMessage(processData(m, d.k));
      count++;
    });
    readyAndWaitForGo(ctl);
  });

/** Listens on both processors' ports; acknowledges complete generated messages for the credit window. */
const pmCollector: RoleFn = (d: PmCollectorData, ctl, o) =>
  new Promise<PipelineReport>((resolve, reject) => {
    const tally = new PipelineTally(o);
    let ends = 0;
    const onMessage = (m: ResultMessage | null): void => {
      if (m === null) {
        if (++ends < FANOUT) return;
        for (const p of d.inputs) p.close();
        try {
          resolve(tally.finish());
        } catch (e) {
          reject(e);
        }
        return;
      }
      tally.add(m);
      if ((tally.meter.count & (PM_ACK_EVERY - 1)) === 0) acknowledge(ctl, tally.complete);
    };
    for (const p of d.inputs) p.on("message", onMessage);
    readyAndWaitForGo(ctl);
  });

async function postMessageTrial(o: TrialOptions): Promise<TrialValues> {
  const toP = PROCESSOR_KS.map(() => new MessageChannel());
  const toC = PROCESSOR_KS.map(() => new MessageChannel());
  const specs: WorkerSpec[] = [
    { role: "pm:generator", data: { outs: toP.map((c) => c.port1) }, transfer: toP.map((c) => c.port1) },
    ...PROCESSOR_KS.map((k, i) => ({
      role: "pm:processor",
      data: { k, input: toP[i]!.port2, output: toC[i]!.port1 },
      transfer: [toP[i]!.port2, toC[i]!.port1],
    })),
    { role: "pm:collector", data: { inputs: toC.map((c) => c.port2) }, transfer: toC.map((c) => c.port2) },
  ];
  const results = await runWorkers(SUITE, specs, createControl(), o);
  const gen = results[0] as GeneratedTotal;
  const report = results[results.length - 1] as PipelineReport;
  checkPipeline("postMessage", gen, report);
  return { "msgs/s": report.rate };
}

// ---- zeromq-json: four processes, PUB/SUB over ipc://, loaded only in those processes ----

const zmqRoles = (): Promise<typeof import("./pipeline/zeromq.js")> => import("./pipeline/zeromq.js");

async function zeromqTrial(o: TrialOptions): Promise<TrialValues> {
  const ps = ProcessSpace.create();
  const base = join(tmpdir(), `etherflow-bench-${process.pid}`);
  const files = [`${base}-data.ipc`, `${base}-result.ipc`];
  try {
    const endpoints = { data: `ipc://${files[0]}`, result: `ipc://${files[1]}` };
    const results = await runProcesses(
      SUITE,
      [
        { role: "zmq:generator", data: endpoints },
        ...PROCESSOR_KS.map((k, index) => ({ role: "zmq:processor", data: { ...endpoints, index, k } satisfies ZmqPipelineData })),
        { role: "zmq:collector", data: endpoints },
      ],
      ps,
      o,
    );
    const gen = results[0] as GeneratedTotal;
    const report = results[results.length - 1] as PipelineReport;
    checkPipeline("zeromq-json", gen, report);
    return { "msgs/s": report.rate };
  } finally {
    ps.close();
    for (const f of files) rmSync(f, { force: true });
  }
}

async function trial(caseName: string, impl: string, opts: TrialOptions): Promise<TrialValues> {
  if (caseName !== CASE) throw new Error(`suite ${SUITE} has no case ${caseName}`);
  switch (impl) {
    case "ether":
      return etherTrial(opts);
    case "postMessage":
      return postMessageTrial(opts);
    case "zeromq-json":
      return zeromqTrial(opts);
    default:
      throw new Error(`${CASE} has no impl ${impl}`);
  }
}

export const scenario: Scenario = {
  suite: SUITE,
  cases: [
    {
      name: CASE,
      cores: 2,
      what:
        "{seq, t, value}: generator -> 2 processors -> collector (4 threads; zeromq-json: 4 processes, ipc://), " +
        "generated msgs/s complete at the collector",
      impls: [{ name: "ether" }, { name: "postMessage" }, { name: "zeromq-json" }],
      // Four threads (or processes) JIT-compile on two cores for the first ~500 ms (ether measured
      // from 200 ms: 0.2 M msgs/s; from 500 ms: 1.3-1.5 M; from 800 ms: 1.6-1.7 M). Each trial
      // spends ~0.5-1 s starting its four threads or processes (an ether session's hosts load the
      // runtime): two quick repeats, warmed up 500 ms, keep the whole quick run under a minute.
      warmMs: 600,
      quick: { warmMs: 500, measureMs: 150, repeats: 2 },
      goals: [
        {
          label: "ether >= 10x postMessage (pipeline)",
          kind: "ratio",
          a: { case: CASE, impl: "ether", metric: "msgs/s" },
          b: { case: CASE, impl: "postMessage", metric: "msgs/s" },
          op: ">=",
          target: 10,
        },
        {
          label: "ether >= 20x zeromq + JSON (pipeline)",
          kind: "ratio",
          a: { case: CASE, impl: "ether", metric: "msgs/s" },
          b: { case: CASE, impl: "zeromq-json", metric: "msgs/s" },
          op: ">=",
          target: 20,
        },
      ],
    },
  ],
  trial,
  roles: {
    "pm:generator": pmGenerator,
    "pm:processor": pmProcessor,
    "pm:collector": pmCollector,
    "zmq:generator": async (d: ZmqPipelineData, ctl, o) => (await zmqRoles()).zmqGenerator(d, ctl, o),
    "zmq:processor": async (d: ZmqPipelineData, ctl) => (await zmqRoles()).zmqProcessor(d, ctl),
    "zmq:collector": async (d: ZmqPipelineData, ctl, o) => (await zmqRoles()).zmqCollector(d, ctl, o),
  },
};
