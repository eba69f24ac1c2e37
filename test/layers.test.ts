// Imports flow downward only: a layer of src/ never imports a higher one (DESIGN.md, "Layers").
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { projectRoot } from "./helpers/paths.js";

/** Lowest first. Files directly in src/ (errors.ts, log.ts, index.ts) are handled below. */
const LAYERS = ["native", "transport", "frame", "lifecycle", "component", "io", "bridge", "record", "cycle", "runtime", "cli"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function layerOf(path: string): string {
  const parts = relative(join(projectRoot, "src"), path).split("/");
  return parts.length === 1 ? "(root)" : parts[0]!;
}

test("no layer imports a higher layer, and root modules import no layer", () => {
  const src = join(projectRoot, "src");
  const violations: string[] = [];
  for (const file of files(src)) {
    const from = layerOf(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s*(?:[^"';]*?\sfrom\s*)?["'](\.[^"']+)["']/g)) {
      const target = join(file, "..", m[1]!);
      if (!target.startsWith(src)) continue;
      const to = layerOf(target);
      if (from === "(root)") {
        if (to !== "(root)" && relative(src, file) !== "index.ts") violations.push(`${relative(src, file)} -> ${m[1]}`);
        continue;
      }
      if (to === "(root)" || to === from) continue;
      assert.ok(LAYERS.includes(from), `unknown layer ${from}`);
      if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) violations.push(`${relative(src, file)} (${from}) -> ${m[1]} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});
