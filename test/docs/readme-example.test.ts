// The README's transport example runs as written (through tsx, importing "etherflow" by name) and
// prints the two frames it publishes: a README example that does nothing is a defect too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../helpers/paths.js";

/** The first ```ts block after `heading` in the README. */
function snippetAfter(heading: string): string {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `README has "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block !== null, `a ts block after "${heading}"`);
  return block[1]!;
}

test("README: the topics example prints the dict frame and the loaned one", { timeout: 60_000 }, () => {
  // Inside the package, so that "etherflow" resolves to this package itself (its exports map).
  const dir = mkdtempSync(join(projectRoot, "dist", "readme-"));
  try {
    const file = join(dir, "topics.ts");
    writeFileSync(file, snippetAfter("## Topics (the transport underneath)"));
    const r = spawnSync(process.execPath, ["--import", "tsx", file], { cwd: projectRoot, encoding: "utf8", timeout: 50_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "0 { seq: 1, temperature: 21.5 }\n1 raw frame of 4194304 bytes\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
