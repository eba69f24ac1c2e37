// The launcher itself: SIGINT under full load stops cleanly (exit 0, every cleanup once, in reverse
// order, /dev/shm clean); kill -9 of the launcher leaves no process of the session alive, and the next
// start reaps its segments.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SharedSpace } from "../../src/transport/index.js";
import { listSegments, sessionPrefix } from "../../src/native/platform.js";
import { distPath, projectRoot } from "../helpers/paths.js";

const CLI = distPath("src/cli/main.js");
const CONFIG = join(projectRoot, "test/faults/fixtures/loaded.yaml");
const launched = new Set<ChildProcess>();
const scratch = mkdtempSync(join(tmpdir(), "ether-faults-"));

after(() => {
  for (const child of launched) child.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

interface Launch {
  readonly child: ChildProcess;
  readonly sessionId: string;
  readonly output: () => string;
}

/** Starts `ether run` on the loaded config and resolves once the session has started. */
async function launch(journal: string, config = CONFIG): Promise<Launch> {
  const child = spawn(process.execPath, [CLI, "run", config], {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ETHER_TEST_JOURNAL: journal },
  });
  launched.add(child);
  child.once("exit", () => launched.delete(child));
  let text = "";
  child.stdout!.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (text += d.toString()));
  const deadline = performance.now() + 60_000;
  while (!text.includes("Ether system started successfully")) {
    if (child.exitCode !== null || performance.now() > deadline) assert.fail(`the session did not start:\n${text}`);
    await sleep(10);
  }
  const sessionId = /Starting Ether session: ([0-9a-f-]+)\.\.\./.exec(text)![1]!;
  return { child, sessionId, output: () => text };
}

/** Process ids whose parent is `ppid`. */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === ppid) out.push(Number(entry));
    } catch {
      // it ended meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("SIGINT under full load: exit 0, every cleanup once and in reverse order, /dev/shm clean", { timeout: 120_000 }, async () => {
  const journal = join(scratch, "sigint.journal");
  const run = await launch(journal);
  await sleep(500); // the counter floods the block topic meanwhile
  const exited = once(run.child, "exit");
  run.child.kill("SIGINT");
  const [code] = await exited;
  assert.equal(code, 0, run.output());
  assert.match(run.output(), /Ether system shutdown complete/);
  const lines = readFileSync(journal, "utf8").trim().split("\n");
  assert.deepEqual(lines.filter((l) => l.startsWith("initialize")).sort(), ["initialize far", "initialize near"]);
  assert.deepEqual(lines.filter((l) => l.startsWith("cleanup")), ["cleanup far", "cleanup near"], "once each, in reverse order of the config");
  assert.deepEqual(listSegments(sessionPrefix(run.sessionId)), []);
});

test("kill -9 of the launcher: no process of the session survives, and the next start reaps its segments", { timeout: 120_000 }, async () => {
  const run = await launch(join(scratch, "kill.journal"));
  const pid = run.child.pid!;
  const hosts = childrenOf(pid);
  assert.equal(hosts.length, 2, "the two process-placed instances run in child processes");
  assert.notDeepEqual(listSegments(sessionPrefix(run.sessionId)), []);
  const exited = once(run.child, "exit");
  run.child.kill("SIGKILL");
  await exited;
  for (let i = 0; i < 2000 && hosts.some(alive); i++) await sleep(5); // hang guard, not a threshold
  assert.deepEqual(hosts.filter(alive), [], "the children died with the launcher (parent-death signal)");
  const next = SharedSpace.create({ transport: "shm" });
  try {
    assert.deepEqual(listSegments(sessionPrefix(run.sessionId)), [], "the next start reaped the dead session's segments");
  } finally {
    next.close();
  }
});

test("a second SIGINT exits at once (130) while a graceful shutdown waits; the children go with it", { timeout: 120_000 }, async () => {
  const run = await launch(join(scratch, "slow.journal"), join(projectRoot, "test/faults/fixtures/slow-cleanup.yaml"));
  const hosts = childrenOf(run.child.pid!);
  const exited = once(run.child, "exit");
  run.child.kill("SIGINT");
  for (let i = 0; i < 2000 && !run.output().includes("Shutting down Ether session"); i++) await sleep(5);
  assert.match(run.output(), /Shutting down Ether session/);
  run.child.kill("SIGINT");
  const [code] = await exited;
  assert.equal(code, 130, run.output());
  assert.match(run.output(), /second SIGINT: exiting without cleanup/);
  assert.doesNotMatch(run.output(), /Ether system shutdown complete/);
  for (let i = 0; i < 2000 && hosts.some(alive); i++) await sleep(5); // hang guard, not a threshold
  assert.deepEqual(hosts.filter(alive), [], "the process host died with the launcher");
  SharedSpace.create({ transport: "shm" }).close(); // reaps what the forced exit left behind
  assert.deepEqual(listSegments(sessionPrefix(run.sessionId)), []);
});
