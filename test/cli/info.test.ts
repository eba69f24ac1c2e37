// `ether info <config.yaml>`: what a config will run, printed without running it. The quickstart's
// config lists its instances with their placement, class, kwargs and decorated methods, and its topics
// with their rings (two lanes for the topic both processors publish), policies, publishers and
// subscribers; a config error is reported as `ether run` reports it, with exit code 2; nothing starts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { distPath, projectRoot } from "../helpers/paths.js";

const CLI = distPath("src/cli/main.js");

function ether(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 50_000 });
}

test("the quickstart's config: instances, topics, lanes, publishers and subscribers; no session starts", { timeout: 60_000 }, () => {
  const r = ether("info", join(projectRoot, "examples/quickstart/dual_processors.yaml"));
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /dual_processors\.yaml: 4 instances, 6 topics\n/);
  assert.match(out, /^ {2}processor2x \(thread\): DataProcessor from \.\/processors\.ts#DataProcessor kwargs \{"multiplier":2\}\n {4}@sub data -> processData; @pub processData -> result$/m);
  assert.match(out, /^ {2}generator \(thread\): DataGenerator .*\n {4}@start generate; @pub emit -> data$/m);
  assert.match(out, /^ {2}data: ring 1MiB, max frame \d+ bytes, block; publishers: generator; subscribers: processor2x, processor4x$/m);
  assert.match(out, /^ {2}result: 2 rings of 1MiB \(a lane per publishing host\), .*publishers: processor2x, processor4x; subscribers: collector$/m);
  assert.match(out, /^ {2}ether\/log: .*drop-oldest; publishers: Ether; subscribers: none$/m);
  assert.doesNotMatch(out + r.stderr, /Starting Ether session|Started /, "nothing runs");
});

test("an instance pinned with cpus shows its CPUs beside its placement", { timeout: 60_000 }, () => {
  const r = ether("info", join(projectRoot, "test/runtime/fixtures/pinned.yaml"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}reporter \(thread, cpus 0\): WhereAmI from .*pinned\.js#WhereAmI\n {4}@start go; @pub report -> whereabouts$/m);
});

test("a subscription with concurrency shows how many calls run at once", { timeout: 60_000 }, () => {
  const r = ether("info", join(projectRoot, "test/runtime/fixtures/concurrent.yaml"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {4}@sub numbers -> work \(4 at once\); @pub work -> done$/m);
});

test("a typed topic shows the table class it carries", { timeout: 60_000 }, () => {
  const r = ether("info", join(projectRoot, "examples/typed_imu/imu.yaml"));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^  imu: ring 1MiB, max frame 262112 bytes, block, \.\/generated\/imu\/sample\.ts#Sample tables; publishers: sensor; subscribers: monitor$/m);
});

test("a config error is reported with its place and exit code 2; a missing argument prints the usage", { timeout: 60_000 }, () => {
  const bad = ether("info", join(projectRoot, "test/runtime/config/fixtures/project/bad/unknown-instance-key.yaml"));
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown-instance-key\.yaml:3:5: instances\.processor\.clas_path: unknown key "clas_path"; did you mean "class_path"\?/);
  const none = ether("info");
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^usage: ether info <config\.yaml>/);
  const help = ether("info", "--help");
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: ether info <config\.yaml>\n/);
});
