/**
 * The YAML `registry:` section as `applyDecorators` wants it: ether_sub / ether_pub per method.
 *
 * @example
 *   applyDecorators(Class, registryMethods(entry.methods));
 */
import type { RegistryMethodSpec } from "../component/registry-apply.js";
import type { RegistryMethod } from "./config/index.js";

/** Maps the config's registry methods to applyDecorators' input. */
export function registryMethods(methods: readonly RegistryMethod[]): Record<string, RegistryMethodSpec> {
  const out: Record<string, RegistryMethodSpec> = {};
  for (const m of methods) {
    out[m.name] = {
      ...(m.sub !== undefined ? { ether_sub: { topic: m.sub.topic, ...(m.sub.concurrency === undefined ? {} : { concurrency: m.sub.concurrency }) } } : {}),
      ...(m.pub !== undefined ? { ether_pub: { topic: m.pub.topic } } : {}),
      ...(m.start === true ? { ether_start: {} } : {}),
      ...(m.every !== undefined ? { ether_every: m.every.periodMs } : {}),
    };
  }
  return out;
}
