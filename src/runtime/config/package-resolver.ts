/**
 * Resolves a package specifier (`name`, `@scope/name`, `name/sub`) from a folder to a module file,
 * the way `import` would from a module in that folder: `node_modules` folders upward, the package's
 * `exports` with the `import`, `node` and `default` conditions (patterns included), else `main` and
 * `index.js`. Node 20 cannot do this itself (`import.meta.resolve` ignores its parent argument without
 * a flag, and `require.resolve` picks `require` conditions and fails on import-only packages).
 *
 * @example
 *   resolvePackage("ether-sensors/serial", "/home/me/lab/config");
 *   // "/home/me/lab/node_modules/ether-sensors/dist/serial.js"
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { ConfigProblem } from "./config-problem.js";

const CONDITIONS = ["import", "node", "default"];
const PACKAGE_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i;

interface PackageJson {
  readonly name?: unknown;
  readonly main?: unknown;
  readonly exports?: unknown;
}

function readPackageJson(dir: string): PackageJson | undefined {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
  } catch (cause) {
    throw new ConfigProblem(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** Splits `@scope/name/sub/path` into the package name and the subpath (`.` or `./sub/path`). */
export function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const take = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, take).join("/");
  const rest = parts.slice(take).join("/");
  return { name, subpath: rest === "" ? "." : `./${rest}` };
}

/** Resolves one `exports` target for the conditions above; `star` replaces `*` in patterns. */
function resolveTarget(target: unknown, star: string | undefined): string | undefined {
  if (typeof target === "string") return star === undefined ? target : target.replaceAll("*", star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = resolveTarget(t, star);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [condition, value] of Object.entries(target)) {
      if (!CONDITIONS.includes(condition)) continue;
      const r = resolveTarget(value, star);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** The target of `subpath` in a package's `exports`, or undefined when the package does not export it. */
export function resolveExports(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    exports !== null && typeof exports === "object" && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith("."));
  const map = (isSubpathMap ? exports : { ".": exports }) as Record<string, unknown>;
  if (Object.hasOwn(map, subpath) && !subpath.includes("*")) return resolveTarget(map[subpath], undefined);
  // Patterns: the longest prefix before `*` wins, as in Node.
  let best: { key: string; star: string } | undefined;
  for (const key of Object.keys(map)) {
    const at = key.indexOf("*");
    if (at < 0) continue;
    const prefix = key.slice(0, at);
    const suffix = key.slice(at + 1);
    if (!subpath.startsWith(prefix) || !subpath.endsWith(suffix) || subpath.length < key.length - 1) continue;
    if (best === undefined || prefix.length > best.key.indexOf("*")) {
      best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best === undefined ? undefined : resolveTarget(map[best.key], best.star);
}

/** The package's folder, searching `node_modules` from `fromDir` upward; `tried` collects the folders looked at. */
function findPackageDir(name: string, fromDir: string, tried: string[]): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    tried.push(dir);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The nearest folder at or above `fromDir` holding a package.json. */
export function nearestPackageRoot(fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The absolute path of the module `specifier` names, imported from a module in `fromDir`.
 * Throws a ConfigProblem naming the folders tried or the subpaths the package exports.
 */
export function resolvePackage(specifier: string, fromDir: string): string {
  const { name, subpath } = splitPackageSpecifier(specifier);
  if (!PACKAGE_NAME.test(name)) throw new ConfigProblem(`"${name}" is not a valid package name`);
  const tried: string[] = [];
  // A package may import itself by name when it has `exports` (self-reference), as in Node.
  const ownRoot = nearestPackageRoot(fromDir);
  const own = ownRoot === undefined ? undefined : readPackageJson(ownRoot);
  const dir = own?.name === name && own.exports !== undefined ? ownRoot! : findPackageDir(name, fromDir, tried);
  if (dir === undefined) {
    throw new ConfigProblem(
      `package "${name}" is not installed where ${fromDir} can import it; looked for node_modules/${name} in ${tried.join(", ")}. ` +
        `Install it (npm install ${name}) or fix the name`,
    );
  }
  const pkg = readPackageJson(dir) ?? {};
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const target = resolveExports(pkg.exports, subpath);
    if (target === undefined) {
      const keys = typeof pkg.exports === "object" && !Array.isArray(pkg.exports) ? Object.keys(pkg.exports).filter((k) => k.startsWith(".")) : [];
      const listed = keys.length === 0 ? "." : keys.join(", ");
      throw new ConfigProblem(`package "${name}" (${dir}) does not export "${subpath}" for import; it exports ${listed}`);
    }
    const file = resolve(dir, target);
    if (!isFile(file)) throw new ConfigProblem(`package "${name}" maps "${subpath}" to ${file}, which does not exist; is the package built?`);
    return file;
  }
  // No `exports`: main, or the subpath with CommonJS-style extension and index lookup.
  const request = subpath === "." ? dir : join(dir, subpath);
  try {
    return createRequire(join(dir, "package.json")).resolve(request);
  } catch (cause) {
    throw new ConfigProblem(`package "${name}" (${dir}) has no module for "${subpath}" (no exports, and ${request} resolves to no file)`, { cause });
  }
}
