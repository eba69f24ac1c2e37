// Without the native addon Ether runs on worker threads and says so once; a process placement is
// refused before anything starts, naming the instance.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { distPath, projectRoot } from "../helpers/paths.js";

const CLI = distPath("src/cli/main.js");
const env = { ...process.env, ETHER_NATIVE: "0" };

test("threads-only: a thread session runs and warns exactly once that processes need the addon", { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, [CLI, "run", "examples/quickstart/dual_processors.yaml", "--duration", "300ms"], {
    cwd: projectRoot,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.match(/process placement needs the native addon/g)?.length, 1);
  assert.match(r.stdout, /Ether system shutdown complete/);
});

test("threads-only: placement process is refused before anything starts, naming the instance", { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, [CLI, "run", "test/runtime/fixtures/process-placement.yaml", "--duration", "300ms"], {
    cwd: projectRoot,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /instance "doubler" has placement: process/);
  assert.doesNotMatch(r.stdout, /Starting Ether session/);
});
