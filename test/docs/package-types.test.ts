// A TypeScript project that uses etherflow type-checks against the package's declarations without
// @types/node (a component that uses no Node API needs none): strict, no skipLibCheck, the default
// libs. Before, two declarations named NodeJS.Timeout and NodeJS.Signals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../helpers/paths.js";

const COMPONENT = `import { ether, pub, sub, every, skip, type Skip } from "etherflow";

export class Sensor {
  #n = 0;
  @every("10ms")
  @pub("readings")
  read(): { n: number } | Skip {
    return this.#n < 10 ? { n: this.#n++ } : skip;
  }
}

export class Logger {
  @sub("readings")
  take({ n }: { n: number }): void {
    if (n < 0) throw new RangeError("negative");
  }
}

export const inHost: boolean = ether.inHost;
`;

test("the package's declarations type-check in a strict project without @types/node", { timeout: 60_000 }, () => {
  // Inside the package, so that "etherflow" resolves to this package itself (its exports map, dist/).
  const dir = mkdtempSync(join(projectRoot, "dist", "types-"));
  try {
    writeFileSync(join(dir, "component.ts"), COMPONENT);
    const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [], skipLibCheck: false };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["component.ts"] }));
    const tsc = join(projectRoot, "node_modules", "typescript", "bin", "tsc");
    const r = spawnSync(process.execPath, [tsc, "-p", dir], { cwd: projectRoot, encoding: "utf8", timeout: 50_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
