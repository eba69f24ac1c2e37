/**
 * A handler written for Python Ether's keyword arguments (`processData(data)` for messages
 * `{ data: 5 }`) gets the whole message as `data`, and computes with an object where it meant a
 * number. A host looks once per subscription, at its first message: when the handler's first
 * parameter is named like one of the message's fields, it warns, with the fix.
 *
 * @example
 *   const parameter = handlerParameter(instance, "processData");               // "data"
 *   namedFieldWarning("processData", parameter!, { data: 5 });                // "processData's first parameter …"
 */
import { firstParameter } from "./parameter-names.js";
import { wrapState } from "./publish-wrapper.js";

/** The first parameter's name of `target[method]` as written (a @pub method's own, not its wrapper's). */
export function handlerParameter(target: object, method: string): string | undefined {
  const fn = (target as Record<string, unknown>)[method];
  if (typeof fn !== "function") return undefined;
  return firstParameter(wrapState(fn)?.original ?? fn);
}

/** The warning for a handler whose first parameter is named like a field of `message`, or undefined. */
export function namedFieldWarning(method: string, parameter: string, message: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(message, parameter)) return undefined;
  const fields = Object.keys(message);
  return (
    `${method}'s first parameter is named "${parameter}", like a field of its messages, but a handler gets the whole ` +
    `message as one object ({ ${fields.join(", ")} }); take the fields by name, ${method}({ ${parameter} }), ` +
    `or name the parameter msg if it is meant to be the whole message`
  );
}
