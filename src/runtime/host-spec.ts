/**
 * What the session sends a host (as workerData, as JSON to a child process, or in-process for the
 * main thread), and the control messages between them. Plain data only.
 *
 * Start is two-phase so that no message is published before every subscriber exists: a host
 * constructs its instances and subscribes, says "subscribed", and only on "go" calls `@start`
 * methods and starts its loop. "stop" ends the loop; the host unbinds, leaves its topics, says
 * "stopped" and exits.
 */
import type { TopicHandle, WaitAlias } from "../transport/index.js";
import type { ClassRef, LogLevel, Placement, RegistryMethod, TopicType } from "./config/index.js";

/** One instance a host runs. */
export interface HostedInstanceSpec {
  readonly name: string;
  readonly class: ClassRef;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Its entry in the session segment's instance table (heartbeat, handler watch). */
  readonly index: number;
  /** A handler that throws ends the host, so that the supervisor restarts it (restart policy other than never). */
  readonly failOnHandlerError: boolean;
}

/** A registry entry: decorators applied to a class in every realm that loads it. */
export interface RegistrySpec {
  readonly class: ClassRef;
  readonly methods: readonly RegistryMethod[];
}

/** Everything a host needs. */
export interface HostSpec {
  readonly sessionId: string;
  /** Name for logs: the instance's name for a thread or process host, "main" for the main host. */
  readonly hostName: string;
  readonly placement: Placement;
  /** CPUs to pin the host's thread to before it loads anything (`cpus:`); absent: not pinned. */
  readonly cpus?: readonly number[];
  readonly instances: readonly HostedInstanceSpec[];
  readonly registry: readonly RegistrySpec[];
  /** Every ring of the session, by name: each topic's, and the extra rings of topics with lanes (lanes.ts). */
  readonly topics: Readonly<Record<string, TopicHandle>>;
  /** Topics several hosts publish: the rings a subscription to the topic reads (lanes.ts). */
  readonly lanes?: Readonly<Record<string, readonly string[]>>;
  /** Typed topics (`type:`): their table classes and schema ids, by topic. */
  readonly types?: Readonly<Record<string, TopicType>>;
  /** Topics this host publishes on a ring of its own (lanes.ts): topic → ring. */
  readonly writeRings?: Readonly<Record<string, string>>;
  readonly wait: WaitAlias;
  readonly logLevel: LogLevel;
  /** A restarted host: the subscriber slots of its predecessor, in subscription order, to resume. */
  readonly resume?: readonly { topic: string; slot: number }[];
  /** Owner to record in its publisher slots: a thread host's token (negative), so a supervisor can reclaim them. */
  readonly publisherOwner?: number;
  /** Owner to record in its subscriber slots (the supervisor's process id when it will restart a dead reader). */
  readonly slotOwner?: number;
}

/** Session → host. */
export type ToHost = { readonly type: "go" } | { readonly type: "quiesce" } | { readonly type: "stop" };

/** Host → session. */
export type FromHost =
  | { readonly type: "subscribed"; readonly doorbell: number; readonly slots: readonly { topic: string; slot: number }[] }
  | { readonly type: "quiesced" }
  | { readonly type: "stopped"; readonly counts: { delivered: number; invalid: number; handlerErrors: number; ticks: number } }
  | { readonly type: "failed"; readonly message: string; readonly code?: string }
  | { readonly type: "health"; readonly instance: string; readonly healthy: boolean; readonly detail?: string };
