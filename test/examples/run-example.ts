/**
 * Runs an example (or the CLI) as a child process and checks what every Ether run must print: the
 * session lines, no error lines, and no shared-memory segment of the session left in /dev/shm.
 * Timeouts here only guard against hangs; nothing is asserted about how long a run takes.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { projectRoot } from "../helpers/paths.js";

/** What a finished run printed and how it ended. */
export interface Run {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every line of stdout, in order. */
  readonly lines: readonly string[];
}

/** Hang guard per run: generous, never a performance claim. */
export const RUN_TIMEOUT_MS = 120_000;

const running = new Set<ChildProcess>();

/** Kills a run's whole process group (its process hosts too). */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Kills every run still going (for an `after` hook). */
export function killRuns(): void {
  for (const child of running) killGroup(child);
}

/**
 * Runs `node <args>` from the project root in its own process group. Rejects (after killing the
 * group) if it does not exit within `timeoutMs`.
 */
export function runNode(args: readonly string[], timeoutMs = RUN_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`node ${args.join(" ")} did not exit within ${timeoutMs} ms (killed)\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      // Whatever the outcome, leave no process host of this run behind.
      killGroup(child);
      resolve({ pid: child.pid!, code, signal, stdout, stderr, lines: stdout.split("\n").filter((l) => l !== "") });
    });
  });
}

/** The run's output, for assertion messages. */
export function transcript(run: Run): string {
  return `exit ${run.code ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** Lines of `run` matching `pattern`. */
export function matching(run: Run, pattern: RegExp): string[] {
  return run.lines.filter((l) => pattern.test(l));
}

/** Index of the only line matching `pattern` (asserts there is exactly one). */
export function onlyLine(run: Run, pattern: RegExp): number {
  const found = run.lines.flatMap((l, i) => (pattern.test(l) ? [i] : []));
  assert.equal(found.length, 1, `expected exactly one line matching ${pattern}, found ${found.length}\n${transcript(run)}`);
  return found[0]!;
}

const STAMP = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} - INFO - `;
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Where each session line is in the output. */
export interface SessionLines {
  readonly sessionId: string;
  readonly starting: number;
  readonly started: number;
  readonly shuttingDown: number;
  readonly complete: number;
}

/**
 * Asserts a clean run of one session: exit code 0, the four session lines once each and in order
 * with one session id, no ERROR line, and no /dev/shm segment of that session left.
 */
export function assertCleanSession(run: Run): SessionLines {
  assert.equal(run.signal, null, transcript(run));
  assert.equal(run.code, 0, transcript(run));
  assert.doesNotMatch(run.stdout + run.stderr, / - ERROR - /, transcript(run));
  const starting = onlyLine(run, new RegExp(`^${STAMP}Starting Ether session: ${UUID}\\.\\.\\.$`));
  const sessionId = new RegExp(UUID).exec(run.lines[starting]!)![0];
  const started = onlyLine(run, new RegExp(`^${STAMP}Ether system started successfully$`));
  const shuttingDown = onlyLine(run, new RegExp(`^${STAMP}Shutting down Ether session: ${UUID}\\.\\.\\.$`));
  assert.ok(run.lines[shuttingDown]!.includes(sessionId), `the session shut down is not the one started\n${transcript(run)}`);
  const complete = onlyLine(run, new RegExp(`^${STAMP}Ether system shutdown complete$`));
  assert.ok(starting < started && started < shuttingDown && shuttingDown < complete, `session lines out of order\n${transcript(run)}`);
  assert.deepEqual(leftoverSegments(sessionId), [], `segments of session ${sessionId} left in /dev/shm`);
  return { sessionId, starting, started, shuttingDown, complete };
}

/** `/dev/shm` entries of a session: `ether-<first 8 alphanumerics of its id>-…`. */
export function leftoverSegments(sessionId: string): string[] {
  if (!existsSync("/dev/shm")) return [];
  const prefix = `ether-${sessionId.replace(/[^A-Za-z0-9]/g, "").slice(0, 8)}-`;
  return readdirSync("/dev/shm").filter((name) => name.startsWith(prefix));
}
