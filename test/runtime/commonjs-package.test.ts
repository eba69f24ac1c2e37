// A user's TypeScript components in a package of "type": "commonjs" (what npm init writes), written
// with import/export as TypeScript users do: tsx compiles them to CommonJS. They load by class path
// (named and default exports) and run on a thread, in a process and on the main thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { collect, fixtureSessions } from "../helpers/sessions.js";
import { resolveClass } from "../../src/runtime/config/index.js";
import { projectRoot } from "../helpers/paths.js";

/** The fixture package, read from the source tree: its package.json says "type": "commonjs". */
const packageDir = join(projectRoot, "test", "runtime", "fixtures", "commonjs-package");
const { session } = fixtureSessions(packageDir);

// First in this file: once a .ts component loaded, tsx's CommonJS hooks compile such a file too.
test("a .js file with import/export in a commonjs package: the error says why and how to fix it", { timeout: 60_000 }, async () => {
  const dirs = { baseDir: packageDir, projectRoot: packageDir };
  await assert.rejects(
    resolveClass("./esm-syntax.js#Forgotten", dirs).load(),
    /cannot load .*esm-syntax\.js: Unexpected token 'export' \(the file uses import\/export, but the nearest package\.json does not say "type": "module", .*add "type": "module" there, or name the file \.mjs\)$/,
  );
});

test("class paths into a commonjs package's .ts: named and default exports load as classes", { timeout: 60_000 }, async () => {
  const dirs = { baseDir: packageDir, projectRoot: packageDir };
  assert.equal((await resolveClass("./components.ts#Counter", dirs).load()).name, "Counter");
  assert.equal((await resolveClass("./components.ts#default", dirs).load()).name, "Squarer");
  await assert.rejects(resolveClass("./components.ts#Countr", dirs).load(), /has no export "Countr" \(did you mean "Counter"\?\); its exports: Counter, default$/);
});

test("a .cts component loads and runs (on a thread and in a process)", { timeout: 60_000 }, async () => {
  const ether = await session({
    instances: {
      counter: { class_path: "./components.ts#Counter", kwargs: { count: 4 } },
      cuber: { class_path: "./cube.cts#Cuber" },
      cuber2: { class_path: "./cube.cts#Cuber", placement: "process" },
    },
  });
  const cubes = ether.engine!.subscribe("cjs/cubes", { wait: "spin" });
  await ether.start();
  const got = (await collect(cubes, 8)).map((m) => m.cube as number);
  assert.deepEqual(got.sort((a, b) => a - b), [0, 0, 1, 1, 8, 8, 27, 27], "both instances cubed every count");
  assert.equal((await ether.shutdown()).failed, false);
});

const WHERE = { thread: "a worker thread", process: "a child process", main: "the main thread" } as const;

for (const placement of ["thread", "process", "main"] as const) {
  test(`a commonjs package's .ts components run on ${WHERE[placement]}`, { timeout: 60_000 }, async () => {
    const ether = await session({
      instances: {
        counter: { class_path: "./components.ts#Counter", kwargs: { count: 5 } },
        squarer: { class_path: "./components.ts#default", placement },
      },
    });
    const squares = ether.engine!.topic("cjs/squares").subscriber({ wait: "spin" });
    await ether.start();
    const got = await collect(squares, 5);
    assert.deepEqual(got.map((m) => m.square), [0, 1, 4, 9, 16]);
    const here = got.every((m) => m.pid === process.pid && m.thread === 0);
    assert.equal(here, placement === "main", `squared on the ${placement}`);
    assert.equal((await ether.shutdown()).failed, false);
  });
}
