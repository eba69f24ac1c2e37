/**
 * Runs a test role in another thread or another process. Roles still running when a test file ends
 * are terminated (threads) or killed (processes) by terminateRoles(), so a failed test leaves none.
 */
import { fork, type ChildProcess } from "node:child_process";
import { Worker } from "node:worker_threads";
import { distPath } from "./paths.js";

/** Where a role runs. */
export type RoleHost = "thread" | "process";

const threads = new Set<Worker>();
const children = new Set<ChildProcess>();

/** Starts a compiled role script (path relative to the project root, under dist/) with `params`. */
export function runRole<T>(script: string, params: unknown, host: RoleHost = "thread"): Promise<T> {
  if (host === "process") return runInProcess<T>(script, params);
  const worker = new Worker(distPath(script), { workerData: params });
  threads.add(worker);
  return new Promise<T>((resolve, reject) => {
    worker.once("message", (m: T) => resolve(m));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      threads.delete(worker);
      if (code !== 0) reject(new Error(`role worker exited with code ${code}`));
    });
  });
}

function runInProcess<T>(script: string, params: unknown): Promise<T> {
  const child = fork(distPath(script), [JSON.stringify(params)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  return new Promise<T>((resolve, reject) => {
    let result: { value: T } | undefined;
    child.once("message", (m: T) => {
      result = { value: m };
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (result !== undefined) resolve(result.value);
      else reject(new Error(`role process exited with code ${code} signal ${signal} before reporting`));
    });
  });
}

/**
 * Polls `poll()` (which returns how many ready signals it found) until `count` arrived, failing at
 * once if any of `roles` settles first: a role that died before saying it is ready must not leave
 * the test waiting for its timeout.
 */
export async function awaitReady(poll: () => number, count: number, roles: readonly Promise<unknown>[]): Promise<void> {
  let failure: unknown;
  let settled = false;
  for (const role of roles) role.then(() => (settled = true), (e: unknown) => ((failure = e), (settled = true)));
  for (let seen = 0; seen < count; ) {
    seen += poll();
    if (seen >= count) return;
    if (failure !== undefined) throw failure;
    if (settled) throw new Error("a role finished before every role was ready");
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Stops every role still running (call from an after hook). */
export async function terminateRoles(): Promise<void> {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
  await Promise.all([...threads].map((w) => w.terminate()));
  threads.clear();
}
