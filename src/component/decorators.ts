/**
 * The decorators: `@pub`, `@sub`, `@start`, `@every`. Standard TC39 method decorators (no
 * `experimentalDecorators`). Each records what it declares in the class's metadata (read back with
 * `componentMeta`); `@pub` also wraps the method so that, in a session, its return value is published.
 * Outside a session every decorated method is the plain method: same value, same `this`, sync stays
 * sync, async stays async.
 *
 * Mistakes are caught when the class is defined (ERR_ETHER_DECORATOR): a bad topic or period, unknown
 * `@sub` options, a static, private, getter or generator method, the same topic twice, `@sub` with
 * `@start`/`@every`. The message names the method and the file:line:col of the class (a method
 * decorator is not told its class's name).
 *
 * @example
 *   class DataProcessor {
 *     constructor(private opts: { multiplier?: number } = {}) {}
 *     @sub("data") @pub("result")
 *     processData({ data }: { data: number }) { return { result: data * (this.opts.multiplier ?? 2) }; }
 *   }
 */
// First: the Symbol.metadata polyfill must run before any decorated class is evaluated.
import { METADATA, concurrencyProblem, methodRecord, ownRecord, type MethodRecord, type SubOptions } from "./metadata.js";
import { errors } from "../errors.js";
import { TOPIC_NAME_MAX_LENGTH } from "../transport/session-layout.js";
import { decorationSite } from "./decoration-site.js";
import { parsePeriod, periodProblem, show, type Period } from "./period.js";
import { makePublishWrapper, wrapState } from "./publish-wrapper.js";
import type { Skip } from "./skip.js";
import { isSchema } from "./validation.js";

/**
 * What a `@pub` method may return: a message object, a typed array, Buffer or DataView (raw bytes),
 * an object-API table or finished buffer (on a typed topic), `undefined` (the empty message) or `skip`.
 * `symbol` is here because TypeScript widens `skip` to `symbol` in an inferred return type (so that
 * `return skip` needs no annotation); any symbol but `skip` is rejected when published.
 */
export type PubReturn = object | undefined | void | Skip | symbol;

/**
 * The shape of a method `@pub` accepts (checked by TypeScript; in JavaScript each return is checked
 * when published).
 *
 * @example
 *   const read: PubMethod = () => ({ celsius: 21 });
 */
export type PubMethod = (this: any, ...args: any[]) => PubReturn | Promise<PubReturn>;

/**
 * Any method (what `@sub`, `@start` and `@every` accept).
 *
 * @example
 *   const handler: AnyMethod = (m: { x: number }) => console.log(m.x);
 */
export type AnyMethod = (this: any, ...args: any[]) => any;

/**
 * A method decorator as TypeScript sees it: what `pub()`, `sub()`, `start()` and `every()` return.
 *
 * @example
 *   const onData: MethodDecorator = sub("data");
 */
export type MethodDecorator<M extends AnyMethod = AnyMethod> = <This, V extends M>(
  value: V,
  context: ClassMethodDecoratorContext<This, V>,
) => V | void;

const SUB_OPTION_KEYS: readonly string[] = ["schema", "concurrency"];
const encoder = new TextEncoder();

/**
 * Publishes what the method returns on `topic` (default `ClassName.methodName`) when its instance
 * runs in a session: an object as it is, a typed array, Buffer or DataView as raw bytes (its
 * handlers get a Uint8Array), `undefined` as the empty message `{}`, `skip` as nothing; on a typed
 * topic, an object-API instance of its table or a finished buffer. A promise is awaited first. Stack with `@sub` (either order) to publish what a handler returns,
 * with `@every`/`@start` to publish readings. Several `@pub` on one method publish on each topic.
 *
 * @example
 *   class Collector {
 *     @sub("result") @pub("summary") collect(m: { result: number }) { this.total += m.result; }
 *     total = 0;
 *   }
 */
export function pub(topic?: string): MethodDecorator<PubMethod> {
  guardUncalled("@pub", topic, arguments[1]);
  const text = `@pub(${topic === undefined ? "" : show(topic)})`;
  return function pubDecorator<This, V extends PubMethod>(value: V, context: ClassMethodDecoratorContext<This, V>): V | void {
    const { record, fail } = begin(text, value, context);
    checkTopic(topic, fail);
    if (record.pubs.some((p) => p.topic === topic)) fail(`the method already publishes on ${topic === undefined ? "its default topic" : show(topic)}`);
    record.pubs.unshift({ topic, origin: "decorator" });
    record.resolvedPubs = undefined;
    // A second @pub on the same method finds the first one's wrapper and only adds its topic.
    if (wrapState(value)?.record === record) return;
    return makePublishWrapper(value, record) as V;
  };
}

/**
 * Subscribes the method to `topic` (default `ClassName.methodName`): in a session the host calls it
 * with each message, one plain object; it may be async (the host keeps per-instance order). With a
 * zod `schema`, a message that fails it is not delivered but counted and sent to `ether/dead-letter`.
 * The method itself is not wrapped. `sub({ schema })` subscribes to the default topic with options.
 * Typed arrays in the message are views of the ring, valid until the method returns (or its promise
 * settles): copy (`.slice()`) what you keep beyond that.
 *
 * @example
 *   class Logger {
 *     @sub("temperature", { schema: z.object({ celsius: z.number() }) })
 *     log(m: { celsius: number }) { console.log(m.celsius); }
 *   }
 */
export function sub(topic?: string, options?: SubOptions): MethodDecorator;
export function sub(options: SubOptions): MethodDecorator;
export function sub(topicOrOptions?: string | SubOptions, maybeOptions?: SubOptions): MethodDecorator {
  guardUncalled("@sub", topicOrOptions, maybeOptions);
  const optionsFirst = typeof topicOrOptions === "object" && topicOrOptions !== null;
  const topic = optionsFirst ? undefined : (topicOrOptions as string | undefined);
  const options = optionsFirst ? (topicOrOptions as SubOptions) : maybeOptions;
  const text = `@sub(${[topic === undefined ? (options === undefined ? "" : "undefined") : show(topic), options === undefined ? "" : "{…}"].filter(Boolean).join(", ")})`;
  return function subDecorator<This, V extends AnyMethod>(value: V, context: ClassMethodDecoratorContext<This, V>): void {
    const { record, fail } = begin(text, value, context);
    if (!optionsFirst) checkTopic(topic, fail);
    const checked = checkSubOptions(options, fail);
    if (record.start) fail("the method is already @start; a method is called either with messages (@sub) or on its own (@start, @every)");
    if (record.periodMs !== undefined) fail("the method is already @every; a method is called either with messages (@sub) or on its own (@start, @every)");
    if (record.subs.some((s) => s.topic === topic)) fail(`the method already subscribes to ${topic === undefined ? "its default topic" : show(topic)}`);
    record.subs.unshift({ topic, options: checked, origin: "decorator" });
  };
}

/**
 * Calls the method once, with no arguments, when the session starts (after every instance is
 * constructed and initialized). Stack with `@pub` to publish what it returns. May be async.
 *
 * @example
 *   class Generator {
 *     @start() async run() { for (let i = 0; i < 10; i++) this.emit(i); }
 *     @pub("data") emit(i: number) { return { data: i }; }
 *   }
 */
export function start(): MethodDecorator {
  guardUncalled("@start", arguments[0], arguments[1]);
  return function startDecorator<This, V extends AnyMethod>(value: V, context: ClassMethodDecoratorContext<This, V>): void {
    const { record, fail } = begin("@start()", value, context);
    if (record.start) fail("the method is already @start");
    if (record.subs.length > 0) fail("the method is already @sub; a method is called either with messages (@sub) or on its own (@start, @every)");
    record.start = true;
    record.startOrigin = "decorator";
  };
}

/**
 * Calls the method every `period`, without drift (the host schedules from the start time, not from
 * the end of the previous call): `"10ms"`, `"1s"`, `"250us"`, `"100Hz"`, a number of milliseconds
 * (`250`) or a rate (`{ hz: 1000 }`), from 1 µs to about 24.8 days. Stack with `@pub` to publish
 * each reading. A bad period fails when the class is defined.
 *
 * @example
 *   class TemperatureSensor {
 *     @every({ hz: 10 }) @pub("temperature") read() { return { celsius: 20 + Math.random() }; }
 *   }
 */
export function every(period: Period): MethodDecorator {
  guardUncalled("@every", period, arguments[1]);
  const text = `@every(${show(period)})`;
  // Parsed once, here; the error is raised when applied, where the method is known.
  const problem = periodProblem(period);
  return function everyDecorator<This, V extends AnyMethod>(value: V, context: ClassMethodDecoratorContext<This, V>): void {
    const { record, fail } = begin(text, value, context);
    if (problem !== undefined) fail(problem);
    if (record.periodMs !== undefined) fail("the method is already @every (one period per method)");
    if (record.subs.length > 0) fail("the method is already @sub; a method is called either with messages (@sub) or on its own (@start, @every)");
    record.periodMs = parsePeriod(period);
    record.periodOrigin = "decorator";
  };
}

type Fail = (detail: string) => never;

/**
 * `@pub` written without parentheses calls the factory as the decorator, and in JavaScript its return
 * value (a decorator function) would silently replace the method. Caught here, by its arguments.
 */
function guardUncalled(text: string, first: unknown, second: unknown): void {
  const ctx = second as { kind?: unknown; name?: unknown; metadata?: unknown } | undefined;
  if (typeof first !== "function" || typeof ctx !== "object" || ctx === null || typeof ctx.kind !== "string" || !("name" in ctx)) return;
  throw errors.decorator(text, String(ctx.name), decorationSite(), `call the decorator: ${text}() (or with its arguments)`);
}

/** Checks what every decorator needs and returns the method's record and a thrower naming the place. */
function begin(text: string, value: unknown, context: ClassMemberDecoratorContext): { record: MethodRecord; fail: Fail } {
  const name = typeof context?.name === "string" ? context.name : String(context?.name);
  const fail: Fail = (detail) => {
    throw errors.decorator(text, name, decorationSite(), detail);
  };
  if (typeof context !== "object" || context === null) {
    fail("called without a decorator context: use standard decorators (remove experimentalDecorators from tsconfig)");
  }
  if (context.kind !== "method") fail(`decorates methods only, not a ${context.kind}`);
  if (context.static) fail("decorates instance methods only, not static ones (the host calls methods of the instances it runs)");
  if (context.private) fail("cannot decorate a #private method: the host calls methods by name; make it a public method");
  if (typeof context.name !== "string") fail("the method needs a string name (a topic is derived from it)");
  if (typeof value !== "function") fail("the decorated value is not a function");
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (tag === "GeneratorFunction" || tag === "AsyncGeneratorFunction") {
    fail("cannot decorate a generator method: the host calls the method and uses what it returns");
  }
  const metadata = context.metadata as object | undefined;
  if (typeof metadata !== "object" || metadata === null) {
    fail(
      `context.metadata is missing: Symbol.metadata was not defined when this class was evaluated ` +
        `(Symbol.metadata is ${typeof METADATA}); import "etherflow" before defining decorated classes`,
    );
  }
  return { record: methodRecord(ownRecord(metadata), context.name as string), fail };
}

function checkTopic(topic: unknown, fail: Fail): void {
  if (topic === undefined) return;
  if (typeof topic !== "string") fail(`the topic must be a string, got ${typeof topic}`);
  if (topic.length === 0) fail("the topic cannot be empty; leave it out for the default ClassName.methodName");
  const bytes = encoder.encode(topic).length;
  if (bytes > TOPIC_NAME_MAX_LENGTH) fail(`the topic is ${bytes} bytes; at most ${TOPIC_NAME_MAX_LENGTH}`);
}

function checkSubOptions(options: unknown, fail: Fail): Readonly<SubOptions> {
  if (options === undefined) return EMPTY_OPTIONS;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    fail(`options must be an object such as { schema }, got ${options === null ? "null" : typeof options}`);
  }
  const unknown = Object.keys(options).filter((k) => !SUB_OPTION_KEYS.includes(k));
  if (unknown.length > 0) fail(`unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; known: ${SUB_OPTION_KEYS.join(", ")}`);
  const { schema, concurrency } = options as SubOptions;
  if (schema !== undefined && !isSchema(schema)) fail("options.schema must be a zod schema (with safeParse)");
  const problem = concurrency === undefined ? undefined : concurrencyProblem(concurrency);
  if (problem !== undefined) fail(`options.concurrency ${problem}`);
  if (schema === undefined && concurrency === undefined) return EMPTY_OPTIONS;
  return Object.freeze({ ...(schema === undefined ? {} : { schema }), ...(concurrency === undefined ? {} : { concurrency }) });
}

const EMPTY_OPTIONS: Readonly<SubOptions> = Object.freeze({});
