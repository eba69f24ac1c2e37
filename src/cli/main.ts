#!/usr/bin/env node
/**
 * The `ether` command. Subcommands arrive with the capabilities they drive.
 *
 * @example
 *   $ ether run config.yaml --duration 5s
 *   $ ether info config.yaml
 *   $ ether doctor
 */
import { readFileSync } from "node:fs";
import { doctor } from "./commands/doctor.js";
import { info } from "./commands/info.js";
import { run } from "./commands/run.js";

const USAGE = `usage: ether <command>      (ether --version prints the version)

commands:
  run <config.yaml> [--duration 5s]   run a session until the duration passes or SIGINT/SIGTERM
  info <config.yaml>                  validate a config and print what it will run, without running it
  doctor                              report what this machine offers Ether (threads, native addon, /dev/shm) and why not`;

/** Runs the command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if ((command === "--version" || command === "-v" || command === "version") && rest.length === 0) {
    console.log(`etherflow ${version()} (node ${process.version})`);
    return 0;
  }
  if (command === "run") return run(rest);
  if (command === "info") return info(rest);
  if (command === "doctor" && (rest[0] === "--help" || rest[0] === "-h")) {
    console.log("usage: ether doctor\n\nReports what this machine offers Ether (worker threads, the native addon, /dev/shm, process topics) and why not.");
    return 0;
  }
  if (command === "doctor" && rest.length === 0) return doctor();
  console.error(`ether: unknown command or arguments: ${argv.join(" ")}\n\n${USAGE}`);
  return 2;
}

/** The version in the package's package.json (dist/src/cli/main.js is three folders below it). */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

process.exitCode = await main(process.argv.slice(2));
