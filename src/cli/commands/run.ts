/**
 * `ether run <config.yaml> [--duration 5s]`: runs a session until the duration passes or SIGINT /
 * SIGTERM arrives (graceful: drain, stop, clean up); a second SIGINT exits at once. The exit code is
 * 0 when everything stopped cleanly, 1 when a host failed or a handler threw, 2 for bad usage. Once
 * the session has ended the command exits, even if something of a main-thread instance (a timer,
 * a socket) would keep Node running.
 *
 * @example
 *   $ ether run examples/quickstart/dual_processors.yaml --duration 2s
 */
import { EtherError } from "../../errors.js";
import { sessionLine } from "../../log.js";
import { parseDuration } from "../../runtime/config/index.js";
import { Ether } from "../../runtime/session.js";

const USAGE = `usage: ether run <config.yaml> [--duration 5s]

Runs the session the YAML file describes until the duration passes or SIGINT/SIGTERM arrives, then
shuts it down cleanly (a second SIGINT exits at once). Exit code 0: everything stopped cleanly;
1: a host failed or a handler threw; 2: bad usage or a config error (file:line:col and key path).`;

/** How long the event loop may take to empty after the session ended before `ether run` exits anyway. */
const EXIT_GRACE_MS = 1000;

/** Runs the command; resolves with the exit code. */
export async function run(args: readonly string[]): Promise<number> {
  const code = await runSession(args);
  exitIfHeld(code);
  return code;
}

/**
 * The session is over: if, EXIT_GRACE_MS later, something on this thread still keeps Node running
 * (a main-thread instance's timer or socket that its cleanup() left open, or that of one left behind
 * because it did not stop), says so and exits with `code`. The timer itself holds nothing.
 */
function exitIfHeld(code: number): void {
  setTimeout(() => {
    sessionLine(
      "warn",
      `the session ended, but something on the main thread still keeps Node running (a timer or an open handle of a main-thread instance, left by its cleanup() or by an instance that did not stop); exiting with code ${code}`,
    );
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

async function runSession(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let config: string | undefined;
  let durationMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--duration") {
      const value = args[++i];
      const parsed = parseDuration(value ?? "");
      if (!parsed.ok) {
        console.error(`ether run: --duration ${value ?? "(missing)"}: ${parsed.problem}`);
        return 2;
      }
      durationMs = parsed.value;
    } else if (config === undefined && !arg.startsWith("-")) config = arg;
    else {
      console.error(`ether run: unexpected argument "${arg}"\n${USAGE.split("\n")[0]}`);
      return 2;
    }
  }
  if (config === undefined) {
    console.error(USAGE);
    return 2;
  }
  const ether = new Ether();
  try {
    await ether.tap({ config });
  } catch (error) {
    console.error(error instanceof EtherError ? error.message : String(error));
    return 2;
  }
  let interrupts = 0;
  let wake: () => void = () => {};
  const stop = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === "SIGINT" && ++interrupts > 1) {
      sessionLine("warn", "second SIGINT: exiting without cleanup");
      process.exit(130);
    }
    sessionLine("info", `${signal} received, shutting down`);
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await ether.start();
    const timer = durationMs === undefined ? undefined : setTimeout(wake, durationMs);
    const keepAlive = setInterval(() => {}, 1 << 30);
    await stop;
    clearTimeout(timer);
    clearInterval(keepAlive);
    const failedBefore = ether.status().filter((s) => s.failed);
    const report = await ether.shutdown();
    if (report.dropped + report.rejected > 0) {
      // The topics' policies allowed these losses (or a stopping host gave up on a reader that no
      // longer read); the hosts warned about each as it happened.
      sessionLine("warn", `messages lost: ${report.dropped} dropped (drop-oldest), ${report.rejected} not published (ring full); see the warnings above`);
    }
    if (report.failed) {
      const what = failedBefore.map((s) => `${s.instance} (${s.restarts} restart${s.restarts === 1 ? "" : "s"}${s.reason === undefined ? "" : `; last: ${s.reason}`})`);
      if (report.handlerErrors > 0) what.push(`${report.handlerErrors} handler error${report.handlerErrors === 1 ? "" : "s"}`);
      sessionLine("warn", `the session had failures: ${what.join(", ") || "a host did not stop and had to be killed or left behind"}; exit code 1`);
    }
    return report.failed ? 1 : 0;
  } catch (error) {
    console.error(error instanceof EtherError ? error.message : String(error));
    await ether.shutdown();
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
