/**
 * Sessions on a folder of compiled test fixtures, shut down after each test even when it failed.
 *
 * @example
 *   const { C, session } = fixtureSessions("test/runtime/fixtures");   // once per test file
 *   const ether = await session({ instances: { source: { class_path: C("Source") } } });
 */
import { afterEach } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Ether } from "../../src/index.js";
import { DictDecoder } from "../../src/frame/index.js";
import type { Subscriber } from "../../src/transport/index.js";
import { distPath } from "./paths.js";

/** Collects decoded (cloned) messages of a topic until `count` arrived, or `limitMs` passed (a hang guard). */
export async function collect(sub: Subscriber, count: number, limitMs = 20_000): Promise<Record<string, unknown>[]> {
  const decoder = new DictDecoder();
  const out: Record<string, unknown>[] = [];
  const until = performance.now() + limitMs;
  while (out.length < count && performance.now() < until) {
    sub.poll((f) => out.push(structuredClone(decoder.decode(f.buffer, f.offset, f.length))));
    if (out.length < count) await sleep(2);
  }
  return out;
}

/** Registers the after-each shutdown and returns a class-path helper and a session factory for `folder` (under dist/). */
export function fixtureSessions(folder: string): { C: (name: string) => string; session: (config: object) => Promise<Ether> } {
  const cwd = distPath(folder);
  let running: Ether | undefined;
  afterEach(async () => {
    await running?.shutdown();
    running = undefined;
  });
  return {
    C: (name) => `./components.js#${name}`,
    session: async (config) => {
      running = new Ether();
      await running.tap({ config, cwd });
      return running;
    },
  };
}
