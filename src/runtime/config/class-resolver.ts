/**
 * Resolves the classes a config names (`class_path` and `registry:` keys) and loads them.
 *
 * Forms:
 * - `./file.ts#Export`, `../lib/x.js#Export`, `/abs/x.ts#Export`: a file relative to the YAML file's
 *   folder. Without an extension, `.ts`, `.js`, `index.ts`, `index.js` are tried; `x.js` also finds
 *   `x.ts` (the TypeScript import convention).
 * - `package#Export`, `@scope/package/sub#Export`: resolved from the YAML file's folder like `import`.
 *   Builtins are allowed (`node:events#EventEmitter`): they are packages Node always has.
 * - `a.b.c.ClassName` (the seed's dotted form): module `a/b/c` from the project root (the folder of the
 *   nearest package.json), trying `a/b/c.ts`, `a/b/c.js`, `a/b/c/index.ts`, `a/b/c/index.js`.
 * `#default` names a default export. TypeScript modules are imported through tsx, registered once, the
 * first time one is needed.
 *
 * @example
 *   const cls = resolveClass("./processors.ts#DataProcessor", { baseDir, projectRoot });
 *   const DataProcessor = await cls.load();
 */
import { createRequire, isBuiltin } from "node:module";
import { extname, isAbsolute, join, resolve } from "node:path";
import { realpathSync, statSync } from "node:fs";
import { isMainThread } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { errors } from "../../errors.js";
import { ConfigProblem } from "./config-problem.js";
import { resolvePackage } from "./package-resolver.js";
import { didYouMean } from "./suggest.js";
import type { ClassForm, ClassRef } from "./types.js";
import { describeValue } from "./values.js";
import { hostOfThisRealm } from "../host-marker.js";

/** A class as Ether constructs it: with the instance's kwargs as one object. */
export type ComponentClass = new (kwargs: Readonly<Record<string, unknown>>) => object;

/** Where class paths are resolved from. */
export interface ResolveClassOptions {
  /** Folder for relative paths and packages: the YAML file's folder. */
  readonly baseDir: string;
  /** Folder for the dotted form: the folder of the nearest package.json. */
  readonly projectRoot: string;
}

/** A resolved class: where it lives, and a loader that checks it exists and is a class. */
export interface ResolvedClass extends ClassRef {
  load(): Promise<ComponentClass>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const DOTTED = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);
const KNOWN_EXTENSIONS = new Set([...TS_EXTENSIONS, ".js", ".mjs", ".cjs"]);
const TS_TWIN: Readonly<Record<string, string>> = { ".js": ".ts", ".mjs": ".mts", ".cjs": ".cts" };
const FORMS = "./file.ts#ClassName, package#ClassName or dotted.module.ClassName";

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function firstFile(candidates: readonly string[], what: string): string {
  const found = candidates.find(isFile);
  if (found === undefined) throw new ConfigProblem(`${what} not found; tried ${candidates.join(", ")}`);
  return found;
}

/** Files a relative or absolute module path may mean. */
function fileCandidates(path: string): string[] {
  const ext = extname(path);
  if (!KNOWN_EXTENSIONS.has(ext)) {
    const guesses = [`${path}.ts`, `${path}.js`, join(path, "index.ts"), join(path, "index.js")];
    return ext === "" ? guesses : [path, ...guesses];
  }
  const twin = TS_TWIN[ext];
  return twin === undefined ? [path] : [path, path.slice(0, -ext.length) + twin];
}

function ref(specifier: string, form: ClassForm, module: string, exportName: string): ClassRef {
  return { specifier, form, module, exportName, typescript: TS_EXTENSIONS.has(extname(module)) };
}

/** Resolves a class path to a ClassRef (the module exists); throws a ConfigProblem saying why not. */
export function resolveClassRef(specifier: string, options: ResolveClassOptions): ClassRef {
  const spec = specifier.trim();
  if (spec === "") throw new ConfigProblem(`is empty; write ${FORMS}`);
  const hash = spec.lastIndexOf("#");
  if (hash < 0) {
    if (DOTTED.test(spec)) {
      const parts = spec.split(".");
      const exportName = parts.pop()!;
      const base = join(options.projectRoot, ...parts);
      const candidates = [`${base}.ts`, `${base}.js`, join(base, "index.ts"), join(base, "index.js")];
      const module = firstFile(candidates, `module "${parts.join(".")}" (dotted form, from the project root ${options.projectRoot})`);
      return ref(specifier, "dotted", module, exportName);
    }
    if (/[/\\]/.test(spec) || spec.startsWith(".")) {
      throw new ConfigProblem(`"${spec}" names a module but not the class in it; add #ClassName (e.g. ${spec}#MyClass, or #default)`);
    }
    throw new ConfigProblem(`"${spec}" names no module; write ${FORMS}`);
  }
  const module = spec.slice(0, hash);
  const exportName = spec.slice(hash + 1);
  if (module === "") throw new ConfigProblem(`"${spec}" names no module before "#"; write ${FORMS}`);
  if (!IDENTIFIER.test(exportName)) {
    throw new ConfigProblem(`"${exportName}" after "#" is not an export name; write the name of the exported class (or default)`);
  }
  if (module.startsWith("./") || module.startsWith("../") || module === "." || module === ".." || isAbsolute(module)) {
    const path = resolve(options.baseDir, module);
    const relative = isAbsolute(module) ? "" : ` (relative to ${options.baseDir})`;
    return ref(specifier, "file", firstFile(fileCandidates(path), `file "${module}"${relative}`), exportName);
  }
  if (module.startsWith("node:") || isBuiltin(module)) {
    const name = module.startsWith("node:") ? module : `node:${module}`;
    if (!isBuiltin(name)) throw new ConfigProblem(`"${module}" is not a Node builtin module`);
    return ref(specifier, "builtin", name, exportName);
  }
  return ref(specifier, "package", resolvePackage(module, options.baseDir), exportName);
}

let tsxRegistered: Promise<void> | undefined;

/**
 * Registers tsx's hooks once, so TypeScript modules import (in this thread): the ESM hooks, and the
 * CommonJS ones for a .ts file in a package without `"type": "module"` (npm init's default), which
 * tsx compiles to CommonJS even when it is written with import/export.
 */
export function registerTsx(): Promise<void> {
  tsxRegistered ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(([esm, cjs]) => {
    // Stack traces and decoration-site errors then point at lines of the user's .ts, not at the
    // JavaScript tsx made of it.
    process.setSourceMapsEnabled(true);
    esm.register();
    cjs.register();
  });
  return tsxRegistered;
}

/**
 * The exports of a module as import() gave them, or, for a CommonJS module, its module.exports:
 * import() puts that under `default`, and names only what Node's static analysis of the source
 * found, which misses the exports of modules compiled from import/export (tsx's, marked __esModule),
 * whose default export then is module.exports.default.
 */
function exportTable(ns: Record<string, unknown>, exportName: string): Record<string, unknown> {
  const cjs = ns.default as Record<string, unknown> | null | undefined;
  if (cjs === null || (typeof cjs !== "object" && typeof cjs !== "function")) return ns;
  if (cjs.__esModule === true || (!Object.hasOwn(ns, exportName) && Object.hasOwn(cjs, exportName))) return cjs;
  return ns;
}

/** Names of the methods on a class's prototype chain (not Object's), for messages and checks. */
export function methodNames(cls: Function): string[] {
  const names = new Set<string>();
  let proto = cls.prototype as object | null;
  for (; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof d?.value === "function") names.add(name);
    }
  }
  return [...names];
}

/** True when `value` can be called with `new` (a class, or an ES5 constructor function). */
function isConstructor(value: unknown): value is ComponentClass {
  if (typeof value !== "function") return false;
  try {
    // Constructs nothing of `value`: only checks that it is a valid new.target.
    Reflect.construct(String, [], value);
    return true;
  } catch {
    return false;
  }
}

function describeExport(value: unknown): string {
  if (typeof value === "function") {
    const name = value.name === "" ? "" : ` "${value.name}"`;
    return `a function${name} that cannot be called with new (an arrow, async or method function)`;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value).slice(0, 6);
    return keys.length === 0 ? "an object" : `an object with keys ${keys.join(", ")}`;
  }
  return describeValue(value);
}

/**
 * How long importing the script being run may take before Ether concludes that the script is waiting
 * for the session at its top level (an import of a module still being evaluated waits for it to
 * finish: here, for itself, and the process would end with "unsettled top-level await").
 */
const ENTRY_IMPORT_WAIT_MS = 3000;

/** True when `module` is the script this process was started with (node/tsx <script>), on its main thread. */
function isEntryScript(module: string): boolean {
  const entry = process.argv[1];
  if (!isMainThread || entry === undefined || hostOfThisRealm() !== undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(module);
  } catch {
    return false;
  }
}

/** Imports the script being run, or fails clearly when that waits for itself (see ENTRY_IMPORT_WAIT_MS). */
async function importEntryScript(url: string, module: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ConfigProblem(
            `${module} is the script being run, and importing it did not finish within ${ENTRY_IMPORT_WAIT_MS / 1000} s: ` +
              `it is still being evaluated, waiting (top-level await) for this very session, so it waits for itself. ` +
              `Move the component classes into their own module and import them from the script`,
          ),
        ),
      ENTRY_IMPORT_WAIT_MS,
    );
  });
  try {
    return await Promise.race([import(url), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why a .js file written with import/export fails to load: its package.json does not say
 * `"type": "module"`, so Node reads it as CommonJS.
 */
function esmSyntaxHint(module: string, cause: unknown): string {
  if (!(cause instanceof SyntaxError) || !module.endsWith(".js")) return "";
  if (!/Unexpected token 'export'|Cannot use import statement outside a module/.test(cause.message)) return "";
  return ` (the file uses import/export, but the nearest package.json does not say "type": "module", so Node reads .js files as CommonJS: add "type": "module" there, or name the file .mjs)`;
}

/** Imports a ClassRef's module and returns the class; throws a ConfigProblem saying what is there instead. */
export async function importClass(classRef: ClassRef): Promise<ComponentClass> {
  if (classRef.typescript) await registerTsx();
  const url = classRef.form === "builtin" ? classRef.module : pathToFileURL(classRef.module).href;
  let ns: Record<string, unknown>;
  try {
    if (classRef.module.endsWith(".cts")) {
      // Required, not imported: through tsx's ESM hooks, Node 20 fails the require() of an ES module
      // (etherflow itself) that a CommonJS module loaded that way makes ("... is not in cache").
      ns = { default: createRequire(classRef.module)(classRef.module) as unknown };
    } else {
      ns = (await (classRef.form !== "builtin" && isEntryScript(classRef.module) ? importEntryScript(url, classRef.module) : import(url))) as Record<string, unknown>;
    }
  } catch (cause) {
    if (cause instanceof ConfigProblem) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigProblem(`cannot load ${classRef.module}: ${message}${esmSyntaxHint(classRef.module, cause)}`, { cause });
  }
  ns = exportTable(ns, classRef.exportName);
  if (!Object.hasOwn(ns, classRef.exportName)) {
    const names = Object.keys(ns).sort();
    const listed = names.length === 0 ? "it exports nothing" : `its exports: ${names.join(", ")}`;
    throw new ConfigProblem(`${classRef.module} has no export "${classRef.exportName}"${didYouMean(classRef.exportName, names)}; ${listed}`);
  }
  const value = ns[classRef.exportName];
  if (!isConstructor(value)) {
    const what = describeExport(value);
    throw new ConfigProblem(`export "${classRef.exportName}" of ${classRef.module} is ${what}, not a class; point class_path at an exported class`);
  }
  return value;
}

/**
 * Resolves a class path (see the module comment for the forms). Throws ERR_ETHER_CONFIG when the
 * module cannot be found; `load()` throws it when the export is missing or not a class.
 */
export function resolveClass(specifier: string, options: ResolveClassOptions): ResolvedClass {
  const fail = (e: unknown): never => {
    if (e instanceof ConfigProblem) throw Object.assign(errors.config({ keyPath: `class "${specifier}"` }, e.detail), { cause: e.cause });
    throw e;
  };
  let classRef: ClassRef;
  try {
    classRef = resolveClassRef(specifier, options);
  } catch (e) {
    return fail(e);
  }
  return { ...classRef, load: () => importClass(classRef).catch(fail) };
}

/** Loads the class a (validated) config names; for hosts, which trust the config. */
export function loadClass(classRef: ClassRef): Promise<ComponentClass> {
  return importClass(classRef).catch((e: unknown) => {
    if (e instanceof ConfigProblem) throw Object.assign(errors.config({ keyPath: `class "${classRef.specifier}"` }, e.detail), { cause: e.cause });
    throw e;
  });
}
