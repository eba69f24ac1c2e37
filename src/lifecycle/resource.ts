/**
 * A resource: anything with a life the runtime must manage (a segment, a host, an instance, later a
 * recorder, bridge or port). It follows the state machine of `resource-state.ts`, runs its hooks
 * (`initialize`, `cleanup`, `healthCheck`, `recover`) at the right moments, and reports every
 * transition to its observers.
 *
 * Two ways to make one, the same machine either way:
 *   - compose: `new Resource("camera", hooks)` with any object that has some of the hook methods
 *     (a user's class instance works as is; hooks are called with `this` = that object);
 *   - subclass: `class Segment extends Resource` and override the protected hooks.
 *
 * Cleanup rule: `cleanup()` runs exactly once for every `initialize()` that was started, never twice:
 *   - right after `initialize()` throws (still `initializing`, before `failed` is reported), so a
 *     half-made resource gives back what it took; `cleanup()` must therefore tolerate a partial
 *     initialize, like a `finally` block;
 *   - on `close()`, if the resource was initialized (ready, degraded, or failed by `markFailed`);
 *   - on a restart (`start()` from `failed` after `markFailed`), before `initialize()` runs again.
 * `markFailed()` itself runs no cleanup: a crashed resource keeps what it holds (a subscriber's
 * cursor, say) until whoever supervises it decides between a restart and `close()`.
 * A resource that never started (`created`) is closed without any hook.
 *
 * @example
 *   const camera = new Resource("camera", {
 *     async initialize() { this.dev = await open("/dev/video0"); },
 *     async cleanup() { await this.dev?.close(); },
 *     healthCheck() { return this.dev.framesSince(2000) > 0; },
 *   });
 *   camera.onTransition((e) => console.log(`${e.resource}: ${e.from} → ${e.to}`));
 *   await camera.start();      // created → initializing → ready
 *   camera.ensureReady();      // throws ERR_ETHER_NOT_READY unless ready
 *   await camera.close();      // ready → closing → closed, cleanup() ran once
 */
import { errors, type EtherError } from "../errors.js";
import { TRANSITIONS, notifyAll, type ResourceState, type TransitionEvent, type TransitionListener } from "./resource-state.js";
import { type HealthCheckResult, type HealthReport, runHealthCheck } from "./health-check.js";

export type { HealthCheckResult, HealthReport } from "./health-check.js";

/**
 * The hooks a composed resource calls; every one is optional and may be async. A user class that
 * defines `initialize`, `cleanup`, `healthCheck` or `recover` can be passed as is.
 *
 * @example
 *   const hooks: ResourceHooks = { initialize: () => pool.connect(), cleanup: () => pool.end() };
 */
export interface ResourceHooks {
  /** Acquire what the resource needs; a throw fails the start. */
  initialize?(): unknown;
  /** Give back what `initialize` took; must tolerate a partial initialize. */
  cleanup?(): unknown;
  /** Whether the resource works; see `HealthCheckResult`. */
  healthCheck?(): HealthCheckResult | Promise<HealthCheckResult>;
  /** Try to mend a degraded resource in place; without it, recovery is `cleanup()` then `initialize()`. */
  recover?(): unknown;
}

/**
 * Options of a resource.
 *
 * @example
 *   new Resource("camera", hooks, { clock: () => fakeNow });
 */
export interface ResourceOptions {
  /** Milliseconds for `TransitionEvent.time` and `since`; `Date.now` by default (tests inject one). */
  readonly clock?: () => number;
}

/**
 * Options of `ensureReady`.
 *
 * @example
 *   segment.ensureReady({ allowDegraded: true });   // a degraded segment still carries frames
 */
export interface EnsureReadyOptions {
  /** Accept `degraded` too: the resource still works, only not well. Default false. */
  readonly allowDegraded?: boolean;
}

const noop = (): void => {};

/** A resource with a checked state machine, hooks, and observers; see the module comment. */
export class Resource {
  /** The name every error and event uses (unique within a group). */
  readonly name: string;
  readonly #hooks: ResourceHooks | undefined;
  readonly #clock: () => number;
  #state: ResourceState = "created";
  #since: number;
  #reason: string | undefined;
  #error: Error | undefined;
  #listeners: TransitionListener[] = [];
  /** An initialize() was started and its cleanup() has not run yet. */
  #cleanupOwed = false;
  /** A start or recovery in flight (never rejects); close() waits for it so cleanup never races a hook. */
  #busy: Promise<void> | undefined;
  #recovering = false;
  #closed: Promise<void> | undefined;

  constructor(name: string, hooks?: ResourceHooks, options: ResourceOptions = {}) {
    if (typeof name !== "string" || name === "") throw errors.invalidOption("Resource", "name", "must be a non-empty string");
    this.name = name;
    this.#hooks = hooks;
    this.#clock = options.clock ?? Date.now;
    this.#since = this.#clock();
  }

  /** The current state. */
  get state(): ResourceState {
    return this.#state;
  }

  /** When the current state began (the resource's clock). */
  get since(): number {
    return this.#since;
  }

  /** The reason given with the last transition, if any. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /**
   * The failure the resource is in or last went through: the initialize error of a failed start, the
   * error given to `markFailed`, a cleanup error. Cleared when the resource becomes ready again.
   */
  get error(): Error | undefined {
    return this.#error;
  }

  /**
   * Observes every transition of this resource; returns the function that stops observing.
   *
   * @example
   *   const stop = resource.onTransition((e) => publish("ether/lifecycle", e));
   */
  onTransition(listener: TransitionListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /**
   * Starts the resource: `created → initializing → ready`, or a restart from `failed` (the cleanup
   * still owed by the failed run goes first). If `initialize()` throws, `cleanup()` runs, the
   * resource becomes `failed` keeping the error, and the returned promise rejects with
   * ERR_ETHER_INITIALIZE naming the resource. From any other state it rejects with ERR_ETHER_LIFECYCLE.
   *
   * @example
   *   await resource.start();
   *   if (resource.state === "failed") await resource.start("restart 1 of 5");
   */
  start(reason?: string): Promise<void> {
    try {
      this.transition("initializing", reason ?? (this.#state === "failed" ? "restart" : undefined));
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#initialize();
    this.#busy = run.then(noop, noop);
    return run;
  }

  async #initialize(): Promise<void> {
    // A restart after markFailed: what the failed run holds goes before it is acquired again.
    // Await only when a cleanup is owed: start() must reach initialize() in the same tick otherwise.
    let failure = this.#cleanupOwed ? await this.#runOwedCleanup() : undefined;
    if (failure === undefined) {
      this.#cleanupOwed = true;
      try {
        await this.initialize();
      } catch (thrown) {
        this.#cleanupOwed = false;
        let cleanupError: unknown;
        try {
          await this.cleanup();
        } catch (c) {
          cleanupError = c;
        }
        failure = errors.initializeFailed(this.name, thrown, cleanupError);
      }
    }
    if (failure !== undefined) {
      if (this.#state !== "failed") this.#error = failure;
      if (this.#state === "initializing") this.transition("failed", failure.message);
      throw failure;
    }
    if (this.#state !== "initializing") {
      // Marked failed, or closed, while initialize() ran: the caller did not get a ready resource.
      throw this.#state === "failed" && this.#error !== undefined ? this.#error : errors.closed(`resource "${this.name}"`);
    }
    this.#withError(undefined, () => this.transition("ready"));
  }

  /**
   * Closes the resource from any state: `→ closing`, then (once a start or recovery in flight has
   * settled) the owed `cleanup()`, then `closed`, which is final. Idempotent: later calls return the
   * same promise. If `cleanup()` throws the resource is closed anyway and the promise rejects with
   * ERR_ETHER_CLEANUP naming the resource.
   *
   * @example
   *   await resource.close("session shutdown");
   */
  close(reason?: string): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    this.transition("closing", reason); // legal from every state but closed, and closed implies #closed is set
    this.#closed = this.#close();
    return this.#closed;
  }

  /** Runs cleanup() if an initialize() started since the last one; returns its failure, if any. */
  async #runOwedCleanup(): Promise<EtherError | undefined> {
    if (!this.#cleanupOwed) return undefined;
    this.#cleanupOwed = false;
    try {
      await this.cleanup();
      return undefined;
    } catch (thrown) {
      return errors.cleanupFailed(this.name, thrown);
    }
  }

  async #close(): Promise<void> {
    await this.#busy;
    const failure = this.#cleanupOwed ? await this.#runOwedCleanup() : undefined;
    if (failure !== undefined) this.#error = failure;
    this.transition("closed", failure?.message);
    if (failure !== undefined) throw failure;
  }

  /**
   * Throws ERR_ETHER_NOT_READY, naming the resource, its state and why (its kept error when failed),
   * unless the resource is `ready` (or `degraded`, with `allowDegraded`).
   *
   * @example
   *   topic.ensureReady();   // resource "topic data" is not ready: it is failed (… failed to initialize: …)
   */
  ensureReady(options: EnsureReadyOptions = {}): void {
    const state = this.#state;
    if (state === "ready" || (state === "degraded" && options.allowDegraded === true)) return;
    throw errors.notReady(this.name, state, this.#whyNotReady(state));
  }

  #whyNotReady(state: ResourceState): string {
    switch (state) {
      case "created":
        return "start() was not called";
      case "initializing":
        return "start() has not finished";
      case "failed":
        return this.#error?.message ?? this.#reason ?? "";
      default:
        return this.#reason ?? "";
    }
  }

  /**
   * Runs the `healthCheck` hook and normalizes its outcome; never throws and changes no state (the
   * health monitor decides what a failed check means). A resource without the hook is healthy.
   *
   * @example
   *   const { healthy, detail } = await resource.runHealthCheck();
   */
  runHealthCheck(): Promise<HealthReport> {
    return runHealthCheck(() => this.healthCheck());
  }

  /**
   * Runs one recovery attempt of a `degraded` resource: the `recover` hook, or else `cleanup()` then
   * `initialize()`. The state stays `degraded` (the caller checks health afterwards and calls
   * `markRecovered` or `markFailed`); a throw from the hook is passed on as is. Throws
   * ERR_ETHER_LIFECYCLE unless degraded and not already recovering.
   *
   * @example
   *   await resource.runRecovery();
   *   if ((await resource.runHealthCheck()).healthy) resource.markRecovered("recovered");
   */
  runRecovery(): Promise<void> {
    if (this.#state !== "degraded") return Promise.reject(errors.lifecycleAction(this.name, "recover", this.#state, "degraded"));
    if (this.#recovering) return Promise.reject(errors.lifecycleAction(this.name, "recover", "recovering", "done with the previous attempt"));
    this.#recovering = true;
    const run = (async () => {
      try {
        await this.recover();
      } finally {
        this.#recovering = false;
      }
    })();
    this.#busy = run.then(noop, noop);
    return run;
  }

  /**
   * `ready → degraded`: the resource still works, but not well (a failed health check, a hung handler).
   *
   * @example
   *   resource.markDegraded("handler process_data has run for 5 s");
   */
  markDegraded(reason: string): void {
    this.transition("degraded", reason);
  }

  /**
   * `degraded → ready`: the resource works well again.
   *
   * @example
   *   resource.markRecovered("health check passed after 1 recovery attempt");
   */
  markRecovered(reason?: string): void {
    this.#withError(undefined, () => this.transition("ready", reason));
  }

  /**
   * `→ failed` from initializing, ready or degraded: the resource crashed or was given up on. Keeps
   * `cause` as `error`; runs no cleanup (see the module comment). A later `start()` restarts it,
   * `close()` ends it.
   *
   * @example
   *   resource.markFailed(new Error("process exited with code 137"));
   */
  markFailed(cause: Error | string): void {
    const error = typeof cause === "string" ? new Error(cause) : cause;
    this.#withError(error, () => this.transition("failed", error.message));
  }

  /** Sets `error` before a transition (observers may read it), and puts it back if the transition is illegal. */
  #withError(error: Error | undefined, change: () => void): void {
    const previous = this.#error;
    this.#error = error;
    try {
      change();
    } catch (thrown) {
      this.#error = previous;
      throw thrown;
    }
  }

  /**
   * Changes the state, checked against `TRANSITIONS`, and tells every observer. Throws
   * ERR_ETHER_LIFECYCLE naming the resource, `from` and `to` when illegal. Low level: subclasses
   * should prefer the driver methods, which also keep the cleanup bookkeeping.
   *
   * @example
   *   this.transition("degraded", "link quality 12%");
   */
  protected transition(to: ResourceState, reason?: string): void {
    const from = this.#state;
    const allowed = TRANSITIONS[from];
    if (!allowed.includes(to)) throw errors.lifecycle(this.name, from, to, allowed);
    const time = this.#clock();
    this.#state = to;
    this.#since = time;
    this.#reason = reason;
    const event: TransitionEvent = Object.freeze(
      reason === undefined ? { resource: this.name, from, to, time } : { resource: this.name, from, to, reason, time },
    );
    notifyAll(this.#listeners, event);
  }

  /** Hook: acquire what the resource needs. Calls the composed `initialize`, if any. */
  protected initialize(): unknown {
    return this.#hooks?.initialize?.();
  }

  /** Hook: give back what `initialize` took; must tolerate a partial initialize. Calls the composed `cleanup`, if any. */
  protected cleanup(): unknown {
    return this.#hooks?.cleanup?.();
  }

  /** Hook: whether the resource works. Calls the composed `healthCheck`; healthy without one. */
  protected healthCheck(): HealthCheckResult | Promise<HealthCheckResult> {
    return this.#hooks?.healthCheck?.();
  }

  /** Hook: mend a degraded resource. The composed `recover`, or else `cleanup()` then `initialize()`. */
  protected async recover(): Promise<void> {
    const hooks = this.#hooks;
    if (hooks?.recover !== undefined) {
      await hooks.recover();
      return;
    }
    await this.cleanup();
    await this.initialize();
  }
}
