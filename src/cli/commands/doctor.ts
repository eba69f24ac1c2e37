/**
 * `ether doctor`: what this machine offers Ether and why something is missing. Each check prints
 * one line (ok / warn / fail) with the reason and, for a failure, the fix. Exit code 1 when process
 * placement is unavailable.
 *
 * @example
 *   $ ether doctor
 *   ok    native addon    loaded from …/ether_native.node
 */
import { cpus } from "node:os";
import { statfsSync } from "node:fs";
import { nativeStatus } from "../../native/load.js";
import { SHM_DIR, getAffinity, listSegments, parseSegmentName } from "../../native/platform.js";
import { SharedSpace, Topic } from "../../transport/index.js";
import { fenceModeFor } from "../../transport/fence.js";
import { FENCE_FULL } from "../../transport/ring-layout.js";

/** One line of the report. */
export interface DoctorCheck {
  readonly level: "ok" | "warn" | "fail";
  readonly name: string;
  readonly detail: string;
}

function check(name: string, run: () => Omit<DoctorCheck, "name">): DoctorCheck {
  try {
    return { name, ...run() };
  } catch (error) {
    return { name, level: "fail", detail: (error as Error).message };
  }
}

/** Runs every check. */
export function runDoctor(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const major = Number(process.versions.node.split(".")[0]);
  checks.push({
    name: "node",
    level: major >= 20 ? "ok" : "fail",
    detail: `v${process.versions.node} on ${process.platform}/${process.arch}, ${cpus().length} cores${major >= 20 ? "" : "; Ether needs Node 20 or newer"}`,
  });
  checks.push(check("worker threads", () => {
    const space = SharedSpace.create({ transport: "threads" });
    const topic = Topic.attach(space.createTopic("doctor"));
    const sub = topic.subscriber({ wait: "spin" });
    topic.publisher().publish(new Uint8Array([42]));
    let seen = 0;
    sub.poll((f) => (seen = f.buffer[f.offset]!));
    space.close();
    return seen === 42 ? { level: "ok", detail: "a topic over SharedArrayBuffer works" } : { level: "fail", detail: "a published frame was not read back" };
  }));
  const native = nativeStatus();
  checks.push(
    native.available
      ? { name: "native addon", level: "ok", detail: `loaded from ${native.path}` }
      : {
          name: "native addon",
          level: "fail",
          detail:
            `${native.reason}. Process placement needs it; threads still work. ` +
            "Rebuild it with `npm rebuild etherflow` (needs python3, make, g++ and Node's headers).",
        },
  );
  if (process.platform === "linux") {
    checks.push(check("/dev/shm", () => {
      const fs = statfsSync(SHM_DIR);
      const free = (fs.bavail * fs.bsize) / 2 ** 30;
      return { level: free >= 0.25 ? "ok" : "warn", detail: `${free.toFixed(1)} GiB free${free >= 0.25 ? "" : ": topics between processes may not fit; enlarge the tmpfs"}` };
    }));
  }
  if (native.available) {
    checks.push(check("process topics", () => {
      const space = SharedSpace.create({ transport: "shm" });
      try {
        const topic = Topic.attach(space.createTopic("doctor"));
        const sub = topic.subscriber({ wait: "park" });
        topic.publisher().publish(new Uint8Array([7]));
        const ok = sub.wait(1000) && sub.poll(() => {}) === 1;
        return ok
          ? { level: "ok", detail: "shared-memory segments and futex wake work" }
          : { level: "fail", detail: "a frame published over shared memory was not delivered" };
      } finally {
        space.close();
      }
    }));
    checks.push(check("lone publishers", () => {
      const threads = fenceModeFor("threads") !== FENCE_FULL;
      const shm = fenceModeFor("shm") !== FENCE_FULL;
      if (threads && shm) return { level: "ok", detail: "a topic's only publisher commits without a locked instruction (membarrier fences parking readers)" };
      const why =
        process.arch !== "x64" ? `${process.arch} is not x86-64` : process.env["ETHER_FENCE"] === "full" ? "ETHER_FENCE=full" : "no expedited membarrier in this kernel";
      return { level: "warn", detail: `every commit is fenced (${why}): correct, but one-publisher topics run 15–50 % slower` };
    }));
    checks.push(check("cpu pinning", () => ({ level: "ok", detail: `instances may be pinned (cpus:) to CPUs ${getAffinity().join(", ")}` })));
    const leftovers = listSegments().filter((n) => parseSegmentName(n) !== null);
    checks.push({
      name: "leftover segments",
      level: leftovers.length === 0 ? "ok" : "warn",
      detail:
        leftovers.length === 0
          ? "none in /dev/shm"
          : `${leftovers.length} in /dev/shm (sessions running now, or dead ones reaped at the next start)`,
    });
  }
  return checks;
}

/** Prints the report; returns the exit code. */
export function doctor(): number {
  const checks = runDoctor();
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) console.log(`${c.level.padEnd(5)} ${c.name.padEnd(width)}  ${c.detail}`);
  return checks.some((c) => c.level === "fail") ? 1 : 0;
}
