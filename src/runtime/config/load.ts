/**
 * `loadConfig`: the one place a session config is validated. It reads the YAML (or takes an object),
 * checks it against the schema, applies defaults, resolves and loads every class the config names
 * (instances, registry, typed topics' tables), checks registry methods exist, and returns a frozen SessionConfig.
 * Everything fails here, before anything starts, with ERR_ETHER_CONFIG naming `file:line:col`, the
 * key path and the fix.
 *
 * @example
 *   const config = await loadConfig("config/dual_processors.yaml");
 *   const same = await loadConfig({ instances: { p: { class_path: "./p.ts#P" } } }, { cwd: "/home/me/lab" });
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errors } from "../../errors.js";
import { buildDraft, type Draft } from "./build.js";
import { importClass, methodNames, resolveClassRef, type ResolveClassOptions } from "./class-resolver.js";
import { ConfigProblem, report, type ConfigIssue } from "./issues.js";
import { locate, type Target, type YamlSource } from "./locate.js";
import { nearestPackageRoot } from "./package-resolver.js";
import { configSchema, toIssues } from "./schema.js";
import type { ClassRef, InstanceConfig, RegistryEntry, RegistryMethod, SessionConfig, TopicType } from "./types.js";
import { SCHEMA_TYPED_FIRST, tableClassProblem } from "../../frame/index.js";
import { describeValue, isMap } from "./values.js";
import { didYouMean } from "./suggest.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import { parseYamlConfig } from "./yaml-source.js";

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /**
   * Folder a relative YAML path is read from, and the base folder of class paths when the config is
   * an object. Default: `process.cwd()`.
   */
  readonly cwd?: string;
}

/** Freezes plain objects and arrays, deeply; leaves class instances and functions (main-thread kwargs) alone. */
function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isMap(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Copies kwargs so that freezing them does not freeze a caller's object. */
function copyKwargs(kwargs: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(kwargs);
  } catch {
    // Main-thread kwargs may hold functions or live objects: copy the top level only.
    return { ...kwargs };
  }
}

interface Loaded {
  readonly ref: ClassRef;
  readonly cls: Function;
}

/** Resolves and imports one class, turning a ConfigProblem into an issue at `path`. */
async function loadAt(
  specifier: string,
  path: KeyPath,
  target: Target,
  dirs: ResolveClassOptions,
  issues: ConfigIssue[],
): Promise<Loaded | undefined> {
  try {
    const ref = resolveClassRef(specifier, dirs);
    return { ref, cls: await importClass(ref) };
  } catch (e) {
    if (!(e instanceof ConfigProblem)) throw e;
    issues.push({ path, target, detail: e.detail, cause: e.cause });
    return undefined;
  }
}

interface Resolved {
  readonly instances: InstanceConfig[];
  readonly registry: RegistryEntry[];
}

async function resolveClasses(draft: Draft, dirs: ResolveClassOptions, issues: ConfigIssue[]): Promise<Resolved> {
  const instances: InstanceConfig[] = [];
  // One at a time, in file order: imports run user code, and the first problem should be the first in the file.
  for (const d of draft.instances) {
    const loaded = await loadAt(d.classPath, ["instances", d.name, "class_path"], "value", dirs, issues);
    if (loaded === undefined) continue;
    instances.push({ name: d.name, classPath: d.classPath, class: loaded.ref, kwargs: copyKwargs(d.kwargs), placement: d.placement, restart: d.restart, handlerTimeoutMs: d.handlerTimeoutMs, cpus: d.cpus });
  }

  const registry: RegistryEntry[] = [];
  const seen = new Map<string, string>();
  for (const entry of draft.registry) {
    const loaded = await loadAt(entry.classPath, ["registry", entry.classPath], "key", dirs, issues);
    if (loaded === undefined) continue;
    const identity = `${loaded.ref.module}#${loaded.ref.exportName}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      const detail = `names the same class as registry "${earlier}"; register each class once`;
      issues.push({ path: ["registry", entry.classPath], target: "key", detail });
      continue;
    }
    seen.set(identity, entry.classPath);
    const className = loaded.cls.name === "" ? loaded.ref.exportName : loaded.cls.name;
    const available = methodNames(loaded.cls);
    const methods: RegistryMethod[] = [];
    for (const m of entry.methods) {
      if (!available.includes(m.name)) {
        const listed = available.length === 0 ? "it has no methods" : `its methods: ${available.join(", ")}`;
        issues.push({
          path: ["registry", entry.classPath, "methods", m.name],
          target: "key",
          detail: `class ${className} (${loaded.ref.module}) has no method "${m.name}"${didYouMean(m.name, available)}; ${listed}`,
        });
        continue;
      }
      const topic = (given: string | undefined): string => given ?? `${className}.${m.name}`;
      methods.push({
        name: m.name,
        ...(m.sub === undefined ? {} : { sub: { topic: topic(m.sub.topic), ...(m.sub.concurrency === undefined ? {} : { concurrency: m.sub.concurrency }) } }),
        ...(m.pub === undefined ? {} : { pub: { topic: topic(m.pub.topic) } }),
        ...(m.start === undefined ? {} : { start: m.start }),
        ...(m.every === undefined ? {} : { every: m.every }),
      });
    }
    registry.push({ classPath: entry.classPath, class: loaded.ref, className, methods });
  }
  return { instances, registry };
}

/** Loads each typed topic's table class (`type:`); each distinct class gets a schema id, in file order. */
async function resolveTypes(draft: Draft, dirs: ResolveClassOptions, issues: ConfigIssue[]): Promise<Record<string, TopicType>> {
  const types = Object.create(null) as Record<string, TopicType>;
  const ids = new Map<string, number>();
  for (const [name, topic] of Object.entries(draft.topics)) {
    if (topic.type === undefined) continue;
    const path = ["topics", name, "type"];
    const loaded = await loadAt(topic.type, path, "value", dirs, issues);
    if (loaded === undefined) continue;
    const problem = tableClassProblem(loaded.cls);
    if (problem !== undefined) {
      issues.push({ path, target: "value", detail: `export "${loaded.ref.exportName}" of ${loaded.ref.module} ${problem}` });
      continue;
    }
    const identity = `${loaded.ref.module}#${loaded.ref.exportName}`;
    let schemaId = ids.get(identity);
    if (schemaId === undefined) ids.set(identity, (schemaId = SCHEMA_TYPED_FIRST + ids.size));
    types[name] = { class: loaded.ref, schemaId };
  }
  return types;
}

interface Source {
  /** The parsed YAML, for positions; undefined for an object config. */
  readonly yaml: YamlSource | undefined;
  readonly value: unknown;
  readonly file: string | undefined;
  readonly issues: ConfigIssue[];
}

async function readSource(source: string | object, cwd: string): Promise<Source> {
  if (typeof source !== "string") return { yaml: undefined, value: source, file: undefined, issues: [] };
  const file = resolve(cwd, source);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw errors.configFile(file, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder, not a YAML file" : (e as Error).message);
  }
  const parsed = parseYamlConfig(file, text);
  return { yaml: parsed.source, value: parsed.value, file, issues: parsed.issues };
}

/**
 * Loads and validates a session config: `source` is a YAML file path (relative to `options.cwd`) or
 * an already-parsed object with the same keys. Resolves and loads every class it names. Returns a
 * fully defaulted, deeply frozen SessionConfig; throws an EtherError with code ERR_ETHER_CONFIG whose
 * message starts with `file:line:col:` (for a file) and the key path, and says the fix.
 */
export async function loadConfig(source: string | object, options: LoadConfigOptions = {}): Promise<SessionConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { yaml, value, file, issues: yamlIssues } = await readSource(source, cwd);
  if (yamlIssues.length > 0) throw report(yaml, yamlIssues);
  if (value === null || value === undefined) {
    const detail = "the config is empty; it needs at least instances: { name: { class_path: ./file.ts#ClassName } }";
    throw report(yaml, [{ path: [], target: "key", detail }]);
  }
  if (!isMap(value)) {
    const detail = `the config must be a map of session:, instances:, registry:, topics:, got ${describeValue(value)}`;
    throw report(yaml, [{ path: [], target: "value", detail }]);
  }

  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw report(yaml, toIssues(parsed.error.issues, value));
  const { draft, issues } = buildDraft(parsed.data);
  if (issues.length > 0) throw report(yaml, issues);

  const baseDir = file === undefined ? cwd : dirname(file);
  const projectRoot = nearestPackageRoot(baseDir) ?? baseDir;
  const classIssues: ConfigIssue[] = [];
  const { instances, registry } = await resolveClasses(draft, { baseDir, projectRoot }, classIssues);
  const types = await resolveTypes(draft, { baseDir, projectRoot }, classIssues);
  if (classIssues.length > 0) throw report(yaml, classIssues);

  const place = (path: KeyPath): string => {
    const at = yaml === undefined ? undefined : locate(yaml, path, "key");
    return at === undefined ? formatKeyPath(path) : `${yaml!.file}:${at.line}:${at.col}: ${formatKeyPath(path)}`;
  };
  const topicPlaces: Record<string, string> = {};
  for (const name of Object.keys(draft.topics)) topicPlaces[name] = place(["topics", name]);
  const kwargsPlaces: Record<string, string> = {};
  for (const i of instances) kwargsPlaces[i.name] = place(["instances", i.name, "kwargs"]);
  const config: SessionConfig = { file, baseDir, projectRoot, session: draft.session, instances, registry, topics: draft.topics, types, topicPlaces, kwargsPlaces };
  return deepFreeze(config);
}
