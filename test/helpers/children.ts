/** Child processes for fault tests: started with a role, awaited for their first message, killed at will. */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { distPath } from "./paths.js";

const children = new Set<ChildProcess>();

/** Starts `script` (under dist/) with `params` and resolves with the child and its first IPC message. */
export async function startChild<T>(script: string, params: unknown): Promise<{ child: ChildProcess; first: T }> {
  const child = fork(distPath(script), [JSON.stringify(params)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  const [first] = (await Promise.race([once(child, "message"), once(child, "exit").then(() => [undefined])])) as [T];
  if (first === undefined) throw new Error(`child ${script} exited before reporting`);
  return { child, first };
}

/** Kills a child with SIGKILL and waits until it is gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** Kills every child still running (call from an after hook). */
export async function killChildren(): Promise<void> {
  await Promise.all([...children].map(killChild));
}
