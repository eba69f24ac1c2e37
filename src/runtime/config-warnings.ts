/**
 * Warnings about a config that loads but most likely does not say what its author meant, told when
 * the session is tapped, with the place in the file: a topic set up that no instance uses, and
 * kwargs for a constructor written for named arguments.
 *
 * @example
 *   warnUnusedTopics(config, usedTopics);
 *   warnPositionalKwargs(config, instance, await loadClass(instance.class));
 */
import { sessionLine } from "../log.js";
import type { InstanceConfig, SessionConfig } from "./config/index.js";
import { firstConstructorParameter } from "../component/parameter-names.js";
import { didYouMean } from "./config/suggest.js";

/**
 * A topic set up under `topics:` that no instance publishes or subscribes to is most often a typo
 * (its settings then silently apply to nothing): say so, with a suggestion. It is still created, for
 * readers and writers outside the session's instances.
 */
export function warnUnusedTopics(config: SessionConfig, used: ReadonlySet<string>): void {
  for (const name of Object.keys(config.topics)) {
    if (used.has(name) || name.startsWith("ether/")) continue;
    const hint = didYouMean(name, [...used]);
    sessionLine(
      "warn",
      `${config.topicPlaces[name] ?? `topics.${name}`}: no instance publishes or subscribes to "${name}"${hint}; its settings apply only to readers and writers outside the session's instances`,
    );
  }
}

/**
 * Ether passes `kwargs` to a constructor as one object. A constructor whose first parameter is named
 * like one of the kwargs keys was written for named arguments (Python's `Class(**kwargs)`): as it is,
 * that parameter gets the whole object and its default never applies. Say so, with the fix.
 */
export function warnPositionalKwargs(config: SessionConfig, instance: InstanceConfig, cls: Function): void {
  const keys = Object.keys(instance.kwargs);
  if (keys.length === 0) return;
  const first = firstConstructorParameter(cls);
  if (first === undefined || !keys.includes(first)) return;
  const name = cls.name === "" ? instance.class.exportName : cls.name;
  const object = `{ ${keys.map((k) => `${k}: ${shortValue(instance.kwargs[k])}`).join(", ")} }`;
  sessionLine(
    "warn",
    `${config.kwargsPlaces[instance.name] ?? `instances.${instance.name}.kwargs`}: Ether passes kwargs to the constructor as one object, ` +
      `new ${name}(${object}), but ${name}'s constructor takes "${first}" as its first parameter, so "${first}" will be that object; ` +
      `take them by name: constructor({ ${keys.join(", ")} } = {})`,
  );
}

/** A kwargs value as the warning shows it: JSON, cut short. */
function shortValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}
