// Bad session configs: each fails in loadConfig, before anything starts, with ERR_ETHER_CONFIG and a
// message that begins `file:line:col: key.path: ` and says the fix. One YAML file per case under
// fixtures/project/bad/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EtherError } from "../../../src/errors.js";
import { loadConfig } from "../../../src/runtime/config/index.js";
import { constructedCount, fixture, fixtureProject } from "./fixture-paths.js";

interface BadCase {
  /** File under fixtures/project/bad/. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly keyPath: string;
  /** What the rest of the first line must say. */
  readonly says: RegExp;
}

const CASES: readonly BadCase[] = [
  { file: "malformed-yaml.yaml", line: 5, col: 3, keyPath: "instances.collector", says: /^YAML syntax error: Flow map .* end with a \}/ },
  { file: "tab-indent.yaml", line: 3, col: 1, keyPath: "instances.processor", says: /^YAML syntax error: Tabs are not allowed as indentation/ },
  { file: "not-a-map.yaml", line: 1, col: 1, keyPath: "(top level)", says: /must be a map of session:, instances:, registry:, topics:, got a list/ },
  { file: "empty.yaml", line: 1, col: 1, keyPath: "(top level)", says: /^the config is empty; it needs at least instances:/ },
  { file: "unknown-top-key.yaml", line: 3, col: 1, keyPath: "instance", says: /^unknown key "instance"; did you mean "instances"\? known keys here: session, instances, registry, topics$/ },
  { file: "later-capability.yaml", line: 4, col: 1, keyPath: "recording", says: /^"recording" is not supported yet \(recording is planned but not built yet\); remove it/ },
  { file: "unknown-instance-key.yaml", line: 3, col: 5, keyPath: "instances.processor.clas_path", says: /^unknown key "clas_path"; did you mean "class_path"\? known keys here: class_path, kwargs, placement, restart, handler_timeout, cpus$/ },
  { file: "camel-case-key.yaml", line: 3, col: 5, keyPath: "instances.processor.classPath", says: /did you mean "class_path"\?/ },
  { file: "missing-class-path.yaml", line: 4, col: 3, keyPath: "instances.processor2x.class_path", says: /^class_path is missing; add class_path: \.\/file\.ts#ClassName/ },
  { file: "instance-without-settings.yaml", line: 2, col: 3, keyPath: "instances.processor", says: /^instance "processor" has no settings; add class_path:/ },
  {
    file: "class-file-not-found.yaml",
    line: 3,
    col: 17,
    keyPath: "instances.processor.class_path",
    says: new RegExp(`^file "\\.\\./lib/procesors\\.ts" \\(relative to .*/bad\\) not found; tried ${fixture("lib/procesors.ts")}$`),
  },
  {
    file: "dotted-not-found.yaml",
    line: 3,
    col: 17,
    keyPath: "instances.processor.class_path",
    says: new RegExp(
      `^module "examples\\.simple_data_processing" \\(dotted form, from the project root ${fixtureProject}\\) not found; ` +
        `tried .*/examples/simple_data_processing\\.ts, .*/simple_data_processing\\.js, .*/simple_data_processing/index\\.ts, .*/simple_data_processing/index\\.js$`,
    ),
  },
  { file: "package-not-installed.yaml", line: 3, col: 17, keyPath: "instances.filter.class_path", says: /^package "ether-no-such-package" is not installed .* looked for node_modules\/ether-no-such-package in .*npm install ether-no-such-package/ },
  { file: "missing-export-name.yaml", line: 3, col: 17, keyPath: "instances.processor.class_path", says: /names a module but not the class in it; add #ClassName/ },
  {
    file: "export-not-found.yaml",
    line: 3,
    col: 17,
    keyPath: "instances.processor.class_path",
    says: /has no export "DataProcesser" \(did you mean "DataProcessor"\?\); its exports: DataGenerator, DataProcessor, arrowFactory, default, notAClass, settings$/,
  },
  { file: "not-a-class.yaml", line: 3, col: 17, keyPath: "instances.processor.class_path", says: /export "notAClass" of .*processors\.ts is the number 42, not a class/ },
  { file: "arrow-not-a-class.yaml", line: 3, col: 17, keyPath: "instances.processor.class_path", says: /export "arrowFactory" .* is a function "arrowFactory" that cannot be called with new/ },
  { file: "module-throws.yaml", line: 3, col: 17, keyPath: "instances.driver.class_path", says: /^cannot load .*broken\.ts: the instrument driver is not connected$/ },
  { file: "kwargs-not-a-map.yaml", line: 4, col: 13, keyPath: "instances.processor.kwargs", says: /^kwargs must be a map of constructor options.*got a list$/ },
  { file: "duplicate-instance.yaml", line: 5, col: 3, keyPath: "instances.processor", says: /^duplicate key "processor" \(first at line 2\); instance names must be unique; rename one$/ },
  { file: "unknown-placement.yaml", line: 4, col: 16, keyPath: "instances.processor.placement", says: /^"threads" is not a placement; use one of thread \(the default\), process, main \(did you mean "thread"\?\)$/ },
  { file: "unknown-policy.yaml", line: 7, col: 13, keyPath: "topics.data.policy", says: /^"drop_oldest" is not a policy; use one of block \(the default\), drop-oldest, reject \(did you mean "drop-oldest"\?\)$/ },
  { file: "lanes-not-boolean.yaml", line: 6, col: 12, keyPath: "topics.data.lanes", says: /^lanes must be true or false, got the string "no-thanks"$/ },
  { file: "capacity-ambiguous.yaml", line: 5, col: 21, keyPath: "topics.data.capacity", says: /^"4MB" is ambiguous \(powers of 1000 or of 1024\?\); write "4MiB"/ },
  { file: "capacity-not-a-size.yaml", line: 6, col: 15, keyPath: "topics.data.capacity", says: /^"large" is not a size; write a number of bytes or a size like "64KiB"/ },
  { file: "capacity-too-large.yaml", line: 6, col: 15, keyPath: "topics.data.capacity", says: /^capacity must be from 1 byte to 1GiB, got 2GiB$/ },
  { file: "max-frame-too-large.yaml", line: 7, col: 16, keyPath: "topics.frames.max_frame", says: /^max_frame 8MiB does not fit in capacity 4MiB: .*raise capacity to at least 32MiB, or lower max_frame to at most 2097120 bytes$/ },
  {
    file: "registry-method-missing.yaml",
    line: 9,
    col: 7,
    keyPath: 'registry["lib.third_party.ExternalProcessor"].methods.proces_data',
    says: /^class ExternalProcessor \(.*third_party\.js\) has no method "proces_data" \(did you mean "process_data"\?\); its methods: process_data, summarize, reset$/,
  },
  { file: "registry-method-undecorated.yaml", line: 7, col: 7, keyPath: 'registry["lib.third_party.ExternalProcessor"].methods.process_data', says: /give ether_sub, ether_pub, ether_start or ether_every/ },
  {
    file: "registry-unknown-decorator.yaml",
    line: 8,
    col: 9,
    keyPath: 'registry["lib.third_party.ExternalProcessor"].methods.process_data.ether_subscribe',
    says: /^unknown key "ether_subscribe"; did you mean "ether_sub"\?/,
  },
  { file: "empty-instances.yaml", line: 3, col: 1, keyPath: "instances", says: /^instances is empty; a session needs at least one/ },
  { file: "null-instances.yaml", line: 1, col: 1, keyPath: "instances", says: /^instances is empty/ },
  { file: "bad-wait.yaml", line: 2, col: 9, keyPath: "session.wait", says: /^"busy" is not a wait strategy; use one of spin, hybrid \(the default\), park$/ },
  { file: "bad-log-level.yaml", line: 2, col: 14, keyPath: "session.log_level", says: /^"verbose" is not a log level; use one of error, warn, info \(the default\), debug$/ },
  { file: "bad-duration.yaml", line: 2, col: 18, keyPath: "session.block_timeout", says: /^10 has no unit \(seconds or milliseconds\?\); write a duration like "250ms", "10s"/ },
  { file: "restart-bad-policy.yaml", line: 4, col: 5, keyPath: "instances.processor.restart.policy", says: /^"on-failur" is not a restart policy; use one of never, on-failure \(the default\), always \(did you mean "on-failure"\?\)$/ },
  { file: "restart-unknown-key.yaml", line: 6, col: 7, keyPath: "instances.processor.restart.maxDelay", says: /^unknown key "maxDelay"; did you mean "max_delay"\? known keys here: policy, max, delay, max_delay, window$/ },
  { file: "restart-delays.yaml", line: 4, col: 58, keyPath: "instances.processor.restart.max_delay", says: /^option max_delay \(1000 ms\) must be at least delay \(2000 ms\)$/ },
  { file: "handler-timeout-no-unit.yaml", line: 4, col: 22, keyPath: "instances.processor.handler_timeout", says: /^500 has no unit/ },
  { file: "restart-on-main.yaml", line: 5, col: 5, keyPath: "instances.processor.restart", says: /^restart needs placement: thread or process; a main instance shares the session's thread/ },
  { file: "cpus-negative.yaml", line: 4, col: 11, keyPath: "instances.processor.cpus", says: /^cpus takes a CPU index \(from 0\) or a list of them, e.g. cpus: 1 or cpus: \[0, 1\]; got the number -1$/ },
  { file: "cpus-empty.yaml", line: 4, col: 11, keyPath: "instances.processor.cpus", says: /^cpus takes a CPU index .*; got an empty list$/ },
  { file: "cpus-absent.yaml", line: 4, col: 11, keyPath: "instances.processor.cpus", says: /^CPU 4096 is not one this session may run on; it may use \d+(, \d+)*$/ },
  { file: "cpus-on-main.yaml", line: 5, col: 5, keyPath: "instances.processor.cpus", says: /^cpus needs placement: thread or process; a main instance shares the session's thread/ },
  { file: "bad-duration-unit.yaml", line: 2, col: 18, keyPath: "session.block_timeout", says: /^"10 sec" has an unknown unit "sec"; use us, ms, s, m or h/ },
  { file: "registry-bad-concurrency.yaml", line: 8, col: 48, keyPath: 'registry["lib.third_party.ExternalProcessor"].methods.process_data.ether_sub.concurrency', says: /^concurrency must be a whole number from 1 to 1024, got 0$/ },
  { file: "type-not-a-table.yaml", line: 6, col: 11, keyPath: "topics.data.type", says: /^export "DataProcessor" of .*processors\.ts is not a FlatBuffers table class generated by flatc --ts \(it has no __init method\)/ },
  { file: "type-not-found.yaml", line: 6, col: 11, keyPath: "topics.data.type", says: /^file "\.\.\/generated\/imu\/sample\.ts" .*not found/ },
  { file: "type-not-a-string.yaml", line: 5, col: 17, keyPath: "topics.data.type", says: /^type must name a FlatBuffers table class generated by flatc --ts, e\.g\. .*, got the number 42$/ },
];

async function configError(path: string): Promise<EtherError> {
  try {
    await loadConfig(path);
  } catch (e) {
    assert.ok(e instanceof EtherError, `expected an EtherError, got ${String(e)}`);
    return e;
  }
  assert.fail(`${path} loaded`);
}

for (const c of CASES) {
  test(`bad config ${c.file}: ${c.keyPath} at ${c.line}:${c.col}`, async () => {
    const path = fixture(`bad/${c.file}`);
    const error = await configError(path);
    assert.equal(error.code, "ERR_ETHER_CONFIG");
    const prefix = `${path}:${c.line}:${c.col}: ${c.keyPath}: `;
    const firstLine = error.message.split("\n")[0]!;
    assert.ok(firstLine.startsWith(prefix), `message:\n  ${firstLine}\nshould start with\n  ${prefix}`);
    assert.match(firstLine.slice(prefix.length), c.says);
    assert.equal(error.details["file"], path);
    assert.equal(error.details["line"], c.line);
    assert.equal(error.details["col"], c.col);
    assert.equal(error.details["keyPath"], c.keyPath);
  });
}

test("the first problem in file order leads; a few more follow", async () => {
  const path = fixture("bad/several-problems.yaml");
  const error = await configError(path);
  const lines = error.message.split("\n");
  assert.match(lines[0]!, /several-problems\.yaml:4:16: instances\.processor\.placement: "thred" is not a placement/);
  assert.equal(lines[1], "also:");
  assert.match(lines[2]!, /^ {2}.*several-problems\.yaml:6:19: topics\.data\.policy: "blocking" is not a policy/);
  assert.match(lines[3]!, /^ {2}.*several-problems\.yaml:6:39: topics\.data\.capacity: "4MB" is ambiguous/);
  assert.equal(lines.length, 4);
});

test("a module that fails to load keeps its error as the cause", async () => {
  const error = await configError(fixture("bad/module-throws.yaml"));
  assert.ok(error.cause instanceof Error);
  assert.equal(error.cause.message, "the instrument driver is not connected");
});

test("a config file that does not exist", async () => {
  const path = fixture("bad/no-such-config.yaml");
  const error = await configError(path);
  assert.equal(error.code, "ERR_ETHER_CONFIG");
  assert.equal(error.message, `${path}: cannot read the session config: no such file`);
});

/** A config whose registry decorates ExternalProcessor's `methods`. */
function registryOf(methods: object): object {
  return { instances: { p: { class_path: "lib.processors.DataProcessor" } }, registry: { "./lib/third_party.js#ExternalProcessor": { methods } } };
}

test("an object config: errors name the key path, without a file position", async () => {
  const cases: [config: object, message: RegExp][] = [
    [{ instances: { p: { class_path: "./lib/processors.ts#DataProcessor", placement: "worker" } } }, /^instances\.p\.placement: "worker" is not a placement/],
    [{ instances: { p: { class_path: "./lib/processors.ts#DataProcessor" } }, topic: {} }, /^topic: unknown key "topic"; did you mean "topics"\?/],
    [{ instances: { p: { class_path: "./lib/nope.ts#X" } } }, /^instances\.p\.class_path: file "\.\/lib\/nope\.ts" \(relative to .*project\) not found; tried .*nope\.ts$/],
    [{ instances: { p: { class_path: 42 } } }, /^instances\.p\.class_path: class_path must be a string .*, got the number 42$/],
    [{ instances: { p: { class_path: "lib.processors.DataProcessor" } }, topics: { "ether/log": { capacity: -1 } } }, /^topics\["ether\/log"\]\.capacity: -1 is not a size in bytes/],
    [{ instances: [] }, /^instances: instances must be a map like .*, got a list$/],
    [{ session: { wait: "spin", block_timeout: "0.5ms" }, instances: { p: { class_path: "lib.processors.DataProcessor" } } }, /^session\.block_timeout: block_timeout must be a whole number of milliseconds/],
    [{ session: { start_timeout: "soon" }, instances: { p: { class_path: "lib.processors.DataProcessor" } } }, /^session\.start_timeout: /],
    [registryOf({ summarize: { ether_every: "fast" } }), /^registry\["\.\/lib\/third_party\.js#ExternalProcessor"\]\.methods\.summarize\.ether_every: ether_every takes a period \(100ms, 10Hz, \{ hz: 10 \} or \{ period: 100ms \}\): /],
    [registryOf({ summarize: { ether_every: "1s", ether_sub: {} } }), /\.methods\.summarize\.ether_every: cannot go with ether_sub: a method is called either with messages \(ether_sub\) or on its own/],
    [registryOf({ reset: { ether_start: { now: true } } }), /\.methods\.reset\.ether_start\.now: unknown key "now": this map takes no keys; write \{\}$/],
    [registryOf({ reset: { ether_begin: {} } }), /\.methods\.reset\.ether_begin: unknown key "ether_begin"; known keys here: ether_sub, ether_pub, ether_start, ether_every$/],
  ];
  for (const [config, message] of cases) {
    await assert.rejects(loadConfig(config, { cwd: fixtureProject }), (e: unknown) => {
      assert.ok(e instanceof EtherError);
      assert.equal(e.code, "ERR_ETHER_CONFIG");
      assert.match(e.message, message);
      assert.equal(e.details["file"], undefined);
      return true;
    });
  }
});

test("kwargs a worker could not receive are rejected for thread and process placement", async () => {
  const config = { instances: { p: { class_path: "./lib/processors.ts#DataProcessor", placement: "process", kwargs: { onSample: () => 1 } } } };
  await assert.rejects(loadConfig(config, { cwd: fixtureProject }), (e: unknown) => {
    assert.ok(e instanceof EtherError);
    assert.match(e.message, /^instances\.p\.kwargs: kwargs cannot be sent to a process \(.*\); use plain data .*, or placement: main$/);
    return true;
  });
});

test("no bad config constructed anything", async () => {
  const before = constructedCount();
  for (const c of CASES) await configError(fixture(`bad/${c.file}`));
  assert.equal(constructedCount(), before);
  assert.equal(before, 0);
});
