/**
 * The health monitor: every `intervalMs` it runs the health check of each watched resource that is
 * `ready` or `degraded`, and drives what a failing check means. Per resource and round:
 *
 * ```
 *   ready:     check ─ healthy ──▶ (nothing)
 *                    └ unhealthy or timed out ──▶ markDegraded("health check failed: …")
 *   degraded:  check ─ healthy ──▶ markRecovered            (it mended itself, or the last attempt worked)
 *                    └ unhealthy ─ attempts = maxRecoveries ──▶ markFailed(ERR_ETHER_RECOVERY)
 *                                └ otherwise: attempt += 1; runRecovery(); check
 *                                      ├ healthy ──▶ markRecovered("recovered by recovery attempt k")
 *                                      └ not, and k = maxRecoveries ──▶ markFailed(ERR_ETHER_RECOVERY)
 * ```
 *
 * So a resource gets at most `maxRecoveries` attempts, one per round (the interval is the pause
 * between attempts), and is `failed` once the last one did not bring a passing check. Other states
 * (initializing, failed, closing, …) are skipped; a restarted resource is checked again once ready.
 * A resource degraded by someone else (a hung-handler watchdog) is recovered the same way.
 *
 * A check or recovery that has not settled within `timeoutMs` counts as failed. The monitor never
 * calls a hook again while an earlier call of it is still running: a hung check makes each later
 * round count as a failed check, so a hung resource goes degraded → recovery → failed.
 *
 * All state changes go through the resource, so every one reaches its `onTransition` observers.
 * Time comes only from the injected `Timer`, so tests advance a manual timer (or call `tick()`).
 *
 * @example
 *   const monitor = new HealthMonitor({ intervalMs: 1000, timeoutMs: 500, maxRecoveries: 3 });
 *   monitor.add(camera).add(model);
 *   monitor.start();
 *   // … camera: ready → degraded → ready, or → failed after 3 attempts
 *   await monitor.stop();
 */
import { errors } from "../errors.js";
import type { HealthReport, Resource } from "./resource.js";
import type { ResourceState } from "./resource-state.js";
import { systemTimer, type Timer } from "./timer.js";

/**
 * Options of a health monitor, validated once by its constructor.
 *
 * @example
 *   { intervalMs: 2000, timeoutMs: 1000, maxRecoveries: 3 }
 */
export interface HealthMonitorOptions {
  /** Milliseconds from the end of one round to the start of the next. */
  readonly intervalMs: number;
  /** Milliseconds a health check or a recovery attempt may take before it counts as failed; default `intervalMs`. */
  readonly timeoutMs?: number;
  /** Recovery attempts of a degraded resource before it is marked failed; default 3 (0: failed at the next failing check). */
  readonly maxRecoveries?: number;
  /** What schedules rounds and timeouts; `systemTimer` by default. */
  readonly timer?: Timer;
  /** Milliseconds for `HealthStatus.lastCheck.time`; `Date.now` by default. */
  readonly clock?: () => number;
}

/** The defaults of the optional options. */
export const HEALTH_MONITOR_DEFAULTS = Object.freeze({ maxRecoveries: 3 });

/**
 * What the monitor knows about one resource, for `ether.status()`.
 *
 * @example
 *   monitor.status(camera);   // { resource: "camera", state: "degraded", checks: 12, failedChecks: 2, recoveryAttempts: 1, lastCheck: {…} }
 */
export interface HealthStatus {
  readonly resource: string;
  readonly state: ResourceState;
  /** Health checks run (including timed-out ones). */
  readonly checks: number;
  /** Of those, the ones that failed. */
  readonly failedChecks: number;
  /** Recovery attempts in the current degraded period (0 when ready). */
  readonly recoveryAttempts: number;
  /** Recovery attempts in all, over the monitor's life. */
  readonly totalRecoveryAttempts: number;
  readonly lastCheck?: HealthReport & { readonly time: number };
}

interface Entry {
  readonly resource: Resource;
  checks: number;
  failedChecks: number;
  attempts: number;
  totalAttempts: number;
  lastCheck: (HealthReport & { readonly time: number }) | undefined;
  /** A round for this resource is running. */
  busy: boolean;
  /** A healthCheck hook call has not settled (it timed out and still runs). */
  checkPending: boolean;
  /** A recovery hook call has not settled. */
  recoveryPending: boolean;
}

const OPTION_KEYS = ["intervalMs", "timeoutMs", "maxRecoveries", "timer", "clock"];
const MAX_TIMER_MS = 0x7fffffff;

/** Periodic health checks and recovery of resources; see the module comment. */
export class HealthMonitor {
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #maxRecoveries: number;
  readonly #timer: Timer;
  readonly #clock: () => number;
  readonly #entries = new Map<Resource, Entry>();
  #running = false;
  #handle: unknown;
  #round: Promise<void> | undefined;

  constructor(options: HealthMonitorOptions) {
    const o = validate(options);
    this.#intervalMs = o.intervalMs;
    this.#timeoutMs = o.timeoutMs ?? o.intervalMs;
    this.#maxRecoveries = o.maxRecoveries ?? HEALTH_MONITOR_DEFAULTS.maxRecoveries;
    this.#timer = o.timer ?? systemTimer;
    this.#clock = o.clock ?? Date.now;
  }

  /**
   * Watches a resource (in any state; it is checked whenever it is ready or degraded).
   *
   * @example
   *   monitor.add(instance);
   */
  add(resource: Resource): this {
    if (!this.#entries.has(resource)) {
      this.#entries.set(resource, {
        resource,
        checks: 0,
        failedChecks: 0,
        attempts: 0,
        totalAttempts: 0,
        lastCheck: undefined,
        busy: false,
        checkPending: false,
        recoveryPending: false,
      });
    }
    return this;
  }

  /**
   * Stops watching a resource (a round already running for it finishes).
   *
   * @example
   *   monitor.remove(instance);
   */
  remove(resource: Resource): void {
    this.#entries.delete(resource);
  }

  /**
   * What the monitor knows about a watched resource, or undefined if it is not watched.
   *
   * @example
   *   monitor.status(camera)?.failedChecks;
   */
  status(resource: Resource): HealthStatus | undefined {
    const e = this.#entries.get(resource);
    if (e === undefined) return undefined;
    const status = {
      resource: resource.name,
      state: resource.state,
      checks: e.checks,
      failedChecks: e.failedChecks,
      recoveryAttempts: e.attempts,
      totalRecoveryAttempts: e.totalAttempts,
    };
    return e.lastCheck === undefined ? status : { ...status, lastCheck: e.lastCheck };
  }

  /**
   * Starts the periodic rounds: the first one `intervalMs` from now. Idempotent.
   *
   * @example
   *   monitor.start();
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /**
   * Stops the periodic rounds and waits for a round in flight to finish. Idempotent.
   *
   * @example
   *   await monitor.stop();
   */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#handle !== undefined) {
      this.#timer.clearTimeout(this.#handle);
      this.#handle = undefined;
    }
    await this.#round;
  }

  #schedule(): void {
    this.#handle = this.#timer.setTimeout(() => {
      this.#handle = undefined;
      this.#round = this.tick().then(() => {
        this.#round = undefined;
        if (this.#running) this.#schedule();
      });
    }, this.#intervalMs);
  }

  /**
   * Runs one round now, for every watched resource at once; resolves when it is done (never
   * rejects). The periodic rounds call it; the runtime may too ("check now"), and so may tests.
   *
   * @example
   *   await monitor.tick();
   */
  async tick(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => this.#roundOf(e)));
  }

  async #roundOf(entry: Entry): Promise<void> {
    if (entry.busy) return;
    entry.busy = true;
    try {
      await this.#decide(entry);
    } catch (thrown) {
      // Every transition above is checked against the state just before it, so this is a bug: loud, not fatal to the round.
      queueMicrotask(() => {
        throw thrown;
      });
    } finally {
      entry.busy = false;
    }
  }

  async #decide(entry: Entry): Promise<void> {
    const r = entry.resource;
    if (r.state === "ready") {
      entry.attempts = 0;
      const report = await this.#check(entry);
      if (!report.healthy && r.state === "ready") r.markDegraded(`health check failed: ${report.detail}`);
      return;
    }
    if (r.state !== "degraded") return;
    const report = await this.#check(entry);
    if (r.state !== "degraded") return;
    if (report.healthy) {
      r.markRecovered(entry.attempts === 0 ? "health check passed again" : `health check passed after ${entry.attempts} recovery attempt(s)`);
      entry.attempts = 0;
      return;
    }
    if (entry.attempts >= this.#maxRecoveries) {
      r.markFailed(errors.recoveryFailed(r.name, entry.attempts, report.detail ?? "unhealthy"));
      return;
    }
    entry.attempts++;
    entry.totalAttempts++;
    const attempt = entry.attempts;
    const problem = await this.#recover(entry);
    if (r.state !== "degraded") return;
    let last = problem;
    if (problem === undefined) {
      const after = await this.#check(entry);
      if (r.state !== "degraded") return;
      if (after.healthy) {
        r.markRecovered(`recovered by recovery attempt ${attempt}`);
        entry.attempts = 0;
        return;
      }
      last = after.detail;
    }
    if (attempt >= this.#maxRecoveries) r.markFailed(errors.recoveryFailed(r.name, attempt, last ?? "unhealthy"));
  }

  /** Runs the health check with the timeout; records it. */
  async #check(entry: Entry): Promise<HealthReport> {
    let report: HealthReport;
    if (entry.checkPending) {
      report = { healthy: false, detail: "the previous health check has still not finished" };
    } else {
      entry.checkPending = true;
      const work = entry.resource.runHealthCheck().finally(() => {
        entry.checkPending = false;
      });
      const outcome = await this.#within(entry.resource, "health check", work);
      report = outcome.ok ? outcome.value : { healthy: false, detail: outcome.problem };
    }
    entry.checks++;
    if (!report.healthy) entry.failedChecks++;
    entry.lastCheck = { ...report, time: this.#clock() };
    return report;
  }

  /** Runs one recovery attempt with the timeout; returns what went wrong, or undefined. */
  async #recover(entry: Entry): Promise<string | undefined> {
    if (entry.recoveryPending) return "the previous recovery attempt has still not finished";
    entry.recoveryPending = true;
    const work = entry.resource.runRecovery().finally(() => {
      entry.recoveryPending = false;
    });
    const outcome = await this.#within(entry.resource, "recovery attempt", work);
    return outcome.ok ? undefined : `recovery attempt ${entry.attempts} failed: ${outcome.problem}`;
  }

  /** `work`'s value, or the problem: its error, or ERR_ETHER_HEALTH_TIMEOUT's message after `timeoutMs`. */
  #within<T>(resource: Resource, what: string, work: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
    return new Promise((resolve) => {
      const handle = this.#timer.setTimeout(() => {
        resolve({ ok: false, problem: errors.healthTimeout(resource.name, what, this.#timeoutMs).message });
      }, this.#timeoutMs);
      work.then(
        (value) => {
          this.#timer.clearTimeout(handle);
          resolve({ ok: true, value });
        },
        (thrown: unknown) => {
          this.#timer.clearTimeout(handle);
          resolve({ ok: false, problem: thrown instanceof Error ? thrown.message : String(thrown) });
        },
      );
    });
  }
}

function validate(options: HealthMonitorOptions): HealthMonitorOptions {
  const where = "HealthMonitor";
  if (typeof options !== "object" || options === null) throw errors.invalidOption(where, "options", "must be an object like { intervalMs: 1000 }");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw errors.invalidOption(where, key, `is not an option; known options: ${OPTION_KEYS.join(", ")}`);
  }
  const ms = (name: "intervalMs" | "timeoutMs", value: unknown, required: boolean) => {
    if (value === undefined && !required) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
      throw errors.invalidOption(where, name, `must be a number of milliseconds above 0 and at most ${MAX_TIMER_MS}, got ${String(value)}`);
    }
  };
  ms("intervalMs", options.intervalMs, true);
  ms("timeoutMs", options.timeoutMs, false);
  const max = options.maxRecoveries;
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 0)) {
    throw errors.invalidOption(where, "maxRecoveries", `must be an integer of at least 0, got ${String(max)}`);
  }
  const timer = options.timer;
  if (timer !== undefined && (typeof timer?.setTimeout !== "function" || typeof timer.clearTimeout !== "function")) {
    throw errors.invalidOption(where, "timer", "must have setTimeout(callback, ms) and clearTimeout(handle)");
  }
  if (options.clock !== undefined && typeof options.clock !== "function") throw errors.invalidOption(where, "clock", "must be a function returning milliseconds");
  return options;
}
