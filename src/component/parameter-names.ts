/**
 * What a function calls its first parameter, read from its source, for two warnings about code
 * written for Python Ether's keyword arguments: Ether passes `kwargs` to a constructor as one object
 * (`constructor(scale = 1)` meant for `kwargs: { scale: 2 }` would get that object as `scale`), and a
 * message to a handler as one object (`processData(data)` meant for `{ data: 5 }` would get the whole
 * message as `data`).
 *
 * Reads `Function.prototype.toString()`: the source as written (or as tsx/tsc emitted it), so a
 * TypeScript parameter property `constructor(public scale = 1)` reads as `scale`. A class without a
 * constructor of its own takes its parent's. Destructured (`{ scale }`) and rest (`...args`) first
 * parameters, and sources that cannot be read (native or bound functions), give undefined.
 *
 * @example
 *   firstConstructorParameter(class { constructor(scale = 1) {} });          // "scale"
 *   firstConstructorParameter(class { constructor({ scale = 1 } = {}) {} }); // undefined
 *   firstParameter(function processData(data) {});                          // "data"
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;
/** `constructor(` as a class member: not `.constructor(` or `xconstructor(`. */
const CONSTRUCTOR = /(^|[^.\w$])constructor\s*\(/;

/** The name of the first parameter of `cls`'s constructor, when it is a plain identifier. */
export function firstConstructorParameter(cls: Function): string | undefined {
  for (let c: unknown = cls; typeof c === "function" && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    let source: string;
    try {
      source = Function.prototype.toString.call(c);
    } catch {
      return undefined;
    }
    if (source.startsWith("class")) {
      const match = CONSTRUCTOR.exec(classBody(source));
      if (match === null) continue; // no constructor of its own: the parent's gets the arguments
      return firstIdentifier(classBody(source).slice(match.index + match[0].length));
    }
    return source.startsWith("function") ? firstParameter(c) : undefined;
  }
  return undefined;
}

/** The class source from its body's opening brace (so `class X extends constructor(...)` cannot match). */
function classBody(source: string): string {
  const open = source.indexOf("{");
  return open < 0 ? "" : source.slice(open + 1);
}

/** The identifier a parameter list starts with, skipping blanks and comments; undefined for anything else. */
function firstIdentifier(params: string): string | undefined {
  const rest = params.replace(/^(?:\s+|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  const match = IDENTIFIER.exec(rest);
  return match === null ? undefined : match[0];
}

/** The name of the first parameter of a function or method, when it is a plain identifier. */
export function firstParameter(fn: Function): string | undefined {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return undefined;
  }
  if (source.startsWith("class")) return undefined;
  const open = source.indexOf("(");
  return open < 0 ? undefined : firstIdentifier(source.slice(open + 1)); // no "(": an arrow x => ..., not a method
}
