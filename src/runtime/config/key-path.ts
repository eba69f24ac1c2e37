/**
 * Key paths name a place in a session config the way a user reads it: `instances.processor2x.placement`,
 * with brackets for keys that are not plain words, `registry["third_party.module.Class"].methods.run`,
 * `topics["ether/log"]`.
 *
 * @example
 *   formatKeyPath(["instances", "processor2x", "placement"]);   // "instances.processor2x.placement"
 *   formatKeyPath([]);                                          // "(top level)"
 */

/** A path of map keys (strings) and list indices (numbers) from the top of the config. */
export type KeyPath = readonly (string | number)[];

const WORD = /^[A-Za-z_$][\w$-]*$/;

/** Formats a key path for a message. */
export function formatKeyPath(path: KeyPath): string {
  if (path.length === 0) return "(top level)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (WORD.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
