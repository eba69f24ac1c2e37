// The package resolver's `exports` handling: conditions for import, subpath patterns, fallbacks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolveExports, splitPackageSpecifier } from "../../../src/runtime/config/package-resolver.js";

test("package specifiers split into name and subpath", () => {
  assert.deepEqual(splitPackageSpecifier("pkg"), { name: "pkg", subpath: "." });
  assert.deepEqual(splitPackageSpecifier("pkg/a/b"), { name: "pkg", subpath: "./a/b" });
  assert.deepEqual(splitPackageSpecifier("@scope/pkg"), { name: "@scope/pkg", subpath: "." });
  assert.deepEqual(splitPackageSpecifier("@scope/pkg/sub"), { name: "@scope/pkg", subpath: "./sub" });
});

test("exports: a string, conditions in order (import, node, default), nested and arrays", () => {
  assert.equal(resolveExports("./main.js", "."), "./main.js");
  assert.equal(resolveExports({ require: "./x.cjs", import: "./x.mjs" }, "."), "./x.mjs");
  assert.equal(resolveExports({ types: "./x.d.ts", default: "./x.js" }, "."), "./x.js");
  assert.equal(resolveExports({ ".": { node: { import: "./node.mjs", require: "./node.cjs" }, default: "./browser.js" } }, "."), "./node.mjs");
  assert.equal(resolveExports({ ".": [{ worker: "./w.js" }, "./fallback.js"] }, "."), "./fallback.js");
  assert.equal(resolveExports({ ".": { require: "./only.cjs" } }, "."), undefined);
  assert.equal(resolveExports({ "./a": null }, "./a"), undefined);
});

test("exports: subpaths and patterns (the longest prefix wins)", () => {
  const exports = {
    ".": "./index.js",
    "./filters": { import: "./filters.js" },
    "./models/*": "./dist/models/*.js",
    "./models/special/*": "./special/*.js",
    "./features/*.js": "./src/features/*.js",
  };
  assert.equal(resolveExports(exports, "./filters"), "./filters.js");
  assert.equal(resolveExports(exports, "./models/resnet"), "./dist/models/resnet.js");
  assert.equal(resolveExports(exports, "./models/special/x"), "./special/x.js");
  assert.equal(resolveExports(exports, "./features/a/b.js"), "./src/features/a/b.js");
  assert.equal(resolveExports(exports, "./internal"), undefined);
});
