// Runs the IMU session until the monitor has every sample (or a timeout), then shuts down.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ether } from "etherflow";

const TIMEOUT_MS = 30_000;

// The YAML sits beside the sources; this file may run from dist/examples/typed_imu.
function configPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "typed_imu", "imu.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "imu.yaml"))) return join(dir, "imu.yaml");
    if (dirname(dir) === dir) throw new Error("imu.yaml not found");
  }
}

await ether.tap({ config: configPath() });
const done = ether.engine!.subscribe("monitor/done");
await ether.start();
const started = performance.now();
let finished = false;
while (!finished && performance.now() - started < TIMEOUT_MS) {
  finished = done.poll(() => {}) > 0;
  if (!finished) await new Promise((resolve) => setTimeout(resolve, 10));
}
const seconds = (performance.now() - started) / 1000;
const report = await ether.shutdown();
const imu = report.topics.find((t) => t.name === "imu");
if (finished) console.log(`Typed IMU: ${imu?.published} samples as imu.Sample tables in ${seconds.toFixed(1)} s`);
else console.error(`The monitor did not get every sample within ${TIMEOUT_MS / 1000} s`);
process.exitCode = finished && !report.failed ? 0 : 1;
