/**
 * Sessions on a folder of compiled test fixtures, shut down after each test even when it failed.
 *
 * @example
 *   const { C, session } = fixtureSessions("test/runtime/fixtures");   // once per test file
 *   const ether = await session({ instances: { source: { class_path: C("Source") } } });
 */
import { afterEach } from "node:test";
import { isAbsolute } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Ether } from "../../src/index.js";
import { DictDecoder } from "../../src/frame/index.js";
import type { FrameHandler } from "../../src/transport/index.js";
import { distPath } from "./paths.js";

/**
 * Collects decoded (cloned) messages of a subscriber, or of a reader over several rings (a decoder per
 * ring buffer), until `count` arrived or `limitMs` passed (a hang guard).
 */
export async function collect(reader: { poll(handler: FrameHandler): number }, count: number, limitMs = 20_000): Promise<Record<string, unknown>[]> {
  const decoders = new Map<Uint8Array, DictDecoder>();
  const out: Record<string, unknown>[] = [];
  const until = performance.now() + limitMs;
  while (out.length < count && performance.now() < until) {
    reader.poll((f) => {
      let decoder = decoders.get(f.buffer);
      if (decoder === undefined) decoders.set(f.buffer, (decoder = new DictDecoder()));
      out.push(structuredClone(decoder.decode(f.buffer, f.offset, f.length)));
    });
    if (out.length < count) await sleep(2);
  }
  return out;
}

/**
 * Registers the after-each shutdown and returns a class-path helper and a session factory for `folder`
 * (under dist/, or an absolute path for fixtures read from the source tree).
 */
export function fixtureSessions(folder: string): { C: (name: string) => string; session: (config: object) => Promise<Ether> } {
  const cwd = isAbsolute(folder) ? folder : distPath(folder);
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
