/**
 * What a host does with the optional methods of users' classes, and how it reports handlers: the
 * `initialize()` / `cleanup()` / `healthCheck()` hooks, the per-instance handler watch, and the error
 * that ends a host whose handler threw under a restart policy.
 *
 * @example
 *   await initializeInstance(target);
 *   await checkHealth(targets, lastAnswers, (name, report) => log(name, report));
 */
import { type HealthCheckResult, type HealthReport, runHealthCheck } from "../lifecycle/index.js";

/** Optional methods of a user's class that its host calls: `initialize()` after construction, `cleanup()` at stop. */
export interface LifecycleHooks {
  initialize?: () => unknown;
  cleanup?: () => unknown;
  healthCheck?: () => HealthCheckResult | Promise<HealthCheckResult>;
}

/** Thrown out of Host.run() when a handler of a fail-on-error instance threw. */
export class HandlerFailure extends Error {
  constructor(readonly instance: string, readonly method: string, readonly topic: string | undefined, override readonly cause: unknown) {
    super(`handler ${method} of instance "${instance}"${topic === undefined ? "" : ` (topic "${topic}")`} threw: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "HandlerFailure";
  }
}

/** Told around every handler call of one instance. */
export interface HandlerWatch {
  enterHandler(): void;
  leaveHandler(): void;
}

/** Calls the instance's `initialize()`, if it has one (awaited; a throw is passed on). */
export async function initializeInstance(target: object): Promise<void> {
  const initialize = (target as LifecycleHooks).initialize;
  if (typeof initialize === "function") await initialize.call(target);
}

/** Calls `cleanup()` of each instance that has one, in reverse order; a throw is reported and the others still run. Returns the throws. */
export async function cleanupInstances(targets: ReadonlyMap<string, object>, report: (instance: string, message: string) => void): Promise<number> {
  let failures = 0;
  for (const [name, target] of [...targets].reverse()) {
    const cleanup = (target as LifecycleHooks).cleanup;
    if (typeof cleanup !== "function") continue;
    try {
      await cleanup.call(target);
    } catch (error) {
      failures++;
      report(name, `cleanup threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}

/** Runs the `healthCheck()` of every instance that has one; calls `report` when an answer changes (`last` remembers them). */
export async function checkHealth(
  targets: ReadonlyMap<string, object>,
  last: Map<string, boolean>,
  report: ((instance: string, health: HealthReport) => void) | undefined,
): Promise<void> {
  if (report === undefined) return;
  for (const [name, target] of targets) {
    const check = (target as LifecycleHooks).healthCheck;
    if (typeof check !== "function") continue;
    const health = await runHealthCheck(() => check.call(target));
    if ((last.get(name) ?? true) === health.healthy) continue; // an instance is healthy until a check says otherwise
    last.set(name, health.healthy);
    report(name, health);
  }
}
