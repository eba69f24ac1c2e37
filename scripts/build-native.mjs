// Builds the native addon with node-gyp against the installed Node's own headers (no download).
// A failed build is not fatal: Ether then runs threads-only and `ether doctor` explains why.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

if (!existsSync("native/binding.gyp")) process.exit(0);

const prefix = dirname(dirname(process.execPath));
const args = ["rebuild", "--directory=native"];
if (existsSync(join(prefix, "include", "node", "node.h"))) args.push(`--nodedir=${prefix}`);

const require = createRequire(import.meta.url);
let gyp;
try {
  gyp = require.resolve("node-gyp/bin/node-gyp.js");
} catch {
  console.warn("etherflow: node-gyp is not installed; the native addon was not built (threads-only).");
  process.exit(0);
}
const result = spawnSync(process.execPath, [gyp, ...args], { stdio: "inherit" });
if (result.status !== 0) {
  console.warn("etherflow: the native addon failed to build; Ether will run on worker threads only. Run `ether doctor`.");
}
