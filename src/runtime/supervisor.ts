/**
 * The supervisor: owns every host of a session, follows each instance through the lifecycle states
 * (initializing → ready ⇄ degraded → failed → initializing …, closing → closed), publishes every
 * transition on `ether/lifecycle`, restarts crashed or hung instances by their restart policy with
 * exponential backoff, and runs the hung-handler watchdog over the session segment's instance table.
 *
 * A dead reader that will be restarted keeps its subscriber slots (block publishers wait for it, up to
 * their timeout); its successor resumes them at the stored cursors, so only the frame in flight at
 * the crash is delivered twice. A reader that will not be restarted is detached and counted.
 *
 * @example
 *   const supervisor = new Supervisor(space, lifecyclePublish);
 *   supervisor.add(spec, policy, handlerTimeoutMs);
 *   await supervisor.launchAll(); supervisor.goAll();
 */
import { namespace, sessionLine } from "../log.js";
import { Resource, RestartPolicy, type ResourceState, type RestartOptions, type TransitionEvent } from "../lifecycle/index.js";
import { Doorbell, InstanceEntry, monotonicNs, type SharedSpace } from "../transport/index.js";
import type { FromHost, HostSpec } from "./host-spec.js";
import { errors } from "../errors.js";
import { type LaunchedHost, launchHost } from "./launcher.js";

const debug = namespace("supervisor");

/** How long a (re)started host may take to subscribe. */
const DEFAULT_START_TIMEOUT_MS = 30_000;
/** How long a host may take to stop before it is killed. */
const STOP_DEADLINE_MS = 5000;

/** State codes in the instance table (RING_FORMAT.md). */
const STATE_CODES: Readonly<Record<ResourceState, number>> = { created: 0, initializing: 1, ready: 2, degraded: 3, failed: 4, closing: 5, closed: 6 };

/** One supervised host (one instance, or every "main" instance together). */
export interface Supervised {
  spec: HostSpec;
  readonly policy: RestartPolicy;
  readonly handlerTimeoutMs: number;
  readonly entries: InstanceEntry[];
  /** The instance's lifecycle (states, transitions, owed cleanup), driven by the supervisor. */
  readonly resource: Resource;
  host: LaunchedHost | undefined;
  doorbell: number | undefined;
  slots: readonly { topic: string; slot: number }[];
  /** Set when the watchdog killed the host, so its exit reads as a hang. */
  hung: string | undefined;
  /** What the watchdog saw last: the handler call count and since when (ms) it has not moved. */
  watch: { calls: number; since: number };
  /** True once anything went wrong with it (crash, hang, failed start). */
  everFailed: boolean;
  /** The backoff of the restart decided at the last failure (null: none), for the lifecycle record. */
  restartInMs: number | null;
  /** What the host reported when it stopped. */
  stopped: { handlerErrors: number; invalid: number; killed: boolean };
}

/** One line of status(): an instance, where it runs, its state, restarts and health. */
export interface InstanceStatus {
  readonly instance: string;
  /** Host name: the instance's own name, or "main". */
  readonly host: string;
  readonly placement: string;
  readonly pid: number;
  readonly state: ResourceState;
  readonly restarts: number;
  /** True once it crashed, hung or failed to start, even if it was restarted since. */
  readonly failed: boolean;
  /** "ok", "unhealthy" (its healthCheck() fails), "hung" (a handler over handler_timeout), "down" (not running), or "starting". */
  readonly health: "ok" | "unhealthy" | "hung" | "down" | "starting";
  /** Milliseconds since the host's last heartbeat (-1 before the first). */
  readonly heartbeatAgeMs: number;
  /** Failed, with a restart scheduled (its backoff is running). */
  readonly restartPending: boolean;
  readonly reason?: string;
}

/** Runs hosts and keeps them running; see the module comment. */
export class Supervisor {
  readonly #space: SharedSpace;
  readonly #publish: (record: object) => void;
  readonly #startTimeoutMs: number;
  readonly #all: Supervised[] = [];
  #running = false;
  #watchdog: NodeJS.Timeout | undefined;
  /** Hosts waiting out their restart backoff, and the timers that will restart them. */
  readonly #restartTimers = new Map<Supervised, NodeJS.Timeout>();

  /** `publish` sends one record on ether/lifecycle. */
  /**
   * `startTimeoutMs`: how long a host may take to construct its instances, run their `initialize()`
   * and subscribe (`session.start_timeout`).
   */
  constructor(space: SharedSpace, publish: (record: object) => void, startTimeoutMs = DEFAULT_START_TIMEOUT_MS) {
    this.#space = space;
    this.#publish = publish;
    this.#startTimeoutMs = startTimeoutMs;
  }

  /** Registers a host to run; its instances get instance table entries `firstEntry`, `firstEntry + 1`, …. */
  add(spec: HostSpec, restart: RestartOptions, handlerTimeoutMs: number): Supervised {
    const entries = spec.instances.map((i) => {
      const entry = new InstanceEntry(this.#space.session, i.index);
      entry.claim(i.name);
      return entry;
    });
    const s: Supervised = {
      spec,
      policy: new RestartPolicy(restart, `instances.${spec.hostName}.restart`),
      handlerTimeoutMs,
      entries,
      // Its hooks run later, once `s` exists: initialize launches the host, cleanup stops it.
      resource: new Resource(spec.hostName, { initialize: () => this.#launch(s), cleanup: () => this.#stopHost(s) }),
      host: undefined,
      doorbell: undefined,
      slots: [],
      hung: undefined,
      watch: { calls: -1, since: 0 },
      everFailed: false,
      restartInMs: null,
      stopped: { handlerErrors: 0, invalid: 0, killed: false },
    };
    s.resource.onTransition((event) => this.#published(s, event));
    this.#all.push(s);
    return s;
  }

  /** Every supervised host, in the order added. */
  get all(): readonly Supervised[] {
    return this.#all;
  }

  /** Phase one for every host: launch and wait until each has subscribed. Kills them all if one fails. */
  async launchAll(): Promise<void> {
    try {
      await Promise.all(this.#all.map((s) => s.resource.start()));
    } catch (error) {
      await Promise.all(this.#all.map((s) => s.host?.kill()));
      throw error;
    }
  }

  /** Phase two: every host calls its `@start` methods and runs; the watchdog starts. */
  goAll(): void {
    this.#running = true;
    for (const s of this.#all) {
      const where = s.spec.placement === "main" ? "main thread" : s.spec.placement;
      sessionLine("info", `Started ${s.spec.instances.map((i) => i.name).join(", ")} (${where})`);
      s.host!.send({ type: "go" });
    }
    const timeouts = this.#all.map((s) => s.handlerTimeoutMs).filter((t) => t > 0);
    if (timeouts.length > 0) {
      const every = Math.max(5, Math.min(250, Math.min(...timeouts) / 4));
      this.#watchdog = setInterval(() => this.#checkHandlers(), every);
      this.#watchdog.unref();
    }
  }

  /** Stops supervising: no more restarts or watchdog kills (shutdown is under way). */
  halt(): void {
    this.#running = false;
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    for (const timer of this.#restartTimers.values()) clearTimeout(timer);
    this.#restartTimers.clear();
  }

  /**
   * Asks every running host to stop its `@every` methods (rings it, so a parked host hears at once)
   * and waits until each confirmed, at most `timeoutMs` (a host busy in a long synchronous `@start`
   * cannot answer; shutdown then goes on without it).
   */
  async quiesce(timeoutMs: number): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const s of this.#all) {
      const host = s.host;
      if (host === undefined || host.exitInfo() !== undefined) continue;
      const confirmed = host.next("quiesced", timeoutMs).catch((error: Error) => debug("%s: %s", s.spec.hostName, error.message));
      host.send({ type: "quiesce" });
      if (s.doorbell !== undefined) Doorbell.ring(this.#space.session, this.#space.store.waitOps, s.doorbell);
      waits.push(confirmed);
    }
    await Promise.all(waits);
  }

  /** True while an instance of a running host is inside a handler (shutdown's drain waits for it). */
  anyInHandler(): boolean {
    for (const s of this.#all) {
      if (s.host === undefined || s.host.exitInfo() !== undefined) continue;
      for (const entry of s.entries) if (entry.inHandler) return true;
    }
    return false;
  }

  /** The status of every instance. */
  status(): InstanceStatus[] {
    const now = performance.now();
    const nowNs = monotonicNs();
    const out: InstanceStatus[] = [];
    for (const s of this.#all) {
      s.spec.instances.forEach((instance, k) => {
        const snap = s.entries[k]!.snapshot();
        const state = s.resource.state;
        const running = state === "ready" || state === "degraded";
        const hung = running && s.handlerTimeoutMs > 0 && snap.inHandler && now - s.watch.since > s.handlerTimeoutMs;
        out.push({
          instance: instance.name,
          host: s.spec.hostName,
          placement: s.spec.placement,
          pid: s.host?.pid ?? 0,
          state,
          restarts: s.policy.restarts,
          failed: s.everFailed,
          health:
            state === "initializing" || state === "created"
              ? "starting"
              : !running
                ? "down"
                : hung || s.hung !== undefined
                  ? "hung"
                  : state === "degraded"
                    ? "unhealthy"
                    : "ok",
          heartbeatAgeMs: snap.heartbeatNs === 0 ? -1 : Math.max(0, (nowNs - snap.heartbeatNs) / 1e6),
          restartPending: this.#restartTimers.has(s),
          ...(s.resource.reason !== undefined ? { reason: s.resource.reason } : {}),
        });
      });
    }
    return out;
  }

  /** The resource's initialize(): launch the host and wait until it subscribed; on a restart, also let it run. */
  async #launch(s: Supervised): Promise<void> {
    debug("launching %s (%s)", s.spec.hostName, s.spec.placement);
    const host = launchHost(s.spec);
    s.host = host;
    s.hung = undefined;
    void host.exited.then(() => this.#onExit(s, host));
    host.onMessage((m) => {
      if (m.type !== "health" || s.host !== host) return;
      // An unhealthy instance is degraded until its check passes again (a hang is the watchdog's business).
      const state = s.resource.state;
      if (!m.healthy && state === "ready") s.resource.markDegraded(`health check of ${m.instance} failed: ${m.detail ?? "unhealthy"}`);
      else if (m.healthy && state === "degraded" && s.hung === undefined) s.resource.markRecovered(`health check of ${m.instance} passes again`);
    });
    let subscribed: Extract<FromHost, { type: "subscribed" }>;
    try {
      subscribed = await host.next("subscribed", this.#startTimeoutMs);
    } catch (error) {
      if (host.exitInfo() !== undefined || !/did not report/.test((error as Error).message)) throw error;
      const names = s.spec.instances.map((i) => `"${i.name}"`).join(", ");
      throw errors.startTimeout(s.spec.hostName, names, this.#startTimeoutMs);
    }
    s.doorbell = subscribed.doorbell;
    s.slots = subscribed.slots;
    if (this.#running) host.send({ type: "go" }); // a restart: the session is already running
  }

  /** A host ended. Expected while stopping; otherwise it crashed or hung: restart by policy, or give up. */
  #onExit(s: Supervised, host: LaunchedHost): void {
    const state = s.resource.state;
    if (s.host !== host || (state !== "initializing" && state !== "ready" && state !== "degraded")) return;
    // Before go (the session is starting), a host that ends fails the start, which says why: launchAll.
    if (!this.#running) return;
    const how = s.hung ?? `exited unexpectedly (${host.exitInfo() ?? "unknown cause"})`;
    const names = s.spec.instances.map((i) => i.name).join(", ");
    s.everFailed = true;
    sessionLine("error", `[${s.spec.hostName}] host of ${names} ${how}`);
    const decision = this.#running ? s.policy.next({ failed: !/^(exit code 0|stopped)$/.test(host.exitInfo() ?? "") || s.hung !== undefined }, performance.now()) : undefined;
    s.restartInMs = decision?.restart === true ? decision.delayMs : null;
    s.resource.markFailed(how);
    const space = this.#space;
    // Its publisher slots go back to the topics (a claim it left in flight is recovered by its peers).
    const owner = s.spec.placement === "process" ? host.pid : s.spec.publisherOwner;
    if (owner !== undefined) for (const name of Object.keys(s.spec.topics)) space.topic(name).reclaimPublishers(owner);
    if (decision?.restart === true) {
      // Keep its subscriber slots for the successor; undo the park it can never end.
      for (const { topic, slot } of s.slots) space.topic(topic).orphanSubscriber(slot);
      if (s.doorbell !== undefined) space.session.releaseDoorbell(s.doorbell);
      s.doorbell = undefined;
      for (const e of s.entries) e.setRestarts(s.policy.restarts);
      sessionLine("warn", `[${s.spec.hostName}] restarting: ${decision.detail}`);
      s.spec = { ...s.spec, resume: s.slots };
      const timer = setTimeout(() => {
        this.#restartTimers.delete(s);
        void this.#restart(s);
      }, decision.delayMs);
      this.#restartTimers.set(s, timer);
      return;
    }
    if (decision !== undefined && s.policy.options.policy !== "never") sessionLine("error", `[${s.spec.hostName}] not restarted: ${decision.detail}`);
    else sessionLine("error", `[${s.spec.hostName}] the rest of the session runs on`);
    // Its subscribers will never read again: publishers on block topics must not wait for them.
    for (const { topic, slot } of s.slots) {
      if (space.topic(topic).detachSubscriber(slot)) debug("detached subscriber %d of %s (host %s is gone)", slot, topic, s.spec.hostName);
    }
    s.slots = [];
    if (s.doorbell !== undefined && s.spec.placement !== "main") space.session.releaseDoorbell(s.doorbell); // after the detach, which reads its park
    s.doorbell = undefined;
  }

  async #restart(s: Supervised): Promise<void> {
    if (!this.#running) return;
    try {
      await s.resource.start(`restart ${s.policy.restarts}`);
    } catch (error) {
      debug("restart of %s failed: %s", s.spec.hostName, (error as Error).message);
      return; // its exit is handled by #onExit (policy again)
    }
    sessionLine("info", `[${s.spec.hostName}] restarted (restart ${s.policy.restarts})`);
  }

  /** The watchdog: a handler that has run longer than handler_timeout marks its instance degraded, and its host is killed. */
  #checkHandlers(): void {
    const now = performance.now();
    for (const s of this.#all) {
      if (s.handlerTimeoutMs <= 0 || s.resource.state !== "ready" || s.host === undefined) continue;
      const snap = s.entries[0]!.snapshot();
      if (!snap.inHandler || snap.handlerCalls !== s.watch.calls) {
        s.watch = { calls: snap.inHandler ? snap.handlerCalls : -1, since: now };
        continue;
      }
      const ran = now - s.watch.since;
      if (ran <= s.handlerTimeoutMs) continue;
      s.hung = `handler hung for over ${Math.round(ran)} ms (handler_timeout ${s.handlerTimeoutMs} ms); killed by the watchdog`;
      s.resource.markDegraded(s.hung);
      sessionLine("error", `[${s.spec.hostName}] ${s.hung}`);
      void s.host.kill();
    }
  }

  /** Every transition of an instance: into the instance table, and onto ether/lifecycle. */
  #published(s: Supervised, event: TransitionEvent): void {
    for (const e of s.entries) e.setState(STATE_CODES[event.to]);
    debug("%s: %s -> %s %s", s.spec.hostName, event.from, event.to, event.reason ?? "");
    try {
      this.#publish({
        resource: `instance ${s.spec.hostName}`,
        host: s.spec.hostName,
        instances: s.spec.instances.map((i) => i.name),
        placement: s.spec.placement,
        from: event.from,
        to: event.to,
        reason: event.reason ?? null,
        restarts: s.policy.restarts,
        time: event.time,
        ...(event.to === "failed" ? { restartInMs: s.restartInMs } : {}),
      });
    } catch (error) {
      debug("could not publish a lifecycle record: %s", (error as Error).message);
    }
  }

  /** Closes one instance (closing → closed); its cleanup stops the host. Resolves with what the host reported. */
  async stop(s: Supervised): Promise<{ handlerErrors: number; invalid: number; killed: boolean }> {
    try {
      await s.resource.close("session shutdown");
    } catch (error) {
      sessionLine("error", `[${s.spec.hostName}] ${(error as Error).message}`);
    }
    return s.stopped;
  }

  /**
   * The resource's cleanup(): asks a running host to stop, rings it, waits up to STOP_DEADLINE_MS,
   * then kills it. A host that is gone already needs nothing.
   */
  async #stopHost(s: Supervised): Promise<void> {
    const host = s.host;
    if (host === undefined || host.exitInfo() !== undefined) return;
    host.send({ type: "stop" });
    if (s.doorbell !== undefined) Doorbell.ring(this.#space.session, this.#space.store.waitOps, s.doorbell);
    try {
      const report = await host.next("stopped", STOP_DEADLINE_MS);
      s.stopped = { handlerErrors: report.counts.handlerErrors, invalid: report.counts.invalid, killed: false };
    } catch (error) {
      if (host.exitInfo() !== undefined) {
        // It ended by itself meanwhile (a host that failed to start, say): nothing to stop or kill.
        debug("%s ended before it was stopped: %s", s.spec.hostName, host.exitInfo());
      } else {
        const what = s.spec.placement === "main" ? "going on without it (the main thread cannot be killed)" : "killing it";
        sessionLine("error", `[${s.spec.hostName}] ${(error as Error).message}; ${what}`);
        await host.kill();
        s.stopped = { ...s.stopped, killed: true };
        if (s.spec.placement === "main") return; // kill() waited what it could: a main host never exits
      }
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([host.exited, new Promise((r) => (timer = setTimeout(r, STOP_DEADLINE_MS)))]);
    clearTimeout(timer);
  }
}
