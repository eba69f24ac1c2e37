/** Runs a test role in a worker thread; the worker is terminated if the test ends first. */
import { Worker } from "node:worker_threads";
import { distPath } from "./paths.js";

/** Workers started by runRole that are still running. */
const running = new Set<Worker>();

/** Starts a compiled role script (path relative to the project root, under dist/) with `params` as workerData. */
export function runRole<T>(script: string, params: unknown): Promise<T> {
  const worker = new Worker(distPath(script), { workerData: params });
  running.add(worker);
  return new Promise<T>((resolve, reject) => {
    worker.once("message", (m: T) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      running.delete(worker);
      if (code !== 0) reject(new Error(`role worker exited with code ${code}`));
    });
  });
}

/** Terminates every worker still running (call from an after hook so a failed test leaves none). */
export async function terminateRoles(): Promise<void> {
  await Promise.all([...running].map((w) => w.terminate()));
  running.clear();
}
