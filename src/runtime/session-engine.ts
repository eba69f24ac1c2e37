/**
 * The engine behind `ether.tap/start/shutdown`: loads and validates the config, creates the session's
 * shared space and topics, launches one host per instance (thread or process; every "main" instance
 * shares one host on this thread), starts them in two phases, and shuts everything down: drain, stop,
 * join, unlink.
 *
 * @example
 *   const engine = await SessionEngine.tap("config/dual_processors.yaml");
 *   await engine.start();
 *   await engine.shutdown();
 */
import { randomUUID } from "node:crypto";
import { componentMeta } from "../component/metadata.js";
import { applyDecorators } from "../component/registry-apply.js";
import { DEAD_LETTER_TOPIC } from "../component/host.js";
import { errors } from "../errors.js";
import { namespace, sessionLine, setLogLevel } from "../log.js";
import { nativeStatus, warnThreadsOnly } from "../native/load.js";
import { Doorbell, SharedSpace, Topic, type TopicHandle } from "../transport/index.js";
import { DictEncoder, SCHEMA_DICT } from "../frame/index.js";
import { TAIL_INDEX, SLOT_ACTIVE, SUB_CURSOR_OFFSET, SUB_SLOT_LENGTH, SUB_STATE_OFFSET } from "../transport/ring-layout.js";
import { type SessionConfig, loadClass, loadConfig, topicSettings } from "./config/index.js";
import { LOG_TOPIC } from "./host-runner.js";
import type { HostSpec, HostedInstanceSpec } from "./host-spec.js";
import { type LaunchedHost, launchHost } from "./launcher.js";
import { registryMethods } from "./registry.js";

const debug = namespace("session");

/** How long shutdown waits for in-flight messages to be handled before it stops the hosts. */
const DRAIN_DEADLINE_MS = 2000;
/** How long a host may take to stop before it is killed. */
const STOP_DEADLINE_MS = 5000;

/** Topic on which every host state change is published: `{ host, instances, placement, from, to, reason, time }`. */
export const LIFECYCLE_TOPIC = "ether/lifecycle";

/** A host's state as the session sees it. */
export type HostState = "starting" | "running" | "stopping" | "stopped" | "failed";

/** One line of status(): a host and the instances it runs. */
export interface HostStatus {
  readonly host: string;
  readonly instances: readonly string[];
  readonly placement: string;
  readonly pid: number;
  readonly state: HostState;
  readonly reason?: string;
}

/** What shutdown() reports. */
export interface ShutdownReport {
  /** True when a host failed, had to be killed, or a handler threw. */
  readonly failed: boolean;
  readonly handlerErrors: number;
  readonly invalid: number;
}

/** One session, from tap to shutdown. */
export class SessionEngine {
  readonly id: string;
  readonly config: SessionConfig;
  readonly space: SharedSpace;
  readonly #handles: Record<string, TopicHandle>;
  #hosts: LaunchedHost[] = [];
  /** Each host's doorbell, rung with "stop" so a parked host stops at once. */
  readonly #doorbells = new Map<LaunchedHost, number>();
  /** Each host's subscriber slots, detached if the host dies so block publishers do not wait for it. */
  readonly #slots = new Map<LaunchedHost, readonly { topic: string; slot: number }[]>();
  readonly #states = new Map<LaunchedHost, { state: HostState; reason?: string }>();
  #lifecycle: { publish(message: object): void } | undefined;
  #state: "tapped" | "started" | "stopping" | "stopped" = "tapped";

  private constructor(config: SessionConfig, space: SharedSpace, handles: Record<string, TopicHandle>) {
    this.config = config;
    this.space = space;
    this.id = space.sessionId;
    this.#handles = handles;
  }

  /** Validates the config (a YAML path or an object), loads the classes, and creates the topics. Nothing runs yet. */
  static async tap(source: string | object, options: { cwd?: string } = {}): Promise<SessionEngine> {
    const config = await loadConfig(source, options);
    setLogLevel(config.session.logLevel);
    for (const entry of config.registry) applyDecorators(await loadClass(entry.class), registryMethods(entry.methods));
    const topics = new Set<string>(Object.keys(config.topics));
    for (const instance of config.instances) {
      const meta = componentMeta(await loadClass(instance.class));
      for (const s of meta.subs) topics.add(s.topic);
      for (const p of meta.pubs) topics.add(p.topic);
    }
    topics.add(LOG_TOPIC);
    topics.add(DEAD_LETTER_TOPIC);
    topics.add(LIFECYCLE_TOPIC);
    const processes = config.instances.filter((i) => i.placement === "process");
    if (!nativeStatus().available) warnThreadsOnly(); // once per thread: processes need the addon
    if (processes.length > 0 && !nativeStatus().available) {
      throw errors.nativeUnavailable(`instance "${processes[0]!.name}" has placement: process (${nativeStatus().reason})`);
    }
    const space = SharedSpace.create({
      sessionId: randomUUID(),
      transport: processes.length > 0 ? "shm" : "threads",
      maxTopics: Math.max(64, topics.size),
    });
    const handles: Record<string, TopicHandle> = {};
    try {
      for (const name of topics) {
        const t = topicSettings(config, name);
        // A slow reader of the log must never stall a host: unless configured, the log drops its oldest lines (counted).
        const policy = (name === LOG_TOPIC || name === LIFECYCLE_TOPIC) && config.topics[name] === undefined ? "drop-oldest" : t.policy;
        handles[name] = space.createTopic(name, {
          capacity: t.capacity,
          maxFrame: t.maxFrame,
          policy,
          blockTimeoutMs: config.session.blockTimeoutMs,
        });
        debug("session %s: topic %s (%d bytes, max frame %d, %s)", space.sessionId, name, t.capacity, t.maxFrame, policy);
      }
    } catch (error) {
      space.close();
      throw error;
    }
    return new SessionEngine(config, space, handles);
  }

  /** Launches the hosts; resolves once every host is running (every subscriber exists before any @start runs). */
  async start(): Promise<void> {
    if (this.#state !== "tapped") throw errors.closed(`session ${this.id} (already ${this.#state})`);
    this.#state = "started";
    sessionLine("info", `Starting Ether session: ${this.id}...`);
    const base = {
      sessionId: this.id,
      registry: this.config.registry.map((r) => ({ class: r.class, methods: r.methods })),
      topics: this.#handles,
      wait: this.config.session.wait,
      logLevel: this.config.session.logLevel,
    };
    const spec = (i: SessionConfig["instances"][number]): HostedInstanceSpec => ({ name: i.name, class: i.class, kwargs: i.kwargs });
    const specs: HostSpec[] = this.config.instances
      .filter((i) => i.placement !== "main")
      .map((i) => ({ ...base, hostName: i.name, placement: i.placement, instances: [spec(i)] }));
    const mains = this.config.instances.filter((i) => i.placement === "main");
    if (mains.length > 0) specs.push({ ...base, hostName: "main", placement: "main", instances: mains.map(spec) });
    this.#lifecycle = lifecyclePublisher(this.space.topic(LIFECYCLE_TOPIC));
    this.#hosts = specs.map((s) => {
      debug("launching host %s (%s) for %s", s.hostName, s.placement, s.instances.map((i) => i.name).join(", "));
      const host = launchHost(s);
      this.#setState(host, "starting");
      void host.exited.then(() => this.#onExit(host));
      return host;
    });
    try {
      await Promise.all(
        this.#hosts.map(async (h) => {
          const subscribed = await h.next("subscribed");
          this.#doorbells.set(h, subscribed.doorbell);
          this.#slots.set(h, subscribed.slots);
        }),
      );
    } catch (error) {
      await Promise.all(this.#hosts.map((h) => h.kill()));
      this.space.close();
      this.#state = "stopped";
      throw error;
    }
    for (const h of this.#hosts) {
      const where = h.spec.placement === "main" ? "main thread" : h.spec.placement;
      sessionLine("info", `Started ${h.spec.instances.map((i) => i.name).join(", ")} (${where})`);
      h.send({ type: "go" });
      this.#setState(h, "running");
    }
    sessionLine("info", "Ether system started successfully");
  }

  /** Drains in-flight messages (bounded), stops and joins every host, removes the segments. */
  async shutdown(): Promise<ShutdownReport> {
    if (this.#state === "stopped" || this.#state === "stopping") return { failed: false, handlerErrors: 0, invalid: 0 };
    const wasStarted = this.#state === "started";
    this.#state = "stopping";
    sessionLine("info", `Shutting down Ether session: ${this.id}...`);
    let failed = false;
    let handlerErrors = 0;
    let invalid = 0;
    if (wasStarted) {
      await this.#drain(DRAIN_DEADLINE_MS);
      const stopped = this.#hosts.map(async (h) => {
        if (this.#states.get(h)?.state === "failed") {
          failed = true;
          return;
        }
        this.#setState(h, "stopping");
        h.send({ type: "stop" });
        const bell = this.#doorbells.get(h);
        if (bell !== undefined) Doorbell.ring(this.space.session, this.space.store.waitOps, bell);
        try {
          const report = await h.next("stopped", STOP_DEADLINE_MS);
          handlerErrors += report.counts.handlerErrors;
          invalid += report.counts.invalid;
          this.#setState(h, "stopped");
        } catch (error) {
          failed = true;
          sessionLine("error", `[${h.spec.hostName}] ${(error as Error).message}; killing it`);
          await h.kill();
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([h.exited, new Promise((r) => (timer = setTimeout(r, STOP_DEADLINE_MS)))]);
        clearTimeout(timer);
      });
      await Promise.all(stopped);
    }
    this.space.close();
    this.#state = "stopped";
    sessionLine("info", "Ether system shutdown complete");
    return { failed: failed || handlerErrors > 0, handlerErrors, invalid };
  }

  /** Session state. */
  get state(): string {
    return this.#state;
  }

  /** Every host, its instances, where it runs and its state. */
  status(): HostStatus[] {
    return this.#hosts.map((h) => {
      const s = this.#states.get(h) ?? { state: "starting" as const };
      return {
        host: h.spec.hostName,
        instances: h.spec.instances.map((i) => i.name),
        placement: h.spec.placement,
        pid: h.pid,
        state: s.state,
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
      };
    });
  }

  #setState(host: LaunchedHost, to: HostState, reason?: string): void {
    const from = this.#states.get(host)?.state;
    this.#states.set(host, { state: to, reason });
    debug("host %s: %s -> %s %s", host.spec.hostName, from ?? "-", to, reason ?? "");
    try {
      this.#lifecycle?.publish({
        host: host.spec.hostName,
        instances: host.spec.instances.map((i) => i.name),
        placement: host.spec.placement,
        from: from ?? null,
        to,
        reason: reason ?? null,
        time: Date.now(),
      });
    } catch (error) {
      debug("could not publish on %s: %s", LIFECYCLE_TOPIC, (error as Error).message);
    }
  }

  /** A host ended: expected while stopping; otherwise it crashed, which is logged and remembered. */
  #onExit(host: LaunchedHost): void {
    const state = this.#states.get(host)?.state;
    if (state === "stopping" || state === "stopped" || state === "failed") return;
    if (this.#state === "stopping" || this.#state === "stopped") return;
    const how = host.exitInfo() ?? "unknown cause";
    const names = host.spec.instances.map((i) => i.name).join(", ");
    sessionLine("error", `[${host.spec.hostName}] host of ${names} exited unexpectedly (${how}); the rest of the session runs on`);
    this.#setState(host, "failed", `exited unexpectedly (${how})`);
    // Its subscribers will never read again: publishers on block topics must not wait for them.
    for (const { topic, slot } of this.#slots.get(host) ?? []) {
      if (this.space.topic(topic).detachSubscriber(slot)) debug("detached subscriber %d of %s (host %s died)", slot, topic, host.spec.hostName);
    }
  }

  /**
   * Waits until every subscriber of every topic has read everything and nothing moved for two
   * consecutive looks (handlers may publish in turn), or until the deadline.
   */
  async #drain(deadlineMs: number): Promise<void> {
    debug("draining (at most %d ms)", deadlineMs);
    const until = performance.now() + deadlineMs;
    let quietLooks = 0;
    let lastTails = "";
    while (performance.now() < until && quietLooks < 2) {
      await new Promise((r) => setTimeout(r, 10));
      const tails: number[] = [];
      let pending = false;
      for (const name of Object.keys(this.#handles)) {
        const seg = this.space.topic(name).segment;
        const tail = Atomics.load(seg.i32, TAIL_INDEX);
        tails.push(tail);
        for (let slot = 0; slot < seg.maxSubscribers; slot++) {
          const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
          if (Atomics.load(seg.i32, base + (SUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) continue;
          if (Atomics.load(seg.i32, base + (SUB_CURSOR_OFFSET >> 2)) !== tail) pending = true;
        }
      }
      const key = tails.join(",");
      quietLooks = !pending && key === lastTails ? quietLooks + 1 : 0;
      lastTails = key;
    }
  }

  /** Handles of the session's topics (for tests and tools). */
  topicHandle(name: string): TopicHandle {
    const h = this.#handles[name];
    if (h === undefined) throw errors.topicNotFound(name, this.id);
    return h;
  }

  /** A topic attached in this thread (for tests and tools). */
  topic(name: string): Topic {
    return this.space.topic(name);
  }
}

/** Publishes lifecycle records from this thread (dict messages on ether/lifecycle). */
function lifecyclePublisher(topic: Topic): { publish(message: object): void } {
  const pub = topic.publisher();
  const encoder = new DictEncoder({ topic: LIFECYCLE_TOPIC });
  return { publish: (message) => void pub.publish(encoder.encode(message), SCHEMA_DICT) };
}
