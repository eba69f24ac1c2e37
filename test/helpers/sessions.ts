/**
 * Sessions on a folder of compiled test fixtures, shut down after each test even when it failed.
 *
 * @example
 *   const { C, session } = fixtureSessions("test/runtime/fixtures");   // once per test file
 *   const ether = await session({ instances: { source: { class_path: C("Source") } } });
 */
import { afterEach } from "node:test";
import { Ether } from "../../src/index.js";
import { distPath } from "./paths.js";

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
