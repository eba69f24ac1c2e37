/**
 * Paths of the config fixtures. They are YAML, .ts and .js files read from the source tree (the
 * compiled tests live under dist/, the fixtures are not compiled for use), found from the project root.
 */
import { join } from "node:path";
import { projectRoot } from "../../helpers/paths.js";

/** The fixture project: its own package.json (the root of dotted class paths) and node_modules. */
export const fixtureProject = join(projectRoot, "test", "runtime", "config", "fixtures", "project");

/** A file of the fixture project, by its path relative to it. */
export function fixture(relative: string): string {
  return join(fixtureProject, relative);
}

/** How many fixture components have been constructed in this process (loadConfig must construct none). */
export function constructedCount(): number {
  return (globalThis as { etherConfigFixtureConstructed?: number }).etherConfigFixtureConstructed ?? 0;
}
