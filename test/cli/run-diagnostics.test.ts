// What `ether run` tells about a config's mistakes. A session whose instance cannot be constructed:
// the start fails with one clear error naming the instance and its constructor, nothing crashes, the
// other hosts are stopped without being reported as crashes, the exit code is 1 and /dev/shm keeps
// nothing of the session. A topic set up that no instance uses, kwargs for a constructor written for
// named arguments, and a handler written for them: a warning with its place.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { distPath, projectRoot } from "../helpers/paths.js";
import { join } from "node:path";
import { listSegments, sessionPrefix } from "../../src/native/platform.js";

const CLI = distPath("src/cli/main.js");

for (const placement of ["thread", "process"]) {
  test(`a constructor that throws on a ${placement} host fails the start clearly`, { timeout: 60_000 }, () => {
    const config = join(projectRoot, `test/runtime/fixtures/unplugged-${placement}.yaml`);
    const r = spawnSync(process.execPath, [CLI, "run", config, "--duration", "5s"], { encoding: "utf8", timeout: 50_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(out, /instance "sensor": new Unplugged\(kwargs\) threw: no device on \/dev\/ttyUSB9/);
    assert.doesNotMatch(out, /exited unexpectedly|runs on|killing|EPIPE|Error: write/, "a failed start is not reported as crashes");
    assert.doesNotMatch(out, /Ether system started successfully/);
    // Only this session's segments: other test files run sessions at the same time.
    const session = /Starting Ether session: ([0-9a-f-]+)/.exec(out)?.[1];
    assert.ok(session !== undefined, out);
    assert.deepEqual(listSegments(sessionPrefix(session)), [], "nothing left in /dev/shm");
  });
}

/** Runs a fixture config that starts and stops cleanly; returns everything it printed. */
function runCleanly(fixture: string, duration: string): string {
  const config = join(projectRoot, "test/runtime/fixtures", fixture);
  const r = spawnSync(process.execPath, [CLI, "run", config, "--duration", duration], { encoding: "utf8", timeout: 50_000 });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 0, out);
  return out;
}

test("a topic under topics: that no instance uses is warned about, with its place and a suggestion", { timeout: 60_000 }, () => {
  const out = runCleanly("unused-topic.yaml", "200ms");
  assert.match(out, /WARN - .*unused-topic\.yaml:7:3: topics\.number: no instance publishes or subscribes to "number" \(did you mean "numbers"\?\)/);
});

test("kwargs for a constructor that takes them by name are warned about, with their place and the fix", { timeout: 60_000 }, () => {
  const out = runCleanly("named-args.yaml", "200ms");
  assert.match(
    out,
    /WARN - .*named-args\.yaml:6:5: instances\.named\.kwargs: Ether passes kwargs to the constructor as one object, new NamedArgsSource\(\{ count: 2 \}\), but NamedArgsSource's constructor takes "count" as its first parameter.*constructor\(\{ count \} = \{\}\)/,
  );
  assert.equal(out.match(/kwargs to the constructor/g)?.length, 1, "Source, which takes one object, is not warned about");
});

test("a handler whose parameter is named like a field of its messages is warned about once, with the fix", { timeout: 60_000 }, () => {
  const out = runCleanly("named-fields.yaml", "300ms");
  assert.match(
    out,
    /WARN - \[named, take, topic "readings"\] take's first parameter is named "value", like a field of its messages, but a handler gets the whole message as one object \(\{ value \}\); take the fields by name, take\(\{ value \}\)/,
  );
  assert.equal(out.match(/first parameter is named/g)?.length, 1, "once, and not for the handler that takes the whole message");
});

test("a main-thread instance's timer that outlives the session does not keep ether run from exiting", { timeout: 60_000 }, () => {
  const config = join(projectRoot, "test/runtime/fixtures/leaky-main.yaml");
  const r = spawnSync(process.execPath, [CLI, "run", config, "--duration", "200ms"], { encoding: "utf8", timeout: 30_000 });
  const out = r.stdout + r.stderr;
  assert.equal(r.signal, null, `it exited by itself: ${out}`);
  assert.equal(r.status, 0, out);
  assert.match(out, /Ether system shutdown complete/);
  assert.match(out, /WARN - the session ended, but something on the main thread still keeps Node running .*; exiting with code 0/);
});
