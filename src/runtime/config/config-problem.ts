/**
 * ConfigProblem: what a config helper throws when it knows what is wrong but not where; the caller
 * (load.ts) adds the place. Its own module, so that hosts, which resolve classes, do not load the
 * YAML and schema modules that issues.ts needs.
 *
 * @example
 *   throw new ConfigProblem(`package "${name}" does not export "${subpath}"`);
 */

/** Thrown by helpers that know what is wrong but not where; the caller adds the place. */
export class ConfigProblem extends Error {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = "ConfigProblem";
  }
}
