// "Did you mean …?" suggestions and key path formatting used by every config message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { closest, didYouMean, editDistance } from "../../../src/runtime/config/suggest.js";
import { formatKeyPath } from "../../../src/runtime/config/key-path.js";

test("edit distance counts insertions, deletions, substitutions and swaps", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("clas_path", "class_path"), 1);
  assert.equal(editDistance("palcement", "placement"), 1);
});

test("closest finds typos, other spellings and prefixes, and nothing for different words", () => {
  const instanceKeys = ["class_path", "kwargs", "placement"];
  assert.equal(closest("clas_path", instanceKeys), "class_path");
  assert.equal(closest("classPath", instanceKeys), "class_path");
  assert.equal(closest("class-path", instanceKeys), "class_path");
  assert.equal(closest("kwarg", instanceKeys), "kwargs");
  assert.equal(closest("palcement", instanceKeys), "placement");
  assert.equal(closest("ether_subscribe", ["ether_sub", "ether_pub"]), "ether_sub");
  assert.equal(closest("restart", instanceKeys), undefined);
  assert.equal(closest("x", instanceKeys), undefined);
  assert.equal(didYouMean("thred", ["thread", "process", "main"]), ' (did you mean "thread"?)');
  assert.equal(didYouMean("gpu", ["thread", "process", "main"]), "");
});

test("key paths read like the YAML: dots for words, brackets for other keys", () => {
  assert.equal(formatKeyPath([]), "(top level)");
  assert.equal(formatKeyPath(["instances", "processor2x", "placement"]), "instances.processor2x.placement");
  assert.equal(formatKeyPath(["registry", "third_party.module.Class", "methods", "run"]), 'registry["third_party.module.Class"].methods.run');
  assert.equal(formatKeyPath(["topics", "ether/log", "capacity"]), 'topics["ether/log"].capacity');
  assert.equal(formatKeyPath(["topics", "drop-oldest"]), "topics.drop-oldest");
  assert.equal(formatKeyPath(["list", 0, "x"]), "list[0].x");
});
