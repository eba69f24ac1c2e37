/**
 * The contract between a host and the runtime that runs it: the instances it is given, what the
 * runtime lends it (topics, doorbell, wait strategy, log, restart options) and what it counts.
 *
 * @example
 *   const io: HostIO = { topic: (n) => space.topic(n), doorbell, wait: "hybrid", log: console.log };
 */
import type { HealthReport } from "../lifecycle/index.js";
import type { Doorbell, Topic, WaitAlias } from "../transport/index.js";
import type { TableClass } from "../frame/index.js";
import type { HandlerWatch } from "./instance-hooks.js";

/** One instance a host runs. */
export interface HostedInstance {
  readonly name: string;
  readonly Class: new (kwargs: Readonly<Record<string, unknown>>) => object;
  readonly kwargs: Record<string, unknown>;
  /** Told when each handler starts and ends (the supervisor's watchdog reads it). */
  readonly watch?: HandlerWatch;
  /** A handler that throws ends the host (so a supervisor restarts it) instead of being logged and skipped. */
  readonly failOnHandlerError?: boolean;
}

/** The FlatBuffers table a typed topic carries, loaded. */
export interface TopicTable {
  readonly Table: TableClass;
  readonly schemaId: number;
}

/** Where a log line comes from. */
export interface LogPlace {
  readonly instance?: string;
  readonly method?: string;
  readonly topic?: string;
}

/** What the runtime gives a host: topics, its doorbell, its wait strategy, and a log. */
export interface HostIO {
  /** The topic (ring) called `name`, attached in this thread. */
  topic(name: string): Topic;
  /**
   * The rings a subscription to `topic` reads: one per publishing host when several hosts publish it
   * (the runtime's lanes), else absent or `[topic]`.
   */
  readRings?(topic: string): readonly string[];
  /** A typed topic's table class and the schema id of its frames (`type:`); undefined for the others. */
  topicType?(topic: string): TopicTable | undefined;
  /** The ring this host publishes `topic` on (its own lane), if not the topic's own. */
  writeRing?(topic: string): string;
  readonly doorbell: Doorbell;
  readonly wait: WaitAlias;
  log(level: "info" | "warn" | "error", message: string, place?: LogPlace): void;
  /**
   * Parks for at most `ms` without blocking the event loop, so that timers and I/O callbacks of the
   * host's components run while it is idle. Absent: the host parks blocking (at most MAX_PARK_MS).
   */
  parkAsync?(hasWork: () => boolean, ms: number): Promise<void>;
  /** Park at once when idle, without spinning or napping first (a host on the session's main thread). */
  readonly parkAtOnce?: boolean;
  /** Options for the host's `index`-th subscriber (in instance order, then `@sub` order): resume a slot, set its owner. */
  subscriberOptions?(index: number, topic: string): { resume?: number; owner?: number };
  /** Called each time round the loop (at least every MAX_PARK_MS while idle). */
  heartbeat?(): void;
  /**
   * True once the runtime began to stop this host, read from shared memory: a publish blocked on a
   * full ring, which cannot hear the stop message, gives up when it turns true (Publisher.giveUpWhen).
   */
  stopRequested?(): boolean;
  /** Owner recorded in the host's publisher slots (default: the topic's). */
  readonly publisherOwner?: number;
  /** Told when an instance's `healthCheck()` changes its answer (checked every HEALTH_INTERVAL_MS). */
  health?(instance: string, report: HealthReport): void;
}

/** Counts of what a host did. */
export interface HostCounts {
  delivered: number;
  invalid: number;
  handlerErrors: number;
  ticks: number;
}
