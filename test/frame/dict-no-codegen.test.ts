// The codec compiles per-shape code with `new Function`; with code generation from strings disabled
// (--disallow-code-generation-from-strings, some hardened deployments) it must fall back to loops
// and behave the same. Reruns the round-trip suites in a child process with that flag.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const FLAG = "--disallow-code-generation-from-strings";

describe("dict codec without code generation", { timeout: 120_000 }, () => {
  it("the flag really disables new Function", () => {
    const r = spawnSync(process.execPath, [FLAG, "-e", "new Function('return 1')"], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /EvalError/);
  });

  it("round trips, typed arrays and templates pass with fallbacks", () => {
    const files = ["dict-roundtrip.test.js", "dict-typed-arrays.test.js", "dict-property.test.js"].map((f) => join(here, f));
    const r = spawnSync(process.execPath, [FLAG, "--test", "--test-reporter=dot", ...files], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
