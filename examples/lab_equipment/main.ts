// Runs the lab experiment until the controller's safety shutdown (or a timeout), then shuts down.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ether } from "etherflow";

const TIMEOUT_MS = 15_000;

// The YAML sits beside the sources; this file may run from dist/examples/lab_equipment.
function configPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "lab_equipment", "experiment.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "experiment.yaml"))) return join(dir, "experiment.yaml");
    if (dirname(dir) === dir) throw new Error("experiment.yaml not found");
  }
}

/** Waits until something was published on `topic`, or `timeoutMs` passed; returns whether it was. */
async function firstMessage(topic: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (ether.engine!.stats(topic).published === 0) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

await ether.tap({ config: configPath() });
await ether.start();
const tripped = await firstMessage("safety/shutdown", TIMEOUT_MS);
const readings = ether.engine!.stats("lab/temperature").published;
const report = await ether.shutdown(); // drains first: the sensor gets the shutdown command
if (tripped) console.log(`Experiment stopped by the safety interlock after ${readings} readings`);
else console.error(`No safety shutdown within ${TIMEOUT_MS / 1000} s: is the heater on?`);
process.exitCode = tripped && !report.failed ? 0 : 1;
