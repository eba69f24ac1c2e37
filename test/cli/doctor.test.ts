// `ether doctor` reports what works and why not; its exit code says whether processes are possible.
// Also the command line's usage and --version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { distPath, projectRoot } from "../helpers/paths.js";

const CLI = distPath("src/cli/main.js");

function ether(args: string[], env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test("doctor with the addon: every check ok, exit 0", { timeout: 30_000 }, () => {
  const { code, out } = ether(["doctor"]);
  assert.equal(code, 0, out);
  assert.match(out, /^ok\s+native addon\s+loaded from .*ether_native\.node$/m);
  assert.match(out, /^ok\s+process topics\s+shared-memory segments and futex wake work$/m);
  assert.match(out, /^ok\s+lone publishers\s+a topic's only publisher commits without a locked instruction/m);
  assert.match(out, /^ok\s+cpu pinning\s+instances may be pinned \(cpus:\) to CPUs \d+(, \d+)*$/m);
});

test("doctor with ETHER_FENCE=full says every commit is fenced, and why", { timeout: 30_000 }, () => {
  const { code, out } = ether(["doctor"], { ETHER_FENCE: "full" });
  assert.equal(code, 0, out);
  assert.match(out, /^warn\s+lone publishers\s+every commit is fenced \(ETHER_FENCE=full\)/m);
});

test("doctor without the addon explains why and how to fix it, exit 1; shm sessions refuse clearly", { timeout: 30_000 }, () => {
  const { code, out } = ether(["doctor"], { ETHER_NATIVE: "0" });
  assert.equal(code, 1);
  assert.match(out, /^fail\s+native addon\s+disabled by ETHER_NATIVE=0\. Process placement needs it; threads still work\./m);
  assert.match(out, /^ok\s+worker threads/m);
  const script = `import("${distPath("src/transport/index.js")}").then((t) => { try { t.SharedSpace.create({ transport: "shm" }); } catch (e) { console.log(e.code + ": " + e.message); } })`;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ETHER_NATIVE: "0" }, encoding: "utf8" });
  assert.match(r.stdout, /ERR_ETHER_NATIVE_UNAVAILABLE: process placement needs the native addon.*ether doctor/);
});

test("an unknown command prints the usage and exits 2", () => {
  const { code, out } = ether(["frobnicate"]);
  assert.equal(code, 2);
  assert.match(out, /unknown command.*\n[\s\S]*usage: ether <command>/);
});

test("--version prints the package's version, --help the usage; both exit 0", () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string };
  const v = ether(["--version"]);
  assert.equal(v.code, 0, v.out);
  assert.equal(v.out.trim(), `etherflow ${pkg.version} (node ${process.version})`);
  const h = ether(["--help"]);
  assert.equal(h.code, 0, h.out);
  assert.match(h.out, /^usage: ether <command>/);
});
