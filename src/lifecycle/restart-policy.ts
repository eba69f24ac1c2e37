/**
 * Restart policies: whether, and after how long, the supervisor restarts an instance that exited.
 * Deterministic and timer-free: the caller passes the time, the policy only remembers when it granted
 * restarts. Same calls, same answers, so the supervisor can use it as is and tests need no timers.
 *
 * The rule for an exit at `now`:
 *   1. `never` restarts nothing; `on-failure` restarts failed exits only; `always` restarts every exit.
 *   2. k = restarts granted in the sliding window (those at times t with now − window < t ≤ now).
 *      If k ≥ max: no restart ("limit"): the instance exits for good; the supervisor marks it failed.
 *   3. Otherwise restart after min(max_delay, delay × 2^k) ms, and remember `now`.
 * As restarts age out of the window the backoff shrinks again, so an instance that ran well for a
 * window starts over at `delay`.
 *
 * Options use the YAML keys (`restart: { policy, max, delay, max_delay, window }`), with durations as
 * milliseconds: the config loader turns "1s" into 1000 before it gets here.
 *
 * @example
 *   const policy = new RestartPolicy({ policy: "on-failure", max: 3, delay: 100, max_delay: 1000, window: 60_000 });
 *   policy.next({ failed: true }, 0);      // { restart: true, delayMs: 100, reason: "backoff", attempt: 1, … }
 *   policy.next({ failed: true }, 500);    // { restart: true, delayMs: 200, reason: "backoff", attempt: 2, … }
 *   policy.next({ failed: false }, 900);   // { restart: false, reason: "clean-exit", … }
 */
import { errors } from "../errors.js";

/** The policies, in order of eagerness. */
export const RESTART_POLICIES = ["never", "on-failure", "always"] as const;

/** When to restart: never, after a failed exit, or after any exit. */
export type RestartPolicyName = (typeof RESTART_POLICIES)[number];

/**
 * A validated, fully defaulted restart policy (durations in milliseconds).
 *
 * @example
 *   { policy: "on-failure", max: 5, delay: 100, max_delay: 30_000, window: 60_000 }
 */
export interface RestartOptions {
  readonly policy: RestartPolicyName;
  /** Restarts allowed within `window`; one more exit in the window is not restarted. */
  readonly max: number;
  /** Milliseconds before the first restart in a window; doubled for each further one. */
  readonly delay: number;
  /** Milliseconds the backoff never exceeds. */
  readonly max_delay: number;
  /** Milliseconds of the sliding window in which restarts are counted. */
  readonly window: number;
}

/**
 * What a config may give: a policy name alone (`restart: on-failure`) or any of the options.
 *
 * @example
 *   new RestartPolicy("always");
 *   new RestartPolicy({ max: 10, window: 600_000 });
 */
export type RestartInput = RestartPolicyName | Partial<RestartOptions>;

/**
 * Defaults for the keys a config leaves out. An instance with no `restart` key at all is the
 * runtime's call (`never` keeps a session's behaviour unchanged).
 *
 * @example
 *   new RestartPolicy({}).options;   // RESTART_DEFAULTS
 */
export const RESTART_DEFAULTS: RestartOptions = Object.freeze({
  policy: "on-failure",
  max: 5,
  delay: 100,
  max_delay: 30_000,
  window: 60_000,
});

/**
 * How an instance ended: `failed` when it crashed, threw out of its start, hung, or exited non-zero.
 *
 * @example
 *   policy.next({ failed: exitCode !== 0 }, monotonicMs());
 */
export interface ExitInfo {
  readonly failed: boolean;
}

/**
 * Why a decision came out the way it did: `never` (the policy), `clean-exit` (on-failure, and the
 * exit did not fail), `limit` (max restarts within the window reached), `backoff` (restarting).
 *
 * @example
 *   if (decision.reason === "limit") instance.markFailed(decision.detail);
 */
export type RestartReason = "never" | "clean-exit" | "limit" | "backoff";

/**
 * The answer for one exit.
 *
 * @example
 *   { restart: true, delayMs: 400, reason: "backoff", attempt: 3, detail: "restart 3 of at most 5 within 60000 ms, after 400 ms" }
 */
export interface RestartDecision {
  readonly restart: boolean;
  /** Milliseconds to wait before restarting; 0 when not restarting. */
  readonly delayMs: number;
  readonly reason: RestartReason;
  /** Which restart within the window this is (1-based); 0 when not restarting. */
  readonly attempt: number;
  /** One sentence for logs and the lifecycle event. */
  readonly detail: string;
}

const KEYS = ["policy", "max", "delay", "max_delay", "window"] as const;
const MAX_MS = 0x7fffffff;

/** One instance's restart policy and the restarts it granted; see the module comment. */
export class RestartPolicy {
  /** The validated options. */
  readonly options: RestartOptions;
  /** Times of the restarts granted that may still be in the window, oldest first. */
  #recent: number[] = [];
  #total = 0;

  /**
   * Validates `input` once (ERR_ETHER_INVALID_OPTION naming `where` and the key) and fills defaults.
   * `where` is the key path of the config entry, for the message.
   *
   * @example
   *   new RestartPolicy({ policy: "on-failure", max: 3 }, "instances.camera.restart");
   */
  constructor(input: RestartInput = {}, where = "restart") {
    this.options = validateRestartOptions(input, where);
  }

  /** Restarts granted over the policy's life. */
  get restarts(): number {
    return this.#total;
  }

  /**
   * Restarts granted within the window ending at `now`.
   *
   * @example
   *   policy.restartsInWindow(now);   // 2
   */
  restartsInWindow(now: number): number {
    return this.#recent.filter((t) => t > now - this.options.window).length;
  }

  /**
   * Decides on one exit at `now` (milliseconds on a monotonic clock, never going back), and
   * remembers a granted restart.
   *
   * @example
   *   const d = policy.next({ failed: true }, now);
   *   if (d.restart) setTimeout(restart, d.delayMs); else instance.markFailed(d.detail);
   */
  next(exit: ExitInfo, now: number): RestartDecision {
    const { policy, max, delay, max_delay, window } = this.options;
    if (policy === "never") return refuse("never", `the restart policy is never`);
    if (policy === "on-failure" && !exit.failed) return refuse("clean-exit", "the exit did not fail and the restart policy is on-failure");
    this.#recent = this.#recent.filter((t) => t > now - window);
    const k = this.#recent.length;
    if (k >= max) return refuse("limit", `${k} restart(s) within ${window} ms already (max ${max}); giving up`);
    const delayMs = backoff(delay, max_delay, k);
    this.#recent.push(now);
    this.#total++;
    return { restart: true, delayMs, reason: "backoff", attempt: k + 1, detail: `restart ${k + 1} of at most ${max} within ${window} ms, after ${delayMs} ms` };
  }

  /**
   * Forgets the restarts granted (the window and the total), e.g. after an operator restarts an
   * instance by hand.
   *
   * @example
   *   policy.reset();
   */
  reset(): void {
    this.#recent = [];
    this.#total = 0;
  }
}

function refuse(reason: RestartReason, detail: string): RestartDecision {
  return { restart: false, delayMs: 0, reason, attempt: 0, detail };
}

/** min(cap, delay × 2^k), without overflow to Infinity or NaN for large k. */
function backoff(delay: number, cap: number, k: number): number {
  if (delay === 0) return 0;
  const doublings = Math.log2(cap / delay);
  return k >= doublings ? cap : Math.min(cap, delay * 2 ** k);
}

/**
 * Validates restart options and fills defaults; throws ERR_ETHER_INVALID_OPTION naming the key (and
 * the right spelling for a near miss like `maxDelay`).
 *
 * @example
 *   validateRestartOptions("on-failure");                  // RESTART_DEFAULTS with policy on-failure
 *   validateRestartOptions({ max_delay: "5s" }, "x");      // throws: x: option max_delay must be a number of milliseconds …
 */
export function validateRestartOptions(input: RestartInput, where = "restart"): RestartOptions {
  if (typeof input === "string") input = { policy: input };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw errors.invalidOption(where, "restart", `must be ${RESTART_POLICIES.join(", ")} or a map of ${KEYS.join(", ")}, got ${describe(input)}`);
  }
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const near = KEYS.find((k) => squash(k) === squash(key));
      const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
      throw errors.invalidOption(where, key, `is not a restart option${hint}; the options are ${KEYS.join(", ")}`);
    }
  }
  const o = { ...RESTART_DEFAULTS, ...definedOnly(input) };
  if (!(RESTART_POLICIES as readonly string[]).includes(o.policy)) {
    const near = RESTART_POLICIES.find((p) => typeof o.policy === "string" && squash(p) === squash(o.policy));
    const hint = near === undefined ? "" : ` (did you mean ${near}?)`;
    throw errors.invalidOption(where, "policy", `must be one of ${RESTART_POLICIES.join(", ")}, got ${describe(o.policy)}${hint}`);
  }
  if (typeof o.max !== "number" || !Number.isInteger(o.max) || o.max < 1 || o.max > MAX_MS) {
    throw errors.invalidOption(where, "max", `must be a whole number of restarts of at least 1 (use policy: never for none), got ${describe(o.max)}`);
  }
  milliseconds(where, "delay", o.delay, 0);
  milliseconds(where, "max_delay", o.max_delay, 0);
  milliseconds(where, "window", o.window, 1);
  if (o.max_delay < o.delay) {
    throw errors.invalidOption(where, "max_delay", `(${o.max_delay} ms) must be at least delay (${o.delay} ms)`);
  }
  return Object.freeze(o);
}

function milliseconds(where: string, key: string, value: unknown, min: number): void {
  if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= MAX_MS) return;
  const unit = typeof value === "string" ? " (the config loader converts durations like \"1s\"; here give milliseconds)" : "";
  throw errors.invalidOption(where, key, `must be a number of milliseconds from ${min} to ${MAX_MS}, got ${describe(value)}${unit}`);
}

/** Lowercase without separators, to match `maxDelay` or `max-delay` to `max_delay`. */
function squash(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, "");
}

function definedOnly(input: Partial<RestartOptions>): Partial<RestartOptions> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

function describe(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : String(value);
}
