// loadConfig on valid configs: every class path form resolves and loads, defaults are applied, the
// result is frozen plain data that a worker could receive, and nothing is constructed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, loadClass, topicSettings, type SessionConfig } from "../../../src/runtime/config/index.js";
import { constructedCount, fixture, fixtureProject } from "./fixture-paths.js";

function instance(config: SessionConfig, name: string) {
  const found = config.instances.find((i) => i.name === name);
  assert.ok(found, `instance ${name}`);
  return found;
}

test("a config with every class path form resolves and loads each class", async () => {
  const config = await loadConfig(fixture("config/valid.yaml"));
  assert.equal(config.file, fixture("config/valid.yaml"));
  assert.equal(config.baseDir, fixture("config"));
  assert.equal(config.projectRoot, fixtureProject);
  assert.deepEqual(
    config.instances.map((i) => i.name),
    ["generator", "processor2x", "collector", "defaulted", "filter", "smoother", "legacy", "emitter", "sensor"],
  );

  const expected: Record<string, [form: string, module: string, exportName: string, typescript: boolean]> = {
    generator: ["file", fixture("lib/processors.ts"), "DataGenerator", true],
    processor2x: ["dotted", fixture("lib/processors.ts"), "DataProcessor", true],
    collector: ["file", fixture("lib/collector.js"), "DataCollector", false],
    defaulted: ["file", fixture("lib/processors.ts"), "default", true],
    filter: ["package", fixture("node_modules/ether-fixture-pkg/filters.js"), "LowPass", false],
    smoother: ["package", fixture("node_modules/ether-fixture-pkg/index.js"), "Smoother", false],
    legacy: ["package", fixture("node_modules/ether-fixture-legacy/lib.cjs"), "LegacyCounter", false],
    emitter: ["builtin", "node:events", "EventEmitter", false],
    sensor: ["dotted", fixture("lib/sensors/index.ts"), "TemperatureSensor", true],
  };
  for (const [name, [form, module, exportName, typescript]] of Object.entries(expected)) {
    const ref = instance(config, name).class;
    assert.deepEqual({ ...ref }, { specifier: instance(config, name).classPath, form, module, exportName, typescript }, name);
  }

  const Processor = await loadClass(instance(config, "processor2x").class);
  assert.equal(Processor.name, "DataProcessor");
  assert.equal((new Processor({ multiplier: 3 }) as { multiplier: number }).multiplier, 3);
  const Filter = await loadClass(instance(config, "filter").class);
  assert.equal(Filter.name, "LowPass");
});

test("explicit settings are kept and converted: sizes to bytes, durations to ms, snake_case to camelCase", async () => {
  const config = await loadConfig(fixture("config/valid.yaml"));
  assert.deepEqual({ ...config.session }, { wait: "park", logLevel: "debug", blockTimeoutMs: 2500, startTimeoutMs: 120_000 });
  assert.deepEqual(instance(config, "processor2x").kwargs, { multiplier: 2 });
  assert.equal(instance(config, "processor2x").placement, "process");
  assert.equal(instance(config, "collector").placement, "main");
  assert.deepEqual(instance(config, "filter").kwargs, { cutoff: 10, bands: [1, 2, 3] });

  assert.deepEqual({ ...config.topics["data"] }, { name: "data", capacity: 4 << 20, maxFrame: 1 << 20, policy: "drop-oldest", lanes: false });
  // 3000 bytes asked: the ring is built with 4 KiB, and the config says so.
  assert.deepEqual({ ...config.topics["processed_data"] }, { name: "processed_data", capacity: 4096, maxFrame: 4096 / 4 - 32, policy: "block", lanes: true });
  assert.deepEqual({ ...config.topics["big"] }, { name: "big", capacity: 1 << 30, maxFrame: 256 << 20, policy: "reject", lanes: true });
  // `ether/log:` with nothing under it: the defaults.
  assert.deepEqual({ ...config.topics["ether/log"] }, { name: "ether/log", capacity: 1 << 20, maxFrame: (1 << 20) / 4 - 32, policy: "block", lanes: true });
});

test("registry entries: classes loaded, methods checked, default topics ClassName.methodName", async () => {
  const config = await loadConfig(fixture("config/valid.yaml"));
  assert.equal(config.registry.length, 2);
  const [processor, logger] = config.registry;
  assert.equal(processor!.classPath, "lib.third_party.ExternalProcessor");
  assert.equal(processor!.className, "ExternalProcessor");
  assert.equal(processor!.class.module, fixture("lib/third_party.js"));
  assert.deepEqual(
    processor!.methods.map((m) => ({ ...m })),
    [
      { name: "process_data", sub: { topic: "data" }, pub: { topic: "processed_data" } },
      { name: "summarize", pub: { topic: "ExternalProcessor.summarize" } },
      { name: "reset", sub: { topic: "ExternalProcessor.reset" } },
    ],
  );
  assert.equal(logger!.classPath, "../lib/third_party.js#ExternalLogger");
  assert.deepEqual(logger!.methods.map((m) => ({ ...m })), [{ name: "log", sub: { topic: "ether/log" } }]);
});

test("registry ether_start and ether_every: the period in ms, in each form", async () => {
  const methods = {
    summarize: { ether_every: "250ms", ether_pub: {} },
    reset: { ether_start: {} },
    process_data: { ether_every: { hz: 4 } },
  };
  const config = await loadConfig(
    { instances: { p: { class_path: "lib.processors.DataProcessor" } }, registry: { "./lib/third_party.js#ExternalProcessor": { methods } } },
    { cwd: fixtureProject },
  );
  assert.deepEqual(config.registry[0]!.methods.map((m) => ({ ...m })), [
    { name: "summarize", pub: { topic: "ExternalProcessor.summarize" }, every: { periodMs: 250 } },
    { name: "reset", start: true },
    { name: "process_data", every: { periodMs: 250 } },
  ]);
});

test("defaults: a config with one instance is fully defaulted", async () => {
  const config = await loadConfig(fixture("config/minimal.yaml"));
  assert.deepEqual({ ...config.session }, { wait: "hybrid", logLevel: "info", blockTimeoutMs: 10_000, startTimeoutMs: 30_000 });
  assert.equal(config.instances.length, 1);
  const [only] = config.instances;
  assert.equal(only!.name, "processor");
  assert.equal(only!.placement, "thread");
  assert.deepEqual(only!.kwargs, {});
  assert.deepEqual(config.registry, []);
  assert.deepEqual(Object.keys(config.topics), []);
  assert.deepEqual({ ...topicSettings(config, "anything") }, { name: "anything", capacity: 1 << 20, maxFrame: (1 << 20) / 4 - 32, policy: "block", lanes: true });
  // A topic named like an Object.prototype member is still "not configured".
  assert.equal(topicSettings(config, "constructor").capacity, 1 << 20);
});

test("a topic given only max_frame gets a ring sized for it (four frames, like the default); an explicit capacity stays", async () => {
  const base = { instances: { p: { class_path: "lib.processors.DataProcessor" } } };
  const config = await loadConfig({ ...base, topics: { frames: { max_frame: "4MiB" }, small: { max_frame: "1KiB" }, fixed: { capacity: "64MiB", max_frame: "4MiB" } } }, { cwd: fixtureProject });
  assert.deepEqual({ ...topicSettings(config, "frames") }, { name: "frames", capacity: 16 << 20, maxFrame: 4 << 20, policy: "block", lanes: true });
  assert.equal(topicSettings(config, "small").capacity, 1 << 20, "never below the default ring");
  assert.equal(topicSettings(config, "fixed").capacity, 64 << 20);
});

test("the config is deeply frozen plain data: a worker can receive it as is", async () => {
  const config = await loadConfig(fixture("config/valid.yaml"));
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.session));
  assert.ok(Object.isFrozen(config.instances));
  assert.ok(Object.isFrozen(config.instances[0]!.class));
  assert.ok(Object.isFrozen(instance(config, "filter").kwargs));
  assert.ok(Object.isFrozen((instance(config, "filter").kwargs as { bands: number[] }).bands));
  assert.ok(Object.isFrozen(config.topics));
  assert.ok(Object.isFrozen(config.registry[0]!.methods[0]));
  assert.throws(() => {
    (config.session as { wait: string }).wait = "spin";
  }, TypeError);
  const copy = structuredClone(config);
  assert.deepEqual(copy.instances.map((i) => i.class.module), config.instances.map((i) => i.class.module));
  assert.deepEqual({ ...copy.topics["data"] }, { ...config.topics["data"] });
});

test("loading a config constructs nothing", async () => {
  const before = constructedCount();
  await loadConfig(fixture("config/valid.yaml"));
  await loadConfig(fixture("config/minimal.yaml"));
  assert.equal(constructedCount(), before);
});

test("an object config: class paths relative to cwd, same validation and defaults", async () => {
  const kwargs = { multiplier: 4, nested: { gain: 1 } };
  const config = await loadConfig(
    {
      instances: {
        p4: { class_path: "./lib/processors.ts#DataProcessor", kwargs },
        dotted: { class_path: "lib.processors.DataGenerator", placement: "main" },
      },
      topics: { result: { capacity: 65536, policy: "reject" } },
    },
    { cwd: fixtureProject },
  );
  assert.equal(config.file, undefined);
  assert.equal(config.baseDir, fixtureProject);
  assert.equal(config.projectRoot, fixtureProject);
  assert.equal(instance(config, "p4").class.module, fixture("lib/processors.ts"));
  assert.deepEqual(instance(config, "p4").kwargs, kwargs);
  // The caller's objects are copied, not frozen.
  assert.ok(!Object.isFrozen(kwargs) && !Object.isFrozen(kwargs.nested));
  assert.ok(Object.isFrozen(instance(config, "p4").kwargs));
  assert.deepEqual({ ...config.topics["result"] }, { name: "result", capacity: 65536, maxFrame: 65536 / 4 - 32, policy: "reject", lanes: true });
});

test("a relative YAML path is read from options.cwd", async () => {
  const config = await loadConfig(join("config", "minimal.yaml"), { cwd: fixtureProject });
  assert.equal(config.file, fixture("config/minimal.yaml"));
});

test("main-thread kwargs may hold live objects; they are kept, not cloned or frozen", async () => {
  class Clock {
    now(): number {
      return 1;
    }
  }
  const clock = new Clock();
  const onSample = (): void => {};
  const config = await loadConfig(
    { instances: { local: { class_path: "./lib/processors.ts#DataProcessor", placement: "main", kwargs: { clock, onSample } } } },
    { cwd: fixtureProject },
  );
  const kwargs = instance(config, "local").kwargs;
  assert.equal(kwargs["clock"], clock);
  assert.equal(kwargs["onSample"], onSample);
  assert.ok(!Object.isFrozen(clock));
});
