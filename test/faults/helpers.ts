// Helpers of the supervision fault tests: a session on the fault fixtures, draining a topic, and
// waiting (with a hang guard) until an instance's status says something.
import { afterEach } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Ether, type InstanceStatus } from "../../src/index.js";
import { DictDecoder } from "../../src/frame/index.js";
import type { Subscriber } from "../../src/transport/index.js";
import { distPath } from "../helpers/paths.js";

const cwd = distPath("test/faults/fixtures");
/** A class path of the fault fixtures. */
export const C = (name: string): string => `./components.js#${name}`;
let running: Ether | undefined;

/** Shuts the session of the test down after each test, even a failed one. Call once per test file. */
export function shutdownAfterEach(): void {
  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
  });
}

/** Taps a session on the fault fixtures. */
export async function session(config: object): Promise<Ether> {
  running = new Ether();
  await running.tap({ config, cwd });
  return running;
}

/** Reads every waiting message of `sub`, decoded and copied. */
export function drain(sub: Subscriber, into: Record<string, unknown>[]): void {
  const decoder = new DictDecoder();
  sub.poll((f) => into.push(structuredClone(decoder.decode(f.buffer, f.offset, f.length))));
}

/** Polls status() until `ok` holds for the instance (or the hang guard fires). */
export async function until(ether: Ether, instance: string, ok: (s: InstanceStatus) => boolean, what: string, limitMs = 30_000): Promise<InstanceStatus> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const s = ether.status().find((x) => x.instance === instance)!;
    if (ok(s)) return s;
    if (performance.now() > deadline) assert.fail(`${instance}: ${what} did not happen; status ${JSON.stringify(s)}`);
    await sleep(2);
  }
}
