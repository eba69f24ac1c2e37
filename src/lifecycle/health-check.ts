/**
 * Health checks: what a `healthCheck` hook may return, and the one place that turns any answer (or
 * a throw) into a report. Used by resources, the health monitor, and hosts for users' classes.
 *
 * @example
 *   const { healthy, detail } = await runHealthCheck(() => camera.healthCheck());
 */

/**
 * What a `healthCheck` hook may return: nothing or `true` (healthy), `false` (unhealthy), or a
 * report with a detail. A throw counts as unhealthy with the error's message as the detail.
 *
 * @example
 *   healthCheck() { return { healthy: this.queue.length < 1000, detail: `${this.queue.length} queued` }; }
 */
export type HealthCheckResult = boolean | void | undefined | { readonly healthy: boolean; readonly detail?: string };

/**
 * A health check's outcome, normalized.
 *
 * @example
 *   const report = await resource.runHealthCheck();   // { healthy: false, detail: "no frames for 2 s" }
 */
export interface HealthReport {
  readonly healthy: boolean;
  /** Why it is unhealthy (always set then); optional context when healthy. */
  readonly detail?: string;
}

/**
 * Runs one health check and normalizes its outcome: `undefined`/`true` healthy, `false` or a throw
 * unhealthy (with why), `{ healthy, detail }` as given. Used by resources and by hosts for users' classes.
 *
 * @example
 *   const { healthy, detail } = await runHealthCheck(() => camera.healthCheck());
 */
export async function runHealthCheck(check: () => HealthCheckResult | Promise<HealthCheckResult>): Promise<HealthReport> {
  let result: HealthCheckResult;
  try {
    result = await check();
  } catch (thrown) {
    return { healthy: false, detail: `threw: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
  if (result === undefined || result === true) return { healthy: true };
  if (result === false) return { healthy: false, detail: "returned false" };
  const healthy = result.healthy === true;
  const detail = result.detail ?? (healthy ? undefined : "reported unhealthy");
  return detail === undefined ? { healthy } : { healthy, detail };
}

