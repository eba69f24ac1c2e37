/**
 * Entry point of a host in a worker thread or a child process: reads its HostSpec (workerData, or
 * JSON in argv[2] for a process), runs it, and talks to the session over the thread's port or the
 * process's IPC channel. A child process dies with its parent (parent-death signal).
 */
import { parentPort, workerData } from "node:worker_threads";
import "../component/metadata.js"; // Symbol.metadata before any user class is evaluated
import { setParentDeathSignal } from "../native/platform.js";
import { HostRunner } from "./host-runner.js";
import { markHostRealm } from "./host-marker.js";
import type { FromHost, HostSpec, ToHost } from "./host-spec.js";

const inThread = parentPort !== null;
const spec = (inThread ? workerData : JSON.parse(process.argv[2]!)) as HostSpec;
markHostRealm(spec.hostName);
if (!inThread) setParentDeathSignal("SIGKILL", process.ppid);

const send = (message: FromHost): void => {
  if (inThread) parentPort!.postMessage(message);
  else process.send?.(message);
};

try {
  const runner = await HostRunner.create(spec, send);
  const onMessage = (message: ToHost): void => runner.receive(message);
  if (inThread) parentPort!.on("message", onMessage);
  else process.on("message", onMessage);
  await runner.subscribe();
  await new Promise<void>((resolve) => {
    const check = (message: ToHost): void => {
      if (message.type !== "go" && message.type !== "stop") return; // stopped before it ran: nothing to run
      if (inThread) parentPort!.off("message", check);
      else process.off("message", check);
      resolve();
    };
    if (inThread) parentPort!.on("message", check);
    else process.on("message", check);
  });
  await Promise.resolve(); // let receive() start the loop
  await runner.done;
  if (runner.failed) process.exitCode = 1; // the supervisor reads a failed exit
  if (inThread) parentPort!.close();
  else process.disconnect?.();
} catch (error) {
  send({ type: "failed", message: (error as Error).message, code: (error as { code?: string }).code });
  if (!inThread) process.disconnect?.();
  process.exitCode = 1;
}
