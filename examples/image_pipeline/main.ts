// Runs the image pipeline until the monitor has seen every frame (or a timeout), then shuts down.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ether } from "etherflow";

const TIMEOUT_MS = 30_000;

// The YAML sits beside the sources; this file may run from dist/examples/image_pipeline.
function configPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "image_pipeline", "pipeline.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "pipeline.yaml"))) return join(dir, "pipeline.yaml");
    if (dirname(dir) === dir) throw new Error("pipeline.yaml not found");
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
const frames = report.topics.find((t) => t.name === "camera/frames");
if (finished) console.log(`Image pipeline: ${frames?.published} frames through both stages in ${seconds.toFixed(1)} s`);
else console.error(`The monitor did not see every frame within ${TIMEOUT_MS / 1000} s`);
process.exitCode = finished && !report.failed ? 0 : 1;
