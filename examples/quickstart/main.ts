// Quickstart (`npm start`): run the dual-processor pipeline under Ether, then use the same classes
// without Ether (decorated methods are plain methods outside a session).
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { ether } from "etherflow";
import { DataCollector, DataProcessor } from "./processors.js";

// The YAML sits beside the sources; this file may run from dist/examples/quickstart.
function configPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "examples", "quickstart", "dual_processors.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "dual_processors.yaml"))) return join(dir, "dual_processors.yaml");
    const up = dirname(dir);
    if (up === dir) throw new Error("dual_processors.yaml not found");
    dir = up;
  }
}

await ether.tap({ config: configPath() });
await ether.start();
await new Promise((resolve) => setTimeout(resolve, 500));
const report = await ether.shutdown();

console.log("\nThe same classes without Ether:");
const processor = new DataProcessor({ multiplier: 3 });
const out = processor.processData({ data: 7 });
console.log(`processData({ data: 7 }) returned ${JSON.stringify(out)} (nothing was published)`);
const collector = new DataCollector({ expected: 1 });
collector.collectResult(out);
collector.summarize();
process.exitCode = report.failed ? 1 : 0;
