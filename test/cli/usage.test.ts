// What the ether command says about its own usage: help asked for is printed with exit code 0;
// a missing or unknown argument is named, with the usage line, and exit code 2.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { distPath } from "../helpers/paths.js";

const CLI = distPath("src/cli/main.js");

function ether(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
}

test("--help of the command and of each subcommand prints its usage on stdout, exit code 0", { timeout: 60_000 }, () => {
  const top = ether("--help");
  assert.equal(top.status, 0);
  assert.match(top.stdout, /^usage: ether <command>/);
  assert.match(top.stdout, /run <config\.yaml> \[--duration 5s\]/);
  const run = ether("run", "--help");
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^usage: ether run <config\.yaml> \[--duration 5s\]\n/);
  assert.match(run.stdout, /Exit code 0/);
  const doctor = ether("doctor", "-h");
  assert.equal(doctor.status, 0, doctor.stderr);
  assert.match(doctor.stdout, /^usage: ether doctor\n/);
  assert.match(ether("--version").stdout, /^etherflow \d+\.\d+\.\d+ \(node v\d+/);
});

test("missing and unknown arguments are named, with the usage line, exit code 2", { timeout: 60_000 }, () => {
  const none = ether("run");
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^usage: ether run <config\.yaml>/);
  const extra = ether("run", "a.yaml", "--bogus");
  assert.equal(extra.status, 2);
  assert.match(extra.stderr, /^ether run: unexpected argument "--bogus"\nusage: ether run <config\.yaml> \[--duration 5s\]\n$/);
  const duration = ether("run", "a.yaml", "--duration", "soon");
  assert.equal(duration.status, 2);
  assert.match(duration.stderr, /^ether run: --duration soon: /);
  const unknown = ether("start");
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^ether: unknown command or arguments: start\n/);
});
