/**
 * The timer seam of the lifecycle layer: whatever schedules periodic health checks and timeouts.
 * Production uses `systemTimer` (unref'd, so a monitor never keeps a process alive); tests pass a
 * manual timer they advance by hand, so no test waits on the wall clock.
 *
 * @example
 *   const handle = systemTimer.setTimeout(() => tick(), 1000);
 *   systemTimer.clearTimeout(handle);
 */

/**
 * Schedules one callback after `ms` milliseconds, and cancels it.
 *
 * @example
 *   const timer: Timer = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
 */
export interface Timer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Node's timers, unref'd: a pending health check never holds the event loop open.
 *
 * @example
 *   new HealthMonitor({ intervalMs: 1000, timer: systemTimer });   // the default
 */
export const systemTimer: Timer = Object.freeze({
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  },
});
