// Runs third-party classes (no decorators) in an Ether session wired by the YAML `registry:` section,
// then uses the same classes as plain classes.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ether } from "etherflow";
import { Reporter, SignalFilter } from "./third_party/analytics.js";

const SAMPLES = 10;

// The YAML sits beside the sources; this file may run from dist/examples/external_class_integration.
function configPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "external_class_integration", "pipeline.yaml");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "pipeline.yaml"))) return join(dir, "pipeline.yaml");
    if (dirname(dir) === dir) throw new Error("pipeline.yaml not found");
  }
}

/** Waits until subscribers of `topic` have handled `count` messages, or `timeoutMs` passed; returns whether they have. */
async function delivered(topic: string, count: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (ether.engine!.stats(topic).delivered < count) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

await ether.tap({ config: configPath() });
await ether.start();
const complete = await delivered("signal/smoothed", SAMPLES, 10_000);
const report = await ether.shutdown();
if (!complete) console.error(`only part of the ${SAMPLES} samples came through in time`);

console.log("\nThe same third-party classes without Ether:");
const filter = new SignalFilter({ alpha: 0.5 });
const reporter = new Reporter({ prefix: "plain Reporter" });
[0, 10, 10].forEach((value, index) => reporter.report(filter.process_data({ index, value })));
console.log(`plain Reporter printed ${reporter.count} samples (nothing was published)`);
process.exitCode = complete && !report.failed ? 0 : 1;
