// Builds the native addon (native/ → native/build/Release/ether_native.node) with node-gyp against
// the installed Node's own headers, so nothing is downloaded. Runs as the package's "install" script.
// A failed build is not fatal: Ether then runs threads-only and `ether doctor` explains why.
//
// node-gyp: npm's bundled one when run by npm (npm_config_node_gyp), else the local devDependency.
// Headers: --nodedir=<prefix of this node> when <prefix>/include/node/node.h exists (Debian, nvm, the
// official tarballs); otherwise node-gyp looks in its own cache and may try to download.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, "native");
if (!existsSync(join(nativeDir, "binding.gyp"))) process.exit(0);

function warn(message) {
  console.warn(`etherflow: ${message}`);
}

function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    return createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return undefined;
  }
}

const gyp = findNodeGyp();
if (gyp === undefined) {
  warn("node-gyp is not installed; the native addon was not built (threads-only). Run `ether doctor`.");
  process.exit(0);
}

const args = [gyp, "rebuild", `--directory=${nativeDir}`];
const prefix = dirname(dirname(process.execPath));
if (existsSync(join(prefix, "include", "node", "node.h"))) {
  args.push(`--nodedir=${prefix}`);
} else {
  warn(`no Node headers under ${join(prefix, "include", "node")}; node-gyp may try to download them.`);
}

const result = spawnSync(process.execPath, args, { stdio: "inherit", cwd: root });
if (result.error || result.status !== 0) {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status ?? result.signal}`;
  warn(`the native addon failed to build (${why}); Ether will run on worker threads only. Run \`ether doctor\`.`);
}
process.exit(0);
