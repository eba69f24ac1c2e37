/**
 * A host: the loop that runs one or more component instances in one worker thread, process or main
 * thread. It binds each instance to the session (so its `@pub` methods publish), drains its
 * subscriptions in order (one frame held at a time, so zero-copy views stay valid across an async
 * handler), calls `@start` methods once and `@every` methods on a drift-free schedule, and keeps going
 * when a handler throws (logged with instance, method and topic, and counted).
 *
 * Per instance, messages are handled in order; a handler that returns a promise is awaited before the
 * next message. A dict frame arrives as an object, a raw one as a Uint8Array, a typed topic's table as
 * its flatc-generated accessor (frame-message.ts).
 * Invalid messages (a `@sub` zod schema, or bytes that do not decode) are not delivered:
 * they are counted on the subscriber and published to `ether/dead-letter` with the reason.
 *
 * @example
 *   const host = new Host([{ name: "p", Class: DataProcessor, kwargs: {} }], io);
 *   await host.start();
 *   await host.run(() => stopRequested);
 *   await host.stop();
 */
import { handlerParameter } from "./named-fields.js";
import { errors } from "../errors.js";
import { HandlerFailure, checkHealth, cleanupInstances, initializeInstance } from "./instance-hooks.js";

export { HandlerFailure, type HandlerWatch } from "./instance-hooks.js";
export type { HostCounts, HostedInstance, HostIO, LogPlace, TopicTable } from "./host-io.js";
import type { Subscriber, WaitStrategy } from "../transport/index.js";
import { FrameView, createWaitStrategy } from "../transport/index.js";
import type { HostCounts, HostedInstance, HostIO } from "./host-io.js";
import { type InstanceContext, bindInstance, unbindInstance } from "./context.js";
import { componentMeta } from "./metadata.js";
import { callAsHost } from "./publish-wrapper.js";
import { LossReport } from "./loss-report.js";
import { HostOutput } from "./host-output.js";
import { MessageReader } from "./frame-message.js";
import { INVALID, MessageIntake } from "./message-intake.js";
import type { ZodType } from "zod";

export { DEAD_LETTER_TOPIC } from "./message-intake.js";

/** How often a host runs the `healthCheck()` of instances that define one. */
export const HEALTH_INTERVAL_MS = 1000;

interface Subscription {
  readonly spec: HostedInstance;
  readonly instance: string;
  readonly target: object;
  /** The context the target is bound to. */
  readonly ctx: InstanceContext;
  readonly method: string;
  readonly topic: string;
  /** The ring read: the topic's own, or one of its lanes. */
  readonly ring: string;
  readonly sub: Subscriber;
  readonly reader: MessageReader;
  readonly schema: ZodType | undefined;
  /** Calls of its handler that may run at once (SubOptions.concurrency); 1 on a drop-oldest topic. */
  readonly concurrency: number;
  /** With concurrency above 1: calls running now, and frame views free for the next ones. */
  inFlight: number;
  readonly views: FrameView[];
  /** The handler's first parameter's name, until its first message has been looked at (named-fields.ts). */
  namedParameter: string | undefined;
}

interface Tick {
  readonly spec: HostedInstance;
  readonly instance: string;
  readonly target: object;
  readonly ctx: InstanceContext;
  readonly method: string;
  readonly periodMs: number;
  due: number;
}

/**
 * Longest single park of an idle host loop. Hosts the runtime gives `parkAsync` park without blocking
 * their event loop (components' own timers and I/O callbacks run meanwhile); the others block, and
 * their event loop runs at least this often. A stop rings the host's doorbell, so it does not wait.
 */
const MAX_PARK_MS = 100;
/** Under continuous work a host still lets its event loop run this often (stop messages, timers). */
const YIELD_EVERY_MS = 5;

/** Most frames a host handles from one subscription before it looks at the next one (a multiple of the 64 releaseDeferred() batches). */
const DRAIN_BATCH = 256;

/** The argument of #call for methods called with none (`@start`, `@every`). */
const NO_MESSAGE = Symbol("no message");

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs instances; see the module comment. */
export class Host {
  readonly counts: HostCounts = { delivered: 0, invalid: 0, handlerErrors: 0, ticks: 0 };
  readonly #specs: readonly HostedInstance[];
  readonly #io: HostIO;
  readonly #targets = new Map<string, object>();
  /** The context each instance (by name) is bound to. */
  readonly #contexts = new Map<string, InstanceContext>();
  readonly #subscriptions: Subscription[] = [];
  readonly #ticks: Tick[] = [];
  /** Dropped and rejected messages, told as warnings (loss-report.ts). */
  readonly #losses = new LossReport((level, message, place) => this.#io.log(level, message, place));
  readonly #out: HostOutput;
  readonly #intake: MessageIntake;
  #strategy: WaitStrategy | undefined;
  #started = false;
  #stopped = false;
  /** stop() closed the subscribers. */
  #closed = false;
  /** Set by quiesce(): `@every` methods no longer run. */
  #quiesced = false;
  /** What an async `@start` method of a fail-on-error instance failed with: run() ends with it. */
  #failure: unknown;
  readonly #healthy = new Map<string, boolean>();
  /** When the health checks are next due (performance.now() ms). */
  #healthAt = 0;
  /**
   * A handler failed since the host last yielded: the batch ends and the host yields before the next
   * message. A failure may have taken long (a publish that waited out block_timeout), and a batch of
   * such messages must not keep a stop request, or the main thread's session, waiting for minutes.
   */
  #failedInBatch = false;
  /** Calls running beside the loop (subscriptions with concurrency): run() and stop() wait for them. */
  readonly #inFlight = new Set<Promise<void>>();

  constructor(specs: readonly HostedInstance[], io: HostIO) {
    this.#specs = specs;
    this.#io = io;
    this.#out = new HostOutput(io, this.#losses);
    this.#intake = new MessageIntake((level, message, place) => io.log(level, message, place), this.#out, this.counts);
  }

  /** The subscriber slot of every subscription (after start()), so a session can detach them if this host dies. */
  subscriptionSlots(): { topic: string; slot: number }[] {
    return this.#subscriptions.map((s) => ({ topic: s.ring, slot: s.sub.slot }));
  }

  /** The instances, by name (after start()). */
  get instances(): ReadonlyMap<string, object> {
    return this.#targets;
  }

  /**
   * Constructs and binds every instance and subscribes; then, unless `runStarts` is false, calls the
   * `@start` methods (a session starts in two phases so that every host has subscribed before any
   * `@start` method publishes: it calls start(false) everywhere, then runStarts()).
   */
  async start(runStarts = true): Promise<void> {
    const io = this.#io;
    for (const spec of this.#specs) {
      let target: object;
      try {
        target = new spec.Class(spec.kwargs);
      } catch (error) {
        throw errors.instanceStart(spec.name, `new ${spec.Class.name}(kwargs)`, error);
      }
      this.#targets.set(spec.name, target);
      const ctx = this.#contextFor(spec.name);
      this.#contexts.set(spec.name, ctx);
      bindInstance(target, ctx);
      try {
        await initializeInstance(target); // the user's own hook: open devices, load models; a throw fails the start
      } catch (error) {
        throw errors.instanceStart(spec.name, `${spec.Class.name}.initialize()`, error);
      }
      const meta = componentMeta(spec.Class);
      for (const s of meta.subs) {
        for (const ring of io.readRings?.(s.topic) ?? [s.topic]) {
          const extra = io.subscriberOptions?.(this.#subscriptions.length, ring) ?? {};
          const topic = io.topic(ring);
          const sub = topic.subscriber({ doorbell: io.doorbell, wait: io.wait, ...extra });
          const reader = new MessageReader(s.topic, io.topicType?.(s.topic));
          let concurrency = s.options.concurrency ?? 1;
          if (concurrency > 1 && topic.segment.policy === "drop-oldest") {
            io.log("warn", `concurrency ${concurrency} needs a block or reject topic (a drop-oldest reader copies each frame into one buffer); handled one at a time`, { instance: spec.name, method: s.method, topic: s.topic });
            concurrency = 1;
          }
          this.#subscriptions.push({ spec, instance: spec.name, target, ctx, method: s.method, topic: s.topic, ring, sub, reader, schema: s.schema, concurrency, inFlight: 0, views: [], namedParameter: handlerParameter(target, s.method) });
          this.#losses.watchDrops({ instance: spec.name, method: s.method, topic: s.topic }, () => sub.counts().dropped);
        }
      }
      for (const e of meta.everys) {
        this.#ticks.push({ spec, instance: spec.name, target, ctx, method: e.method, periodMs: e.periodMs, due: 0 });
      }
    }
    this.#strategy = createWaitStrategy(io.wait, io.doorbell, () => this.#hasWork());
    this.#started = true;
    if (runStarts) await this.runStarts();
  }

  /**
   * Calls every instance's `@start` methods (in instance order) and starts the `@every` clocks. A sync
   * method runs to its end here; an async one runs on beside the host's loop (see the comment inside).
   */
  async runStarts(): Promise<void> {
    for (const spec of this.#specs) {
      const target = this.#targets.get(spec.name)!;
      for (const s of componentMeta(spec.Class).starts) {
        // Not watched: a @start method may run as long as the instance does (a source's or a server's
        // own loop), so it is neither a hung handler for the watchdog nor a message in flight for
        // shutdown's drain. An async one runs on beside the host's loop rather than holding back the
        // instance's @sub and @every methods until it ends; a failure that must end the host (a
        // fail-on-error instance) ends it at the loop's next turn.
        const pending = this.#call(spec, target, this.#contexts.get(spec.name)!, s.method, NO_MESSAGE, undefined, false);
        pending?.catch((error: unknown) => {
          this.#failure ??= error;
          this.#io.doorbell.ring();
        });
      }
    }
    const now = performance.now();
    for (const tick of this.#ticks) tick.due = now;
  }

  /**
   * Stops calling `@every` methods; subscriptions are still handled. A session quiesces every host at
   * shutdown before it waits for the messages in flight, so periodic sources stop feeding the topics
   * it is draining. Not undone.
   */
  quiesce(): void {
    this.#quiesced = true;
  }

  /** Runs until `shouldStop()` returns true (checked before every message and after every park). */
  async run(shouldStop: () => boolean): Promise<void> {
    if (!this.#started) throw new TypeError("Host.start() first");
    const strategy = this.#strategy!;
    let yieldAt = performance.now() + YIELD_EVERY_MS;
    const heartbeat = this.#io.heartbeat;
    heartbeat?.();
    this.#healthAt = performance.now() + HEALTH_INTERVAL_MS;
    while (!shouldStop()) {
      if (this.#failure !== undefined) throw this.#failure;
      const work = (await this.#drain(shouldStop)) + (await this.#runDueTicks());
      if (this.#failedInBatch || performance.now() >= yieldAt) {
        this.#failedInBatch = false;
        await this.#upkeep();
        await yieldToEventLoop();
        yieldAt = performance.now() + YIELD_EVERY_MS;
      }
      if (work > 0) {
        strategy.step(work);
        continue;
      }
      const wait = Math.max(0, Math.min(MAX_PARK_MS, this.#untilNextTick()));
      const parkAsync = this.#io.parkAsync;
      // A host with no subscriptions (a pure source) has nothing to wake for but its next tick or a
      // stop: spinning and napping until the tick would only burn CPU (a 1 kHz @every host used ~28 %
      // of a core napping in 50 µs steps), so it parks until then.
      if (parkAsync !== undefined && (this.#io.parkAtOnce === true || this.#subscriptions.length === 0)) {
        await parkAsync(() => this.#hasWork(), wait);
        heartbeat?.(); // health checks that fell due run at the top of the loop (yieldAt has passed)
        continue;
      }
      // Spin and nap per the wait strategy; park without blocking the event loop when the runtime
      // offers it, so that the components' own timers and I/O callbacks run while the host is idle.
      const next = parkAsync === undefined ? (strategy.idle(0, wait) ? "waited" : "go") : strategy.step(0, wait);
      if (next === "go") continue;
      if (next === "park") await parkAsync!(() => this.#hasWork(), wait);
      await this.#upkeep();
      await yieldToEventLoop();
      yieldAt = performance.now() + YIELD_EVERY_MS;
    }
    await this.#callsSettled();
  }

  /** Waits for the calls running beside the loop (subscriptions with concurrency) to settle. */
  async #callsSettled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /**
   * Unbinds the instances (their methods are plain again), calls their `cleanup()` in reverse order
   * (once; a throw is logged and the others still run), and leaves every topic.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#callsSettled(); // their frames are let go before the subscribers close
    for (const target of this.#targets.values()) unbindInstance(target);
    const failures = await cleanupInstances(this.#targets, (name, message) => this.#io.log("error", message, { instance: name, method: "cleanup" }));
    this.counts.handlerErrors += failures;
    this.#losses.flush();
    this.#closed = true;
    for (const s of this.#subscriptions) s.sub.close();
    this.#out.close();
    this.#subscriptions.length = 0;
  }

  /** Between batches: the heartbeat, warnings about lost messages, and the instances' health checks when they are due. */
  async #upkeep(): Promise<void> {
    this.#io.heartbeat?.();
    this.#losses.check(performance.now());
    if (performance.now() < this.#healthAt) return;
    await checkHealth(this.#targets, this.#healthy, this.#io.health);
    this.#healthAt = performance.now() + HEALTH_INTERVAL_MS;
  }

  #hasWork(): boolean {
    for (const s of this.#subscriptions) {
      if (s.concurrency > 1 ? s.inFlight < s.concurrency && s.sub.hasUnheld() : s.sub.hasData()) return true;
    }
    return this.#ticks.length > 0 && this.#untilNextTick() <= 0;
  }

  #untilNextTick(): number {
    if (this.#quiesced) return Infinity;
    let next = Infinity;
    for (const t of this.#ticks) if (t.due < next) next = t.due;
    return next === Infinity ? Infinity : next - performance.now();
  }

  #contextFor(instance: string): InstanceContext {
    return {
      instanceName: instance,
      publish: (topic, message, place) => this.#out.publish(topic, message, place),
    };
  }

  /**
   * Handles the waiting frames of every subscription, in order per subscription, at most DRAIN_BATCH
   * of each per call: a subscription whose publisher keeps up with its handler must not starve the
   * others (a block publisher on one of those would time out) or the host's event loop. A stop
   * request (seen while an async handler is awaited) ends the batch after the message in hand.
   */
  async #drain(shouldStop: () => boolean): Promise<number> {
    let handled = 0;
    for (const s of this.#subscriptions) {
      if (s.concurrency > 1) {
        handled += this.#startCalls(s, shouldStop);
        if (this.#failedInBatch || shouldStop()) break;
        continue;
      }
      let taken = 0;
      for (let frame = s.sub.hold(); frame !== undefined; frame = ++taken < DRAIN_BATCH && !this.#failedInBatch && !shouldStop() ? s.sub.hold() : undefined) {
        try {
          const message = this.#intake.messageOf(s, frame);
          if (message === INVALID) continue;
          this.counts.delivered++;
          const pending = this.#call(s.spec, s.target, s.ctx, s.method, message, s.topic);
          if (pending !== undefined) {
            s.sub.flush(); // the frames before this one are done: hand their space back before waiting
            await pending;
            this.#losses.check(performance.now()); // a batch of async calls may take long: tell losses meanwhile
          }
        } finally {
          // A restartable instance hands every frame back at once, so its successor resumes right
          // after the last frame it handled; the others hand frames back in batches (fewer shared writes).
          if (s.spec.failOnHandlerError === true) s.sub.release();
          else s.sub.releaseDeferred();
          handled++;
        }
      }
      if (this.#failedInBatch || shouldStop()) break;
    }
    return handled;
  }

  /**
   * A subscription whose handler may run `concurrency` calls at once: while fewer run, holds the
   * next frames (in order, each in a view of its own) and calls the handler on them. A call that
   * returns a promise runs on beside the loop; its frame is let go when it settles (the ring's space
   * goes back in order, subscriber.holdNext()), which also rings the host to start the next call.
   */
  #startCalls(s: Subscription, shouldStop: () => boolean): number {
    let taken = 0;
    while (s.inFlight < s.concurrency && taken < DRAIN_BATCH && !this.#failedInBatch && !shouldStop()) {
      const view = s.views.pop() ?? new FrameView();
      const ticket = s.sub.holdNext(view);
      if (ticket < 0) {
        s.views.push(view);
        break;
      }
      taken++;
      const message = this.#intake.messageOf(s, view);
      let pending: Promise<void> | undefined;
      try {
        pending = message === INVALID ? undefined : (this.counts.delivered++, this.#call(s.spec, s.target, s.ctx, s.method, message, s.topic));
      } catch (error) {
        s.sub.releaseTicket(ticket); // a fail-on-error instance's handler threw: let its message go, as one at a time does
        throw error;
      }
      if (pending === undefined) {
        s.sub.releaseTicket(ticket);
        s.views.push(view);
        continue;
      }
      s.inFlight++;
      const settled = (error?: unknown): void => {
        if (error !== undefined) this.#failure ??= error; // a fail-on-error instance's handler threw: run() ends with it
        this.#inFlight.delete(done);
        s.inFlight--;
        if (this.#closed) return; // its subscriber is closed
        s.sub.releaseTicket(ticket);
        s.views.push(view);
        this.#io.doorbell.ring();
      };
      const done: Promise<void> = pending.then(() => settled(), (error: unknown) => settled(error ?? new Error("handler failed")));
      this.#inFlight.add(done);
    }
    return taken;
  }

  async #runDueTicks(): Promise<number> {
    if (this.#ticks.length === 0 || this.#quiesced) return 0;
    let ran = 0;
    for (const t of this.#ticks) {
      const now = performance.now();
      if (t.due > now) continue;
      // Drift-free: the next tick is due one period after this one was due, not after it ran; a tick
      // more than a period late is skipped rather than run in a burst.
      t.due += t.periodMs;
      if (t.due <= now) t.due = now + t.periodMs - ((now - t.due) % t.periodMs);
      this.counts.ticks++;
      ran++;
      const pending = this.#call(t.spec, t.target, t.ctx, t.method, NO_MESSAGE, undefined);
      if (pending !== undefined) await pending;
    }
    return ran;
  }

  /**
   * Calls a method with `message` (or with no argument for NO_MESSAGE); a throw or rejection is
   * logged with the place and counted (and, for a fail-on-error instance, ends the host with a
   * HandlerFailure). Returns a promise only when the method returned one, so that sync handlers
   * cost no microtask. `watched`: tell the instance's watch (the watchdog's and the drain's view).
   */
  #call(spec: HostedInstance, target: object, ctx: InstanceContext, method: string, message: unknown, topic: string | undefined, watched = true): Promise<void> | undefined {
    const watch = watched ? spec.watch : undefined;
    watch?.enterHandler();
    let result: unknown;
    try {
      result = callAsHost(target, ctx, method, message, message !== NO_MESSAGE);
    } catch (error) {
      watch?.leaveHandler();
      this.#handlerFailed(error, spec, method, topic);
      return undefined;
    }
    if (!(result instanceof Promise)) {
      watch?.leaveHandler();
      return undefined;
    }
    return result.then(
      () => watch?.leaveHandler(),
      (error: unknown) => {
        watch?.leaveHandler();
        this.#handlerFailed(error, spec, method, topic);
      },
    );
  }

  #handlerFailed(error: unknown, spec: HostedInstance, method: string, topic: string | undefined): void {
    this.counts.handlerErrors++;
    this.#failedInBatch = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#io.log("error", `handler threw: ${reason}`, { instance: spec.name, method, topic });
    if (spec.failOnHandlerError === true) throw new HandlerFailure(spec.name, method, topic, error);
  }
}
