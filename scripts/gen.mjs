// `npm run gen`: regenerates the committed FlatBuffers code from the project's .fbs schemas.
//
//   bindings/schemas/*.fbs   Ether's own schemas (the dict record):
//     bindings/ts/           TypeScript accessors and builders (flatc --ts), one folder per namespace
//     bindings/bfbs/         binary schemas (flatc -b --schema), which MCAP recordings embed
//   examples/typed_imu/*.fbs the typed-topic example's schema:
//     examples/typed_imu/generated/   accessors and the object API (flatc --ts --gen-object-api)
//
// flatc 2.0.8 (Debian flatbuffers-compiler) writes relative imports without the `.js` extension that
// Node's ESM resolver needs, so they are rewritten here. Output folders are emptied first, so a
// schema that was removed leaves nothing behind, and the output depends only on the schemas and the
// flatc version: running this twice gives identical files.
//
// Usage: node scripts/gen.mjs [--flatc /path/to/flatc] [--check]
//   --check  generate into a temporary folder and compare with the committed files; exit 1 on any
//            difference (a test runs this, so a schema edit without `npm run gen` fails)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What to generate: from the .fbs files of `schemas`, TypeScript into `ts` and (if given) binary schemas into `bfbs`. */
const JOBS = [
  { schemas: "bindings/schemas", ts: "bindings/ts", bfbs: "bindings/bfbs", tsFlags: [] },
  { schemas: "examples/typed_imu", ts: "examples/typed_imu/generated", tsFlags: ["--gen-object-api"] },
];

const flatcArg = process.argv.indexOf("--flatc");
const flatc = flatcArg > 0 ? process.argv[flatcArg + 1] : (process.env.FLATC ?? "flatc");
const check = process.argv.includes("--check");

function run(args, cwd) {
  // Relative paths from the schema folder keep absolute paths out of the outputs.
  const result = spawnSync(flatc, args, { cwd, encoding: "utf8" });
  if (result.error) {
    console.error(`gen: cannot run ${flatc}: ${result.error.message} (install flatbuffers-compiler or pass --flatc)`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`gen: ${flatc} ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
    process.exit(result.status ?? 1);
  }
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** `from './ether/dict'` -> `from './ether/dict.js'`; bare imports ('flatbuffers') are left alone. */
function addJsExtensions(source) {
  return source.replace(/(\bfrom\s+)(['"])(\.{1,2}\/[^'"]*?)(?<!\.js)\2/g, "$1$2$3.js$2");
}

function schemasOf(job) {
  const dir = join(root, job.schemas);
  const schemas = readdirSync(dir)
    .filter((name) => name.endsWith(".fbs"))
    .sort();
  if (schemas.length === 0) {
    console.error(`gen: no .fbs files in ${job.schemas}`);
    process.exit(1);
  }
  return schemas;
}

/** Generates a job's schemas into `ts` and `bfbs` (emptied first); returns the number of files with fixed imports. */
function generate(job, ts, bfbs) {
  const cwd = join(root, job.schemas);
  for (const dir of [ts, bfbs]) {
    if (dir === undefined) continue;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  for (const schema of schemasOf(job)) {
    run(["--ts", ...job.tsFlags, "-o", ts, schema], cwd);
    if (bfbs !== undefined) run(["-b", "--schema", "--bfbs-comments", "-o", bfbs, schema], cwd);
  }
  let rewritten = 0;
  for (const file of walk(ts)) {
    if (!file.endsWith(".ts")) continue;
    const before = readFileSync(file, "utf8");
    const after = addJsExtensions(before);
    if (after !== before) {
      writeFileSync(file, after);
      rewritten++;
    }
  }
  return rewritten;
}

/** Relative paths and contents of every file under `dir` (empty when it does not exist). */
function snapshot(dir) {
  const out = new Map();
  let files = [];
  try {
    files = walk(dir);
  } catch {
    return out;
  }
  for (const file of files) out.set(relative(dir, file), readFileSync(file));
  return out;
}

/** The output folders of a job: [committed path relative to the root, where to generate it]. */
function outputs(job, base) {
  const list = [[job.ts, join(base, "ts")]];
  if (job.bfbs !== undefined) list.push([job.bfbs, join(base, "bfbs")]);
  return list;
}

if (check) {
  const problems = [];
  let schemas = 0;
  for (const job of JOBS) {
    const tmp = mkdtempSync(join(tmpdir(), "ether-gen-"));
    try {
      const [ts, bfbs] = outputs(job, tmp).map(([, dir]) => dir);
      generate(job, ts, bfbs);
      schemas += schemasOf(job).length;
      for (const [committed, generated] of outputs(job, tmp)) {
        const want = snapshot(generated);
        const have = snapshot(join(root, committed));
        for (const [file, bytes] of want) {
          const there = have.get(file);
          if (there === undefined) problems.push(`missing ${committed}/${file}`);
          else if (!there.equals(bytes)) problems.push(`stale ${committed}/${file}`);
        }
        for (const file of have.keys()) if (!want.has(file)) problems.push(`extra ${committed}/${file}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  if (problems.length > 0) {
    console.error(`gen --check: generated code differs from the schemas; run \`npm run gen\`:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`gen --check: generated code matches ${schemas} schema(s)`);
} else {
  for (const job of JOBS) {
    const rewritten = generate(job, join(root, job.ts), job.bfbs === undefined ? undefined : join(root, job.bfbs));
    const files = outputs(job, root).flatMap(([committed]) => walk(join(root, committed)).map((file) => relative(root, file)));
    console.log(`gen: ${job.schemas} -> ${files.length} files (${rewritten} with imports fixed)`);
    for (const file of files) console.log(`  ${file}`);
  }
}
