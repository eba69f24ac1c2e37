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
import { errors } from "../errors.js";
import { namespace, sessionLine } from "../log.js";
import { nativeStatus, warnThreadsOnly } from "../native/load.js";
import { type Publisher, SharedSpace, Topic, type TopicHandle, type TopicStats, type WaitAlias } from "../transport/index.js";
import { DictEncoder, SCHEMA_DICT } from "../frame/index.js";
import { TAIL_INDEX, SLOT_ACTIVE, SUB_CURSOR_OFFSET, SUB_SLOT_LENGTH, SUB_STATE_OFFSET } from "../transport/ring-layout.js";
import type { SessionConfig } from "./config/index.js";
import type { HostSpec, HostedInstanceSpec } from "./host-spec.js";
import type { InstanceConfig } from "./config/index.js";
import { type InstanceStatus, Supervisor } from "./supervisor.js";
import { Resource } from "../lifecycle/index.js";
import type { TopicLanes } from "./lanes.js";
import { LIFECYCLE_TOPIC, MAIN_HOST, type PlannedTopic, hostKey, planSession } from "./session-plan.js";
import { type TopicFlow, flowLine } from "./topic-flow.js";
import { TopicReader } from "./topic-reader.js";

const debug = namespace("session");

/** How long shutdown waits for `@every` methods to stop and in-flight messages to be handled before it stops the hosts. */
const DRAIN_DEADLINE_MS = 2000;

/** A topic's counters over all its rings (SessionEngine.stats): each total summed over the rings. */
export interface TopicTotals extends Omit<TopicStats, "publishers" | "subscribers"> {
  /** Each ring's counters: the topic's own first, then its lanes. */
  readonly rings: readonly TopicStats[];
}

/** What shutdown() reports. */
export interface ShutdownReport {
  /** True when an instance crashed, hung or failed to start (even if restarted), had to be killed, or a handler threw. */
  readonly failed: boolean;
  readonly handlerErrors: number;
  readonly invalid: number;
  /** Restarts over the session. */
  readonly restarts: number;
  /** Messages readers of the session's topics missed under drop-oldest (the ether/ topics aside). */
  readonly dropped: number;
  /** Publishes to the session's topics that a full ring refused under reject, or that a stopping host gave up on under block (the ether/ topics aside). */
  readonly rejected: number;
  /** What flowed through each of the session's topics (the ether/ topics aside), in config order. */
  readonly topics: readonly TopicFlow[];
}

/** What shutdown() reports for a session that never ran (or already stopped). */
export const NOTHING_RAN: ShutdownReport = Object.freeze({ failed: false, handlerErrors: 0, invalid: 0, restarts: 0, dropped: 0, rejected: 0, topics: [] });

/** One session, from tap to shutdown. */
export class SessionEngine {
  readonly id: string;
  readonly config: SessionConfig;
  readonly space: SharedSpace;
  /** Every ring by name: each topic's own, and the lanes of topics several hosts publish. */
  readonly #handles: Record<string, TopicHandle>;
  /** Topics several hosts publish: their rings and which host writes which (lanes.ts). */
  readonly #lanes: ReadonlyMap<string, TopicLanes>;
  /** The session's topics as planned (settings, rings, publishers and subscribers). */
  readonly #planned: readonly PlannedTopic[];
  #supervisor: Supervisor | undefined;
  #state: "tapped" | "started" | "stopping" | "stopped" = "tapped";
  /** Publishes lifecycle records on ether/lifecycle from this thread. */
  readonly #lifecycle: { publish(message: object): void };
  /** The session's segments as a resource: ready from tap, unlinked by its cleanup at shutdown. */
  readonly #segments: Resource;

  private constructor(config: SessionConfig, space: SharedSpace, handles: Record<string, TopicHandle>, lanes: ReadonlyMap<string, TopicLanes>, planned: readonly PlannedTopic[]) {
    this.config = config;
    this.#planned = planned;
    this.space = space;
    this.id = space.sessionId;
    this.#handles = handles;
    this.#lanes = lanes;
    this.#lifecycle = lifecyclePublisher(space.topic(LIFECYCLE_TOPIC));
    this.#segments = new Resource("segments", { cleanup: () => space.close() });
    this.#segments.onTransition((e) => {
      if (e.to === "closed") return; // the topic is gone with the segments
      this.#lifecycle.publish({ resource: "segments", session: this.id, from: e.from, to: e.to, reason: e.reason ?? null, time: e.time });
    });
  }

  /** Validates the config (a YAML path or an object), loads the classes, and creates the topics. Nothing runs yet. */
  static async tap(source: string | object, options: { cwd?: string } = {}): Promise<SessionEngine> {
    const { config, topics, lanes } = await planSession(source, options);
    const processes = config.instances.filter((i) => i.placement === "process");
    if (!nativeStatus().available) warnThreadsOnly(); // once per thread: processes need the addon
    if (processes.length > 0 && !nativeStatus().available) {
      throw errors.nativeUnavailable(`instance "${processes[0]!.name}" has placement: process (${nativeStatus().reason})`);
    }
    const rings = topics.flatMap((topic) => topic.rings.map((ring) => ({ topic, ring })));
    const space = SharedSpace.create({
      sessionId: randomUUID(),
      transport: processes.length > 0 ? "shm" : "threads",
      maxTopics: Math.max(64, rings.length),
    });
    const handles: Record<string, TopicHandle> = {};
    try {
      for (const { topic, ring } of rings) {
        const { capacity, maxFrame } = topic.settings;
        handles[ring] = space.createTopic(ring, { capacity, maxFrame, policy: topic.policy, blockTimeoutMs: config.session.blockTimeoutMs });
        debug("session %s: topic %s (%d bytes, max frame %d, %s)", space.sessionId, ring, capacity, maxFrame, topic.policy);
      }
    } catch (error) {
      space.close();
      throw error;
    }
    const engine = new SessionEngine(config, space, handles, lanes, topics);
    await engine.#segments.start();
    return engine;
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
      lanes: Object.fromEntries([...this.#lanes].map(([topic, l]) => [topic, l.rings])),
      types: this.config.types,
      wait: this.config.session.wait,
      logLevel: this.config.session.logLevel,
    };
    /** The rings a host writes instead of its topics' own (its lanes). */
    const writeRings = (host: string): Record<string, string> => {
      const own: Record<string, string> = {};
      for (const [topic, l] of this.#lanes) {
        const ring = l.writers.get(host);
        if (ring !== undefined && ring !== topic) own[topic] = ring;
      }
      return own;
    };
    const supervisor = new Supervisor(this.space, (record) => this.#lifecycle.publish(record), this.config.session.startTimeoutMs);
    this.#supervisor = supervisor;
    const instances = this.config.instances;
    const spec = (i: InstanceConfig): HostedInstanceSpec => ({
      name: i.name,
      class: i.class,
      kwargs: i.kwargs,
      index: instances.indexOf(i),
      failOnHandlerError: i.restart.policy !== "never",
    });
    for (const i of instances.filter((i) => i.placement !== "main")) {
      // A process reader that will be restarted is owned by this process, so that publishers wait for its successor.
      const slotOwner = i.placement === "process" && i.restart.policy !== "never" ? process.pid : undefined;
      // A thread host marks its publisher slots with a token of its own, so that they can be reclaimed if it dies.
      const publisherOwner = i.placement === "thread" ? -(instances.indexOf(i) + 1) : undefined;
      const hostSpec: HostSpec = {
        ...base,
        hostName: i.name,
        placement: i.placement,
        ...(i.cpus.length > 0 ? { cpus: i.cpus } : {}),
        instances: [spec(i)],
        writeRings: writeRings(hostKey(i)),
        ...(slotOwner !== undefined ? { slotOwner } : {}),
        ...(publisherOwner !== undefined ? { publisherOwner } : {}),
      };
      supervisor.add(hostSpec, i.restart, i.handlerTimeoutMs);
    }
    const mains = instances.filter((i) => i.placement === "main");
    if (mains.length > 0) {
      supervisor.add({ ...base, hostName: "main", placement: "main", instances: mains.map(spec), writeRings: writeRings(MAIN_HOST) }, mains[0]!.restart, 0);
    }
    try {
      await supervisor.launchAll();
    } catch (error) {
      await this.#closeSegments("the session failed to start");
      this.#state = "stopped";
      throw error;
    }
    supervisor.goAll();
    sessionLine("info", "Ether system started successfully");
  }

  /**
   * Drains in-flight messages (bounded), stops the hosts in reverse order (each calls its instances'
   * cleanup() and joins), and removes the segments.
   */
  async shutdown(): Promise<ShutdownReport> {
    if (this.#state === "stopped" || this.#state === "stopping") return NOTHING_RAN;
    const wasStarted = this.#state === "started";
    this.#state = "stopping";
    sessionLine("info", `Shutting down Ether session: ${this.id}...`);
    let failed = false;
    let handlerErrors = 0;
    let invalid = 0;
    let restarts = 0;
    const supervisor = this.#supervisor;
    if (wasStarted && supervisor !== undefined) {
      supervisor.halt();
      // Periodic sources stop first, so that the drain sees the topics settle instead of running to its deadline.
      const drainUntil = performance.now() + DRAIN_DEADLINE_MS;
      await supervisor.quiesce(DRAIN_DEADLINE_MS / 2);
      await this.#drain(Math.max(0, drainUntil - performance.now()));
      for (const s of [...supervisor.all].reverse()) {
        const r = await supervisor.stop(s);
        handlerErrors += r.handlerErrors;
        invalid += r.invalid;
        failed ||= r.killed || s.everFailed;
        restarts += s.policy.restarts;
      }
    }
    const topics = this.#flows();
    if (wasStarted) for (const flow of topics) sessionLine("info", flowLine(flow));
    const dropped = topics.reduce((n, t) => n + t.dropped, 0);
    const rejected = topics.reduce((n, t) => n + t.rejected, 0);
    await this.#closeSegments("session shutdown");
    this.#state = "stopped";
    sessionLine("info", "Ether system shutdown complete");
    return { failed: failed || handlerErrors > 0, handlerErrors, invalid, restarts, dropped, rejected, topics };
  }

  /** What flowed through each of the user's topics, over all its rings (ether/log and the like aside). */
  #flows(): TopicFlow[] {
    return this.#planned
      .filter((t) => !t.name.startsWith("ether/"))
      .map((t) => {
        const s = this.stats(t.name);
        return { name: t.name, published: s.published, bytes: s.bytes, delivered: s.delivered, dropped: s.dropped, invalid: s.invalid, rejected: s.rejected, subscribers: t.subscribers };
      });
  }

  /** Closes the segments resource: its cleanup unlinks every segment of the session. */
  async #closeSegments(reason: string): Promise<void> {
    try {
      await this.#segments.close(reason);
    } catch (error) {
      sessionLine("error", `could not remove the session's segments: ${(error as Error).message}`);
    }
  }

  /** Session state. */
  get state(): string {
    return this.#state;
  }

  /** Every instance: where it runs, its lifecycle state, restarts and health. */
  status(): InstanceStatus[] {
    return this.#supervisor?.status() ?? [];
  }

  /**
   * Waits until nothing is in flight, or until the deadline: one look reads every topic's TAIL, then
   * every subscriber's cursor, then every TAIL again; when no TAIL moved meanwhile and every cursor is
   * at its TAIL and no instance is inside a handler, no frame was unread or being handled during the
   * look (a host moves its cursor past a frame only after the handler, except on drop-oldest topics,
   * and the handler's own publishes come before that). A source that
   * keeps publishing on its own (a timer of a component) then only ends the drain if a look falls
   * between two of its messages; a continuous one runs it to the deadline.
   */
  async #drain(deadlineMs: number): Promise<void> {
    debug("draining (at most %d ms)", Math.round(deadlineMs));
    const until = performance.now() + deadlineMs;
    const segments = Object.keys(this.#handles).map((name) => this.space.topic(name).segment);
    const tails = (): string => segments.map((seg) => Atomics.load(seg.i32, TAIL_INDEX)).join(",");
    while (performance.now() < until) {
      const before = tails();
      let pending = false;
      for (const seg of segments) {
        const tail = Atomics.load(seg.i32, TAIL_INDEX);
        for (let slot = 0; slot < seg.maxSubscribers && !pending; slot++) {
          const base = (seg.subTableOffset + slot * SUB_SLOT_LENGTH) >> 2;
          if (Atomics.load(seg.i32, base + (SUB_STATE_OFFSET >> 2)) !== SLOT_ACTIVE) continue;
          if (Atomics.load(seg.i32, base + (SUB_CURSOR_OFFSET >> 2)) !== tail) pending = true;
        }
      }
      // A drop-oldest reader moves its cursor when it copies a frame out, before the handler: ask the hosts too.
      if (!pending && !this.#supervisor!.anyInHandler() && tails() === before) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Handle of a topic's own ring (for tests and tools). */
  topicHandle(name: string): TopicHandle {
    const h = this.#handles[name];
    if (h === undefined) throw errors.topicNotFound(name, this.id);
    return h;
  }

  /**
   * A topic attached in this thread (for tests and tools). A topic that several instances publish has
   * a ring per publishing host (lanes.ts) and no single Topic: for it this throws
   * ERR_ETHER_TOPIC_HAS_LANES, pointing to subscribe(), stats() and publisher(), which work for every topic.
   */
  topic(name: string): Topic {
    const lanes = this.#lanes.get(name);
    if (lanes !== undefined) throw errors.topicHasLanes(name, this.id, lanes.rings);
    return this.space.topic(name);
  }

  /** A publisher into a topic from this thread (into its own ring, when it has lanes). Close it when done. */
  publisher(name: string): Publisher {
    if (this.#handles[name] === undefined) throw errors.topicNotFound(name, this.id);
    return this.space.topic(name).publisher();
  }

  /**
   * A topic's counters over all its rings: the totals, and each ring's own stats (`rings`).
   *
   * @example
   *   const { published, delivered } = engine.stats("result");
   */
  stats(name: string): TopicTotals {
    const rings = this.rings(name).map((ring) => this.space.stats(ring));
    const sum = (key: "published" | "bytes" | "rejected" | "delivered" | "dropped" | "invalid"): number => rings.reduce((n, r) => n + r[key], 0);
    return {
      name,
      published: sum("published"),
      bytes: sum("bytes"),
      rejected: sum("rejected"),
      delivered: sum("delivered"),
      dropped: sum("dropped"),
      invalid: sum("invalid"),
      rings,
    };
  }

  /** The rings of a topic: its own, then its lanes when several hosts publish it (lanes.ts). */
  rings(name: string): readonly string[] {
    if (this.#handles[name] === undefined) throw errors.topicNotFound(name, this.id);
    return this.#lanes.get(name)?.rings ?? [name];
  }

  /**
   * Reads every message of a topic from this thread, whichever instance published it (all its rings).
   *
   * @example
   *   const results = engine.subscribe("result", { wait: "hybrid" });
   *   while (results.wait(1000)) results.poll((f) => console.log(f.seq));
   */
  subscribe(name: string, options: { wait?: WaitAlias } = {}): TopicReader {
    return new TopicReader(name, this.rings(name).map((ring) => this.space.topic(ring)), options.wait ?? "hybrid");
  }
}

/** Publishes lifecycle records from this thread (dict messages on ether/lifecycle). */
function lifecyclePublisher(topic: Topic): { publish(message: object): void } {
  const pub = topic.publisher();
  const encoder = new DictEncoder({ topic: LIFECYCLE_TOPIC });
  return { publish: (message) => void pub.publish(encoder.encode(message), SCHEMA_DICT) };
}
