/** Paths for tests: the project root (the folder holding package.json), found from the compiled file. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The project root. */
export const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Absolute path of a compiled file under dist/, given its path relative to the project root. */
export function distPath(relative: string): string {
  return join(projectRoot, "dist", relative);
}
