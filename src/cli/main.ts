#!/usr/bin/env node
/**
 * The `ether` command. Subcommands arrive with the capabilities they drive; today: `doctor`.
 *
 * @example
 *   $ ether doctor
 */
import { doctor } from "./commands/doctor.js";

const USAGE = `usage: ether <command>

commands:
  doctor    report what this machine offers Ether (threads, native addon, /dev/shm) and why not`;

/** Runs the command line; returns the exit code. */
export function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "doctor" && rest.length === 0) return doctor();
  console.error(`ether: unknown command or arguments: ${argv.join(" ")}\n\n${USAGE}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
