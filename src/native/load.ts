/**
 * Loads the native addon once per thread and says why when it cannot. Never throws: without the addon
 * Ether runs every instance on worker threads, and `warnThreadsOnly()` says so once.
 *
 * Set `ETHER_NATIVE=0` (or `off`) to act as if the addon were missing (to test the threads-only path).
 *
 * @example
 *   const native = loadNative();
 *   if (native === null) warnThreadsOnly();
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { errors } from "../errors.js";
import { NATIVE_EXPORTS, type NativeAddon } from "./binding.js";

/** Where the addon lives, relative to the package root. */
export const NATIVE_ADDON_PATH = join("native", "build", "Release", "ether_native.node");

/** What `ether doctor` reports about the addon. */
export interface NativeStatus {
  /** True when the addon loaded. */
  available: boolean;
  /** Why it is not available (absent when available). */
  reason?: string;
  /** The file that was (or would have been) loaded. */
  path?: string;
}

let loaded: { addon: NativeAddon | null; status: NativeStatus } | undefined;
let warned = false;

/**
 * The folder holding etherflow's package.json, found by walking up from this file (it runs as
 * dist/src/native/load.js in the package, but the walk does not depend on that depth).
 *
 * @example
 *   packageRoot(); // "/home/me/project/node_modules/etherflow"
 */
export function packageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let firstWithPackageJson: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      firstWithPackageJson ??= dir;
      try {
        if ((JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === "etherflow") return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking
      }
    }
    if (dirname(dir) === dir) return firstWithPackageJson;
  }
}

function attempt(): { addon: NativeAddon | null; status: NativeStatus } {
  const switchValue = process.env["ETHER_NATIVE"]?.toLowerCase();
  if (switchValue === "0" || switchValue === "off" || switchValue === "false") {
    return { addon: null, status: { available: false, reason: `disabled by ETHER_NATIVE=${process.env["ETHER_NATIVE"]}` } };
  }
  const root = packageRoot();
  if (root === undefined) {
    return { addon: null, status: { available: false, reason: "cannot find etherflow's package.json above " + import.meta.url } };
  }
  const path = join(root, NATIVE_ADDON_PATH);
  if (!existsSync(path)) {
    return {
      addon: null,
      status: {
        available: false,
        path,
        reason: `${path} does not exist: the addon was not built (needs node-gyp, a C++17 compiler and ` +
          `Node's headers; run \`npm rebuild etherflow\` and read its output)`,
      },
    };
  }
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const hint = /NODE_MODULE_VERSION|different Node\.js version/.test(message)
      ? " (built for another Node version: run `npm rebuild etherflow`)"
      : "";
    return { addon: null, status: { available: false, path, reason: `loading ${path} failed: ${message}${hint}` } };
  }
  const missing = NATIVE_EXPORTS.filter((name) => typeof addon[name] !== "function");
  if (missing.length > 0) {
    return {
      addon: null,
      status: { available: false, path, reason: `${path} lacks ${missing.join(", ")} (stale build: run \`npm rebuild etherflow\`)` },
    };
  }
  return { addon, status: { available: true, path } };
}

/**
 * The addon, or null when it cannot be loaded. Loads once per thread (each worker loads its own
 * instance; the addon keeps per-instance state). Never throws.
 *
 * @example
 *   const native = loadNative();
 *   const sab = native ? native.shmCreate(name, size) : new SharedArrayBuffer(size);
 */
export function loadNative(): NativeAddon | null {
  loaded ??= attempt();
  return loaded.addon;
}

/**
 * Whether the addon is available, where it was looked for, and why not. For `ether doctor`.
 *
 * @example
 *   const { available, reason } = nativeStatus();
 *   if (!available) console.log(`native addon: unavailable (${reason})`);
 */
export function nativeStatus(): NativeStatus {
  loaded ??= attempt();
  return { ...loaded.status };
}

/**
 * The addon, or an `ERR_ETHER_NATIVE_UNAVAILABLE` error saying why, for code that cannot work
 * without it (process placement, cross-process waits).
 *
 * @example
 *   const native = requireNative();
 */
export function requireNative(): NativeAddon {
  const addon = loadNative();
  if (addon === null) throw errors.nativeUnavailable(loaded?.status.reason ?? "unknown reason");
  return addon;
}

/**
 * Warns once per thread, through `process.emitWarning`, that process placement needs the addon and
 * that Ether runs on worker threads only. Does nothing when the addon is available. Returns true if
 * it warned now.
 *
 * @example
 *   if (loadNative() === null) warnThreadsOnly();
 */
export function warnThreadsOnly(): boolean {
  const status = nativeStatus();
  if (status.available || warned) return false;
  warned = true;
  process.emitWarning(
    `process placement needs the native addon, which is not available: ${status.reason}. ` +
      "Ether runs every instance on worker threads. Run `ether doctor` for details.",
    { type: "EtherWarning", code: "ERR_ETHER_NATIVE_UNAVAILABLE" },
  );
  return true;
}
