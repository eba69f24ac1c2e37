/**
 * Runs a host from its HostSpec in the current realm (worker thread, child process or main thread):
 * loads the classes (users' .ts through tsx), applies registry decorators, attaches the topics,
 * and drives the component Host through the two-phase start and the stop.
 *
 * @example
 *   const runner = await HostRunner.create(spec, (m) => parentPort!.postMessage(m));
 *   parentPort!.on("message", (m) => runner.receive(m));
 */
import { applyDecorators } from "../component/registry-apply.js";
import { Host, type HostedInstance, type LogPlace, type TopicTable } from "../component/host.js";
import { DictEncoder, SCHEMA_DICT, type TableClass } from "../frame/index.js";
import { namespace, setLogLevel, sessionLine } from "../log.js";
import { threadId } from "node:worker_threads";
import { Doorbell, InstanceEntry, Topic, monotonicNs, type Publisher } from "../transport/index.js";
import { loadClass, type ComponentClass } from "./config/class-resolver.js";
import type { FromHost, HostSpec, ToHost } from "./host-spec.js";
import { registryMethods } from "./registry.js";
import { RepeatFilter } from "./repeat-filter.js";
import { workerUnsafeAddon } from "./worker-safety.js";
import { errors } from "../errors.js";
import { setAffinity } from "../native/platform.js";

const debug = namespace("host");

/** Topic on which every host's log lines are published. */
export const LOG_TOPIC = "ether/log";

/** On a worker thread: fails when a loaded addon is known to crash the process there (worker-safety.ts). */
function checkWorkerSafety(spec: HostSpec): void {
  if (spec.placement !== "thread") return;
  const unsafe = workerUnsafeAddon();
  if (unsafe !== undefined) throw errors.notWorkerSafe(spec.instances.map((i) => i.name), unsafe.name, unsafe.why);
}

/** Pins this host's thread to its `cpus:` first, so that threads it starts later (libuv's pool) inherit them. */
function pinThread(spec: HostSpec): void {
  if (spec.cpus === undefined) return;
  try {
    setAffinity(spec.cpus);
  } catch (error) {
    throw errors.instanceStart(spec.hostName, `pinning its ${spec.placement} to cpus ${spec.cpus.join(", ")}`, error);
  }
}

/** One line of a host's log. */
interface HostLogLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly place: LogPlace;
}

/** A host driven by session messages. */
export class HostRunner {
  readonly #spec: HostSpec;
  readonly #send: (message: FromHost) => void;
  readonly #host: Host;
  readonly #topics = new Map<string, Topic>();
  readonly #log: { pub: Publisher; encoder: DictEncoder } | undefined;
  readonly #doorbell: Doorbell;
  readonly #repeats = new RepeatFilter<HostLogLine>((line, repeats) => this.#write(line, repeats));
  #stopping = false;
  #failed = false;
  #running: Promise<void> | undefined;

  private constructor(spec: HostSpec, send: (message: FromHost) => void, instances: HostedInstance[], doorbell: Doorbell, tables: ReadonlyMap<string, TopicTable>) {
    this.#spec = spec;
    this.#send = send;
    this.#doorbell = doorbell;
    const logTopic = spec.topics[LOG_TOPIC];
    const logTopicAttached = logTopic === undefined ? undefined : this.topic(LOG_TOPIC);
    const logPub = logTopicAttached === undefined ? undefined : spec.publisherOwner === undefined ? logTopicAttached.publisher() : logTopicAttached.publisher(spec.publisherOwner);
    this.#log = logPub === undefined ? undefined : { pub: logPub, encoder: new DictEncoder({ topic: LOG_TOPIC }) };
    const entries = instances.map((i) => i.watch as InstanceEntry);
    this.#host = new Host(instances, {
      topic: (name) => this.topic(name),
      readRings: (topic) => spec.lanes?.[topic] ?? [topic],
      writeRing: (topic) => spec.writeRings?.[topic] ?? topic,
      topicType: (topic) => tables.get(topic),
      doorbell,
      wait: spec.wait,
      log: (level, message, place) => this.log(level, message, place),
      parkAsync: (hasWork, ms) => doorbell.parkAsync(hasWork, ms),
      parkAtOnce: spec.placement === "main",
      stopRequested: () => entries.some((e) => e.closing),
      subscriberOptions: (index, topic) => {
        const options: { resume?: number; owner?: number } = {};
        const resumed = spec.resume?.[index];
        if (resumed !== undefined && resumed.topic === topic) options.resume = resumed.slot;
        if (spec.slotOwner !== undefined) options.owner = spec.slotOwner;
        return options;
      },
      ...(spec.publisherOwner !== undefined ? { publisherOwner: spec.publisherOwner } : {}),
      health: (instance, report) => {
        if (report.healthy) this.log("info", `health check passes again${report.detail === undefined ? "" : `: ${report.detail}`}`, { instance, method: "healthCheck" });
        else this.log("warn", `health check failed: ${report.detail ?? "unhealthy"}`, { instance, method: "healthCheck" });
        this.#send({ type: "health", instance, healthy: report.healthy, ...(report.detail !== undefined ? { detail: report.detail } : {}) });
      },
      heartbeat: () => {
        const now = monotonicNs();
        for (const e of entries) e.beat(now);
      },
    });
  }

  /** Loads the classes and builds the host (nothing runs yet). */
  static async create(spec: HostSpec, send: (message: FromHost) => void): Promise<HostRunner> {
    setLogLevel(spec.logLevel);
    pinThread(spec);
    for (const entry of spec.registry) {
      const Class = await loadClass(entry.class);
      applyDecorators(Class, registryMethods(entry.methods));
    }
    const first = Object.values(spec.topics)[0];
    if (first === undefined) throw new Error("a host needs at least one topic");
    const segment = Topic.attach(first).segment;
    const instances: HostedInstance[] = [];
    for (const i of spec.instances) {
      const Class: ComponentClass = await loadClass(i.class);
      const entry = new InstanceEntry(segment.session, i.index);
      entry.setHost(process.pid, threadId);
      instances.push({ name: i.name, Class, kwargs: { ...i.kwargs }, watch: entry, failOnHandlerError: i.failOnHandlerError });
    }
    const tables = new Map<string, TopicTable>();
    for (const [topic, type] of Object.entries(spec.types ?? {})) tables.set(topic, { Table: (await loadClass(type.class)) as unknown as TableClass, schemaId: type.schemaId });
    checkWorkerSafety(spec);
    const doorbell = new Doorbell(segment.session, segment.waitOps, segment.waitOps.kind === "shm" ? process.pid : 0);
    return new HostRunner(spec, send, instances, doorbell, tables);
  }

  /** The topic `name`, attached once in this realm. */
  topic(name: string): Topic {
    let topic = this.#topics.get(name);
    if (topic === undefined) {
      const handle = this.#spec.topics[name];
      if (handle === undefined) throw new Error(`topic "${name}" is not part of session ${this.#spec.sessionId}`);
      topic = Topic.attach(handle);
      this.#topics.set(name, topic);
    }
    return topic;
  }

  /** Phase one: construct and subscribe, then report "subscribed". */
  async subscribe(): Promise<void> {
    await this.#host.start(false);
    checkWorkerSafety(this.#spec); // a component may import it only in its constructor or initialize()
    debug("host %s subscribed (%s)", this.#spec.hostName, this.#spec.placement);
    this.#send({ type: "subscribed", doorbell: this.#doorbell.index, slots: this.#host.subscriptionSlots() });
  }

  /**
   * Handles a session message. A "stop" before "go" stops the host without running anything;
   * "quiesce" stops its `@every` methods (shutdown, before the session drains the topics).
   */
  receive(message: ToHost): void {
    if (message.type === "go" && this.#running === undefined && !this.#stopping) this.#running = this.#go();
    else if (message.type === "quiesce") {
      this.#host.quiesce();
      this.#send({ type: "quiesced" });
    } else if (message.type === "stop") {
      this.#stopping = true;
      this.#running ??= this.#stopUnstarted();
    }
  }

  async #stopUnstarted(): Promise<void> {
    await this.#host.stop();
    this.#repeats.flush();
    this.#log?.pub.close();
    this.#send({ type: "stopped", counts: { ...this.#host.counts } });
  }

  /**
   * A log line: printed with the host's instance, and published on ether/log. The same line again
   * within a second is counted rather than repeated (repeat-filter.ts).
   */
  log(level: "info" | "warn" | "error", message: string, place: LogPlace = {}): void {
    const key = `${level}|${place.instance ?? ""}|${place.method ?? ""}|${place.topic ?? ""}|${message}`;
    this.#repeats.offer({ key, line: { level, message, place } });
  }

  #write(line: HostLogLine, repeats?: { count: number; ms: number }): void {
    const { level, place } = line;
    const message = repeats === undefined ? line.message : `${line.message} (repeated ${repeats.count} more times in ${repeats.ms} ms)`;
    const where = [place.instance ?? this.#spec.hostName, place.method, place.topic && `topic "${place.topic}"`].filter(Boolean).join(", ");
    sessionLine(level, `[${where}] ${message}`);
    try {
      const record = { level, host: this.#spec.hostName, ...place, message, time: Date.now(), ...(repeats === undefined ? {} : { repeated: repeats.count }) };
      this.#log?.pub.publish(this.#log.encoder.encode(record), SCHEMA_DICT);
    } catch {
      // A full log topic must never take the host down; the line was printed.
    }
  }

  async #go(): Promise<void> {
    try {
      await this.#host.runStarts();
      await this.#host.run(() => this.#stopping);
      await this.#host.stop();
      debug("host %s stopped: %o", this.#spec.hostName, this.#host.counts);
      this.#repeats.flush();
      this.#log?.pub.close();
      this.#send({ type: "stopped", counts: { ...this.#host.counts } });
    } catch (error) {
      // No cleanup of the topics: a supervisor that restarts this host resumes its subscriber slots.
      this.#failed = true;
      this.#repeats.flush();
      this.#send({ type: "failed", message: (error as Error).message, code: (error as { code?: string }).code });
    }
  }

  /** True when the host ended with an error (a fail-on-error handler threw): its process or thread exits non-zero. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Resolves when the host has stopped. */
  get done(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }
}
