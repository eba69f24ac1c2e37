// resolveClass / loadClass on their own: the forms, what they resolve to, and what they say when a
// class cannot be found or is not a class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { EtherError } from "../../../src/errors.js";
import { loadClass, resolveClass } from "../../../src/runtime/config/index.js";
import { methodNames } from "../../../src/runtime/config/class-resolver.js";
import { fixture, fixtureProject } from "./fixture-paths.js";

const dirs = { baseDir: fixture("config"), projectRoot: fixtureProject };

function configError(fn: () => unknown): EtherError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EtherError, String(e));
    assert.equal(e.code, "ERR_ETHER_CONFIG");
    return e;
  }
  assert.fail("did not throw");
}

test("relative paths: from baseDir, with .ts/.js/index guesses and the .js → .ts convention", async () => {
  const ts = resolveClass("../lib/processors.ts#DataProcessor", dirs);
  assert.equal(ts.module, fixture("lib/processors.ts"));
  assert.equal(ts.form, "file");
  assert.equal(ts.typescript, true);
  assert.equal((await ts.load()).name, "DataProcessor");
  assert.equal(resolveClass("../lib/processors.js#DataProcessor", dirs).module, fixture("lib/processors.ts"));
  assert.equal(resolveClass("../lib/processors#DataProcessor", dirs).module, fixture("lib/processors.ts"));
  assert.equal(resolveClass("../lib/sensors#TemperatureSensor", dirs).module, fixture("lib/sensors/index.ts"));
  assert.equal(resolveClass(`${fixture("lib/collector.js")}#DataCollector`, dirs).module, fixture("lib/collector.js"));
  assert.equal((await resolveClass("../lib/processors.ts#default", dirs).load()).name, "DefaultComponent");
});

test("dotted form: from the project root", async () => {
  const dotted = resolveClass("lib.third_party.ExternalLogger", dirs);
  assert.deepEqual({ ...dotted, load: undefined }, {
    specifier: "lib.third_party.ExternalLogger",
    form: "dotted",
    module: fixture("lib/third_party.js"),
    exportName: "ExternalLogger",
    typescript: false,
    load: undefined,
  });
  assert.equal((await dotted.load()).name, "ExternalLogger");
});

test("packages and builtins", async () => {
  assert.equal(resolveClass("ether-fixture-pkg#Smoother", dirs).module, fixture("node_modules/ether-fixture-pkg/index.js"));
  assert.equal(resolveClass("ether-fixture-pkg/filters#LowPass", dirs).module, fixture("node_modules/ether-fixture-pkg/filters.js"));
  assert.equal(resolveClass("ether-fixture-legacy#LegacyCounter", dirs).module, fixture("node_modules/ether-fixture-legacy/lib.cjs"));
  const builtin = resolveClass("events#EventEmitter", dirs);
  assert.equal(builtin.form, "builtin");
  assert.equal(builtin.module, "node:events");
  assert.equal(await builtin.load(), EventEmitter);
  assert.equal(await loadClass(resolveClass("node:events#EventEmitter", dirs)), EventEmitter);
});

test("malformed class paths say which forms exist", () => {
  assert.match(configError(() => resolveClass("DataProcessor", dirs)).message, /^class "DataProcessor": "DataProcessor" names no module; write \.\/file\.ts#ClassName, package#ClassName or dotted\.module\.ClassName$/);
  assert.match(configError(() => resolveClass("../lib/processors.ts#", dirs)).message, /"" after "#" is not an export name/);
  assert.match(configError(() => resolveClass("#DataProcessor", dirs)).message, /names no module before "#"/);
  assert.match(configError(() => resolveClass("  ", dirs)).message, /is empty; write/);
  assert.match(configError(() => resolveClass("node:nope#X", dirs)).message, /"node:nope" is not a Node builtin module/);
  assert.match(configError(() => resolveClass("Bad Name#X", dirs)).message, /"Bad Name" is not a valid package name/);
});

test("packages: a subpath the package does not export lists what it exports", () => {
  const e = configError(() => resolveClass("ether-fixture-pkg/internal#X", dirs));
  assert.match(e.message, /package "ether-fixture-pkg" \(.*\) does not export "\.\/internal" for import; it exports \., \.\/filters, \.\/package\.json$/);
});

test("load() rejects a missing export or a value that is not a class", async () => {
  await assert.rejects(resolveClass("../lib/processors.ts#settings", dirs).load(), (e: unknown) => {
    assert.ok(e instanceof EtherError && e.code === "ERR_ETHER_CONFIG");
    assert.match(e.message, /export "settings" of .* is an object with keys rate, unit, not a class/);
    return true;
  });
  await assert.rejects(resolveClass("ether-fixture-legacy#Nope", dirs).load(), /has no export "Nope"; its exports: LegacyCounter, default/);
});

test("methodNames lists prototype methods, inherited ones too, without getters or the constructor", async () => {
  const cls = await resolveClass("../lib/third_party.js#ExternalProcessor", dirs).load();
  assert.deepEqual(methodNames(cls), ["process_data", "summarize", "reset"]);
});
