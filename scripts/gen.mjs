// `npm run gen`: regenerates the committed FlatBuffers bindings from bindings/schemas/*.fbs.
//
//   bindings/ts/    TypeScript accessors and builders (flatc --ts), one folder per namespace
//   bindings/bfbs/  binary schemas (flatc -b --schema), which MCAP recordings embed
//
// flatc 2.0.8 (Debian flatbuffers-compiler) writes relative imports without the `.js` extension that
// Node's ESM resolver needs, so they are rewritten here. Both output folders are emptied first, so a
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
const schemaDir = join(root, "bindings", "schemas");
const tsDir = join(root, "bindings", "ts");
const bfbsDir = join(root, "bindings", "bfbs");

const flatcArg = process.argv.indexOf("--flatc");
const flatc = flatcArg > 0 ? process.argv[flatcArg + 1] : (process.env.FLATC ?? "flatc");
const check = process.argv.includes("--check");

function run(args) {
  // Relative paths from the schema folder keep absolute paths out of the outputs.
  const result = spawnSync(flatc, args, { cwd: schemaDir, encoding: "utf8" });
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

const schemas = readdirSync(schemaDir)
  .filter((name) => name.endsWith(".fbs"))
  .sort();
if (schemas.length === 0) {
  console.error(`gen: no .fbs files in ${relative(root, schemaDir)}`);
  process.exit(1);
}

/** Generates every schema into `ts` and `bfbs` (emptied first); returns the number of files with fixed imports. */
function generate(ts, bfbs) {
  rmSync(ts, { recursive: true, force: true });
  rmSync(bfbs, { recursive: true, force: true });
  mkdirSync(ts, { recursive: true });
  mkdirSync(bfbs, { recursive: true });
  for (const schema of schemas) {
    run(["--ts", "-o", ts, schema]);
    run(["-b", "--schema", "--bfbs-comments", "-o", bfbs, schema]);
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

if (check) {
  const tmp = mkdtempSync(join(tmpdir(), "ether-gen-"));
  try {
    generate(join(tmp, "ts"), join(tmp, "bfbs"));
    const problems = [];
    for (const [name, dir] of [["ts", tsDir], ["bfbs", bfbsDir]]) {
      const want = snapshot(join(tmp, name));
      const have = snapshot(dir);
      for (const [file, bytes] of want) {
        const committed = have.get(file);
        if (committed === undefined) problems.push(`missing bindings/${name}/${file}`);
        else if (!committed.equals(bytes)) problems.push(`stale bindings/${name}/${file}`);
      }
      for (const file of have.keys()) if (!want.has(file)) problems.push(`extra bindings/${name}/${file}`);
    }
    if (problems.length > 0) {
      console.error(`gen --check: generated bindings differ from the schemas; run \`npm run gen\`:\n  ${problems.join("\n  ")}`);
      process.exit(1);
    }
    console.log(`gen --check: bindings match ${schemas.length} schema(s)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  const rewritten = generate(tsDir, bfbsDir);
  const outputs = [...walk(tsDir), ...walk(bfbsDir)].map((file) => relative(root, file));
  console.log(`gen: ${schemas.length} schema(s) -> ${outputs.length} files (${rewritten} with imports fixed)`);
  for (const file of outputs) console.log(`  ${file}`);
}
