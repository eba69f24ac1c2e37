// Mistakes of a script that starts a session, run as the user would run them (node <script>): each
// fails with a clear error instead of hanging, or ending with "unsettled top-level await". And a
// mistake in a user's .ts component is reported at its line in the .ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../../src/runtime/config/index.js";
import { distPath } from "../helpers/paths.js";

function runScript(name: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [distPath(`test/runtime/fixtures/scripts/${name}`), ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test("a script that names itself in the config it awaits at its top level fails clearly", { timeout: 90_000 }, () => {
  const { status, out } = runScript("waits-for-itself.js");
  assert.equal(status, 1, out);
  assert.match(out, /ERR_ETHER_CONFIG/);
  assert.match(out, /instances\.ticker\.class_path: .*waits-for-itself\.js is the script being run/);
  assert.match(out, /Move the component classes into their own module/);
});

for (const placement of ["thread", "process"]) {
  test(`a component module that also starts a session: its ${placement} host's ether.tap() fails clearly, the session runs on`, { timeout: 90_000 }, () => {
    const { status, out } = runScript("starts-in-its-hosts.js", placement);
    assert.equal(status, 0, out);
    assert.match(out, /tap failed: ERR_ETHER_SESSION_IN_HOST/, "the host's import of the module ran its main() and was refused");
    assert.match(out, /session done: failed=false/, "the script's own session ran and shut down cleanly");
  });
}

for (const placement of ["thread", "process"]) {
  test(`a component module that starts its session under if (!ether.inHost): its ${placement} host imports it without starting another`, { timeout: 90_000 }, () => {
    const { status, out } = runScript("guarded-by-in-host.js", placement);
    assert.equal(status, 0, out);
    assert.match(out, /in host: false; messages: 3; session done: failed=false/);
    assert.doesNotMatch(out, /ERR_ETHER_SESSION_IN_HOST|failed:/);
  });
}

test("a decorator mistake in a .ts component names the line in the .ts, not in the code tsx made of it", { timeout: 60_000 }, async () => {
  // A project of the user's kind: an ESM package without a tsconfig.json, so that tsx puts its
  // decorator helpers on the first line of what it runs (where the mistake was reported, at 1:3464).
  const dir = mkdtempSync(join(tmpdir(), "ether-ts-site-"));
  try {
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const ether = pathToFileURL(distPath("src/index.js")).href;
    writeFileSync(join(dir, "sensor.ts"), `import { every, pub } from "${ether}";\nexport class Sensor {\n  @every("fast") @pub("x") tick() { return {}; }\n}\n`);
    await assert.rejects(loadConfig({ instances: { a: { class_path: `${join(dir, "sensor.ts")}#Sensor` } } }), (e: Error & { code?: string }) => {
      assert.equal(e.code, "ERR_ETHER_CONFIG");
      assert.match(e.message, /@every\("fast"\) on method tick \(class at .*sensor\.ts:3:\d+\)/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
