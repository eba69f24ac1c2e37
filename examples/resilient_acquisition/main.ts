// Runs the acquisition until the sink has every sample (or a timeout), then shuts down and prints
// what the supervisor did.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ether } from "etherflow";

const SAMPLES = 500;
const TIMEOUT_MS = 60_000;

// The YAML sits beside the sources; this file may run from dist/examples/resilient_acquisition.
function configPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "resilient_acquisition", "acquisition.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "acquisition.yaml"))) return join(dir, "acquisition.yaml");
    if (dirname(dir) === dir) throw new Error("acquisition.yaml not found");
  }
}

/** Waits until `count` distinct results were delivered to the sink, or the timeout. */
async function allCalibrated(): Promise<boolean> {
  const until = Date.now() + TIMEOUT_MS;
  // Each crash delivers its in-flight sample twice, so count deliveries beyond the samples by restarts.
  while (ether.engine!.stats("daq/calibrated").delivered < SAMPLES + restarts()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function restarts(): number {
  return ether.status().find((s) => s.instance === "driver")?.restarts ?? 0;
}

await ether.tap({ config: configPath() });
await ether.start();
const complete = await allCalibrated();
const driver = ether.status().find((s) => s.instance === "driver")!;
const report = await ether.shutdown();
console.log(`The driver crashed and was restarted ${driver.restarts} times; the session ran on.`);
if (!complete) console.error(`not every sample arrived within ${TIMEOUT_MS} ms`);
// The crashes are the demonstration: the run succeeds when no sample was lost.
process.exitCode = complete && report.handlerErrors === 0 ? 0 : 1;
