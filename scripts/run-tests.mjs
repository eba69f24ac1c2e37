// Runs every compiled test file under dist/test with node:test, one file at a time, each in its own
// process group under a watchdog: a test that blocks its main thread (a futex wait that is never
// woken, say) cannot fire node:test's own timeout, so the whole group is killed after the limit and
// the file counts as failed. Node 20 does not expand globs in `node --test`, so files are listed here.
//
//   node scripts/run-tests.mjs [file.test.js …]     (default: every dist/test/**/*.test.js)
//   ETHER_TEST_FILE_TIMEOUT_MS=300000               (per file; default 5 minutes)
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";

const FILE_TIMEOUT_MS = Number(process.env.ETHER_TEST_FILE_TIMEOUT_MS ?? 300_000);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures") out.push(...collect(path));
    } else if (name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-concurrency=1", file], {
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    let pass = 0;
    let fail = 0;
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) {
        const m = /^# (pass|fail) (\d+)$/.exec(line);
        if (m) m[1] === "pass" ? (pass = Number(m[2])) : (fail = Number(m[2]));
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, FILE_TIMEOUT_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ file, pass, fail, code, timedOut });
    });
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : collect("dist/test");
const results = [];
for (const file of files) results.push(await runFile(file));

const passed = results.reduce((a, r) => a + r.pass, 0);
const failedTests = results.reduce((a, r) => a + r.fail, 0);
const broken = results.filter((r) => r.timedOut || (r.code !== 0 && r.fail === 0));
for (const r of broken) {
  console.log(`# ${r.file}: ${r.timedOut ? `killed after ${FILE_TIMEOUT_MS} ms (hung)` : `exited with code ${r.code}`}`);
}
const failed = failedTests + broken.length;
console.log(`\n${files.length} test files: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && results.every((r) => r.code === 0) ? 0 : 1);
