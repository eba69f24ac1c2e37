/**
 * The error table: every error Ether throws has a stable code (`ERR_ETHER_…`), a factory here, and a
 * message that names the place (session, instance, topic, method, file:line:col) where one is known.
 * This module imports nothing from `src/` so every layer may use it.
 *
 * @example
 *   throw errors.frameTooLarge("camera", 9_000_000, 4_194_304);
 */

/** The smallest power of two of bytes that holds `length`, as a config size (512, 64KiB, 4MiB). */
function roomFor(length: number): string {
  let size = 1;
  while (size < length) size *= 2;
  return size >= 1 << 20 ? `${size / (1 << 20)}MiB` : size >= 1024 ? `${size / 1024}KiB` : String(size);
}

/** Codes of every error Ether raises. */
export type EtherErrorCode =
  | "ERR_ETHER_LAYOUT"
  | "ERR_ETHER_BAD_MAGIC"
  | "ERR_ETHER_BAD_VERSION"
  | "ERR_ETHER_SEGMENT_TOO_SMALL"
  | "ERR_ETHER_FRAME_TOO_LARGE"
  | "ERR_ETHER_JOIN_TIMEOUT"
  | "ERR_ETHER_PUBLISH_TIMEOUT"
  | "ERR_ETHER_CORRUPT_RING"
  | "ERR_ETHER_NO_SLOT"
  | "ERR_ETHER_LOAN_STATE"
  | "ERR_ETHER_INVALID_OPTION"
  | "ERR_ETHER_DECODE"
  | "ERR_ETHER_ENCODE"
  | "ERR_ETHER_TYPED_MESSAGE"
  | "ERR_ETHER_NATIVE_UNAVAILABLE"
  | "ERR_ETHER_SHM"
  | "ERR_ETHER_TOPIC_NOT_FOUND"
  | "ERR_ETHER_TOPIC_HAS_LANES"
  | "ERR_ETHER_SESSION_IN_HOST"
  | "ERR_ETHER_INSTANCE_START"
  | "ERR_ETHER_START_TIMEOUT"
  | "ERR_ETHER_NOT_WORKER_SAFE"
  | "ERR_ETHER_SESSION_NOT_FOUND"
  | "ERR_ETHER_CLOSED"
  | "ERR_ETHER_CONFIG"
  | "ERR_ETHER_DECORATOR"
  | "ERR_ETHER_INVALID_PERIOD"
  | "ERR_ETHER_PUBLISH_RETURN"
  | "ERR_ETHER_REGISTRY_METHOD"
  | "ERR_ETHER_ALREADY_BOUND"
  | "ERR_ETHER_LIFECYCLE"
  | "ERR_ETHER_NOT_READY"
  | "ERR_ETHER_INITIALIZE"
  | "ERR_ETHER_CLEANUP"
  | "ERR_ETHER_RESOURCE_GROUP"
  | "ERR_ETHER_GROUP_START"
  | "ERR_ETHER_HEALTH_TIMEOUT"
  | "ERR_ETHER_RECOVERY";

/** The one error class Ether throws; `code` tells which case, `details` carries the named values. */
export class EtherError extends Error {
  readonly code: EtherErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: EtherErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "EtherError";
    this.code = code;
    this.details = details;
  }
}

/** Where in a session config a problem is: the file position when the config came from a file, and the key path. */
export interface ConfigPlace {
  /** Absolute path of the YAML file; undefined when the config was given as an object. */
  readonly file?: string | undefined;
  /** 1-based line and column in `file`. */
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  /** Dotted key path, e.g. `instances.processor2x.placement`. */
  readonly keyPath: string;
}

function configPlace(place: ConfigPlace): string {
  const at = place.file === undefined ? "" : place.line === undefined ? `${place.file}: ` : `${place.file}:${place.line}:${place.col ?? 1}: `;
  return `${at}${place.keyPath}`;
}

function topicPlace(topic: string | undefined): string {
  return topic === undefined ? "" : ` (topic "${topic}")`;
}

/** Factories, one per case. Messages say what was wrong, the values involved, and how to fix it. */
export const errors = {
  layout(what: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_LAYOUT", `${what}: ${detail}`, { what });
  },
  badMagic(what: string, found: number, expected: number): EtherError {
    return new EtherError(
      "ERR_ETHER_BAD_MAGIC",
      `${what} is not an Ether segment: magic=0x${found.toString(16)}, expected 0x${expected.toString(16)}`,
      { what, found, expected },
    );
  },
  badVersion(what: string, found: number, expected: number): EtherError {
    return new EtherError(
      "ERR_ETHER_BAD_VERSION",
      `${what} has layout version ${found}, this Ether reads version ${expected}; ` +
        `both sides must run the same etherflow version`,
      { what, found, expected },
    );
  },
  segmentTooSmall(what: string, size: number, needed: number): EtherError {
    return new EtherError(
      "ERR_ETHER_SEGMENT_TOO_SMALL",
      `${what} is ${size} bytes but its header needs ${needed}`,
      { what, size, needed },
    );
  },
  frameTooLarge(topic: string, length: number, maxFrame: number): EtherError {
    return new EtherError(
      "ERR_ETHER_FRAME_TOO_LARGE",
      `frame of ${length} bytes exceeds max_frame=${maxFrame}${topicPlace(topic)}; raise the topic's max_frame ` +
        `(in a session's config: topics.${topic.replace(/@\d+$/, "")}.max_frame: ${roomFor(length)})`,
      { topic, length, maxFrame },
    );
  },
  joinTimeout(topic: string, timeoutMs: number, tail: number, head: number): EtherError {
    return new EtherError(
      "ERR_ETHER_JOIN_TIMEOUT",
      `a subscriber could not join${topicPlace(topic)} within ${timeoutMs} ms: the claim at position ${tail >>> 0} ` +
        `(head ${head >>> 0}) was not committed, and its publisher is not known to be gone`,
      { topic, timeoutMs, tail, head },
    );
  },
  /** A publisher joining a topic waited in vain for the lone publisher's claim in flight (see RING_FORMAT.md, "Exclusive publisher"). */
  publisherJoinTimeout(topic: string, timeoutMs: number, lone: number, detail: string): EtherError {
    return new EtherError(
      "ERR_ETHER_JOIN_TIMEOUT",
      `a publisher could not join${topicPlace(topic)} within ${timeoutMs} ms: ${detail} (publisher slot ${lone}, ` +
        `which claimed alone until now, is not known to be gone)`,
      { topic, timeoutMs, slot: lone },
    );
  },
  publishTimeout(topic: string, timeoutMs: number, slowest: number): EtherError {
    return new EtherError(
      "ERR_ETHER_PUBLISH_TIMEOUT",
      `publish blocked for ${timeoutMs} ms on a full ring${topicPlace(topic)}: subscriber slot ${slowest} ` +
        `is not reading (policy "block" is lossless; use "drop-oldest" or raise block_timeout)`,
      { topic, timeoutMs, slowest },
    );
  },
  corruptRing(topic: string, position: number, tail: number, length: number): EtherError {
    return new EtherError(
      "ERR_ETHER_CORRUPT_RING",
      `record at position ${position >>> 0} claims ${length >>> 0} bytes, past the committed tail ${tail >>> 0}` +
        `${topicPlace(topic)}: the ring was written outside the publish protocol; the subscriber stops there`,
      { topic, position: position >>> 0, tail: tail >>> 0, length: length >>> 0 },
    );
  },
  noSlot(topic: string, kind: "publisher" | "subscriber", max: number): EtherError {
    return new EtherError(
      "ERR_ETHER_NO_SLOT",
      `all ${max} ${kind} slots are taken${topicPlace(topic)}; raise max_${kind}s`,
      { topic, kind, max },
    );
  },
  loanState(topic: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_LOAN_STATE", `${detail}${topicPlace(topic)}`, { topic });
  },
  /** A host took longer than `session.start_timeout` to construct and initialize its instances and subscribe. */
  startTimeout(host: string, instances: string, timeoutMs: number): EtherError {
    return new EtherError(
      "ERR_ETHER_START_TIMEOUT",
      `host "${host}" (instance ${instances}) was not ready within ${timeoutMs} ms: its constructor or initialize() ` +
        `is still running (loading a model, opening a device?). If it needs longer, raise session.start_timeout (e.g. start_timeout: 2m)`,
      { host, instances, timeoutMs },
    );
  },
  /** A host on a worker thread loaded an addon that cannot run there. */
  notWorkerSafe(instances: readonly string[], addon: string, why: string): EtherError {
    const names = instances.map((n) => `"${n}"`).join(", ");
    return new EtherError(
      "ERR_ETHER_NOT_WORKER_SAFE",
      `instance ${names} uses ${addon}, which cannot run on a worker thread: ${why}. Give it placement: process (or main)`,
      { instances, addon },
    );
  },
  /** An instance could not be made ready: its constructor or initialize() threw `cause`. */
  instanceStart(instance: string, what: string, cause: unknown): EtherError {
    return withCause(new EtherError("ERR_ETHER_INSTANCE_START", `instance "${instance}": ${what} threw: ${messageOf(cause)}`, { instance, what }), cause);
  },
  /** ether.tap() inside a host: a component's module also starts a session, and its host imported it again. */
  sessionInHost(host: string): EtherError {
    return new EtherError(
      "ERR_ETHER_SESSION_IN_HOST",
      `ether.tap() called inside host "${host}" of a running session: the module that defines a component also starts ` +
        `a session, and the host that runs the component imported it again (running its top-level code). Start the ` +
        `session only outside hosts (if (!ether.inHost) main()), or move the component classes into their own module`,
      { host },
    );
  },
  invalidOption(where: string, name: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_INVALID_OPTION", `${where}: option ${name} ${detail}`, { where, name });
  },
  decode(detail: string, topic?: string): EtherError {
    return new EtherError("ERR_ETHER_DECODE", `cannot decode frame${topicPlace(topic)}: ${detail}`, { topic });
  },
  /** A message for a typed topic is neither an object-API instance of its table nor a finished buffer. */
  typedMessage(topic: string, table: string, got: string): EtherError {
    return new EtherError(
      "ERR_ETHER_TYPED_MESSAGE",
      `topic "${topic}" carries ${table} tables (its type:): publish an object-API instance (${table}T, from flatc --ts --gen-object-api) ` +
        `or the bytes of a finished ${table} buffer, not ${got}; return skip to publish nothing`,
      { topic, table },
    );
  },
  encode(detail: string, path: string, topic?: string): EtherError {
    return new EtherError(
      "ERR_ETHER_ENCODE",
      `cannot encode message${topicPlace(topic)} at ${path || "<root>"}: ${detail}`,
      { topic, path },
    );
  },
  nativeUnavailable(why: string): EtherError {
    return new EtherError(
      "ERR_ETHER_NATIVE_UNAVAILABLE",
      `process placement needs the native addon, which is not available: ${why}. Run \`ether doctor\`.`,
      { why },
    );
  },
  shm(operation: string, name: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_SHM", `shared memory ${operation} "${name}" failed: ${detail}`, {
      operation,
      name,
    });
  },
  topicHasLanes(topic: string, session: string, rings: readonly string[]): EtherError {
    return new EtherError(
      "ERR_ETHER_TOPIC_HAS_LANES",
      `topic "${topic}" of session ${session} is published by several instances and has a ring for each (${rings.join(", ")}): ` +
        `read it with engine.subscribe("${topic}"), count it with engine.stats("${topic}"), publish into it with engine.publisher("${topic}")`,
      { topic, session },
    );
  },
  topicNotFound(topic: string, session: string): EtherError {
    return new EtherError(
      "ERR_ETHER_TOPIC_NOT_FOUND",
      `topic "${topic}" does not exist in session ${session}`,
      { topic, session },
    );
  },
  sessionNotFound(session: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_SESSION_NOT_FOUND", `session ${session} was not found: ${detail}`, { session });
  },
  closed(what: string): EtherError {
    return new EtherError("ERR_ETHER_CLOSED", `${what} is closed`, { what });
  },
  /**
   * A session config is invalid: `file:line:col: key.path: problem and fix`, then up to a few more
   * problems (`others`, already formatted the same way) on their own lines.
   */
  config(place: ConfigPlace, detail: string, others: readonly string[] = []): EtherError {
    const first = `${configPlace(place)}: ${detail}`;
    const more = others.length === 0 ? "" : `\nalso:\n${others.map((o) => `  ${o}`).join("\n")}`;
    return new EtherError("ERR_ETHER_CONFIG", first + more, { ...place, detail, others });
  },
  /** A session config file cannot be read. */
  configFile(file: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_CONFIG", `${file}: cannot read the session config: ${detail}`, { file, keyPath: "", detail });
  },
  /**
   * A decorator is misused, found when the class is defined. Method decorators are not told their
   * class, so `site` (file:line:col of the class body, from the stack) is what points at it.
   */
  decorator(decorator: string, method: string, site: string | undefined, detail: string): EtherError {
    const at = site === undefined ? "" : ` (class at ${site})`;
    return new EtherError("ERR_ETHER_DECORATOR", `${decorator} on method ${method}${at}: ${detail}`, { decorator, method, site });
  },
  /** A default topic (`ClassName.method`) was needed for a class without a name. */
  anonymousComponent(method: string): EtherError {
    return new EtherError(
      "ERR_ETHER_DECORATOR",
      `an anonymous class decorates method ${method} without a topic, and the default topic is ClassName.${method}: ` +
        `name the class or give the decorator a topic`,
      { method },
    );
  },
  /** A prototype method cannot be replaced by its publishing wrapper. */
  cannotWrap(className: string, method: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_DECORATOR", `cannot wrap ${className}.${method} to publish its return value: ${detail}`, {
      className,
      method,
    });
  },
  /** A period (`@every`) is not a duration or rate Ether understands. */
  invalidPeriod(input: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_INVALID_PERIOD", `invalid period ${input}: ${detail}`, { input });
  },
  /** A `@pub` method returned something that is not a message (a plain object, a typed array, undefined or skip). */
  publishReturn(instance: string, className: string, method: string, topic: string, got: string): EtherError {
    return new EtherError(
      "ERR_ETHER_PUBLISH_RETURN",
      `${className}.${method} (instance "${instance}", topic "${topic}") returned ${got}, which is not a message: ` +
        `return an object (e.g. { value: x }), a typed array or Buffer for raw bytes, undefined for the empty message {}, or skip to publish nothing`,
      { instance, className, method, topic },
    );
  },
  /** The registry names a method the class does not have. */
  registryMethod(className: string, method: string, available: readonly string[], hint = ""): EtherError {
    const list = available.length === 0 ? "it has no methods" : `its methods: ${available.join(", ")}`;
    return new EtherError("ERR_ETHER_REGISTRY_METHOD", `registry: class ${className} has no method ${method}${hint}; ${list}`, {
      className,
      method,
      available,
    });
  },
  /** An instance is bound to a host while already bound to another. */
  alreadyBound(current: string, next: string): EtherError {
    return new EtherError(
      "ERR_ETHER_ALREADY_BOUND",
      `cannot bind the instance as "${next}": it is already bound as "${current}"; unbind it first (one instance, one host)`,
      { current, next },
    );
  },
  /** A resource was asked for a state change its state machine does not allow (`allowed`: where it may go). */
  lifecycle(resource: string, from: string, to: string, allowed: readonly string[]): EtherError {
    const legal = allowed.length === 0 ? `${from} is final` : `from ${from} it may go to ${allowed.join(", ")}`;
    return new EtherError("ERR_ETHER_LIFECYCLE", `resource "${resource}": illegal transition ${from} → ${to} (${legal})`, {
      resource,
      from,
      to,
      allowed,
    });
  },
  /** A resource operation that needs a particular state was called in another one. */
  lifecycleAction(resource: string, action: string, state: string, needs: string): EtherError {
    return new EtherError("ERR_ETHER_LIFECYCLE", `resource "${resource}" cannot ${action} while ${state}; it must be ${needs}`, {
      resource,
      action,
      state,
      needs,
    });
  },
  /** A resource was used while not ready; `why` says what brought it there (its kept error, or what to call). */
  notReady(resource: string, state: string, why: string): EtherError {
    return new EtherError("ERR_ETHER_NOT_READY", `resource "${resource}" is not ready: it is ${state}${why === "" ? "" : ` (${why})`}`, {
      resource,
      state,
    });
  },
  /**
   * A resource's initialize() threw; the thrown value is `cause`. `cleanupError` is what the cleanup
   * run right after it threw, if it threw too.
   */
  initializeFailed(resource: string, cause: unknown, cleanupError?: unknown): EtherError {
    const also = cleanupError === undefined ? "" : `; the cleanup after it failed too: ${messageOf(cleanupError)}`;
    return withCause(
      new EtherError("ERR_ETHER_INITIALIZE", `resource "${resource}" failed to initialize: ${messageOf(cause)}${also}`, {
        resource,
        cleanupError,
      }),
      cause,
    );
  },
  /** A resource's cleanup() threw; the thrown value is `cause`. The resource is closed anyway. */
  cleanupFailed(resource: string, cause: unknown): EtherError {
    return withCause(
      new EtherError("ERR_ETHER_CLEANUP", `resource "${resource}" failed to clean up: ${messageOf(cause)}`, { resource }),
      cause,
    );
  },
  /** Closing a group: some members' cleanups threw (`failures`, each already naming its member); every member is closed anyway. */
  groupCleanupFailed(group: string, failures: readonly Error[]): EtherError {
    return new EtherError(
      "ERR_ETHER_CLEANUP",
      `resource group "${group}": ${failures.length} cleanup(s) failed (every member is closed anyway): ` +
        failures.map((f) => f.message).join("; "),
      { group, failures },
    );
  },
  /** A resource group is misconfigured (unknown dependency, cycle, duplicate member) or misused. */
  resourceGroup(group: string, detail: string): EtherError {
    return new EtherError("ERR_ETHER_RESOURCE_GROUP", `resource group "${group}": ${detail}`, { group });
  },
  /**
   * A group member failed to start: the members started before it were closed in reverse order
   * (`stopped`), the ones after it were never started (`notStarted`).
   */
  groupStart(
    group: string,
    member: string,
    cause: unknown,
    stopped: readonly string[],
    notStarted: readonly string[],
    rollbackFailures: readonly Error[] = [],
  ): EtherError {
    const list = (names: readonly string[]) => (names.length === 0 ? "none" : names.join(", "));
    const also = rollbackFailures.length === 0 ? "" : `; while closing them: ${rollbackFailures.map((f) => f.message).join("; ")}`;
    return withCause(
      new EtherError(
        "ERR_ETHER_GROUP_START",
        `resource group "${group}": member "${member}" failed to start (${messageOf(cause)}); ` +
          `closed in reverse order: ${list(stopped)}; never started: ${list(notStarted)}${also}`,
        { group, member, stopped, notStarted, rollbackFailures },
      ),
      cause,
    );
  },
  /** A health check or recovery of a resource did not settle in time. */
  healthTimeout(resource: string, what: string, timeoutMs: number): EtherError {
    return new EtherError("ERR_ETHER_HEALTH_TIMEOUT", `resource "${resource}": ${what} did not finish within ${timeoutMs} ms`, {
      resource,
      what,
      timeoutMs,
    });
  },
  /** A degraded resource was given up on after `attempts` recovery attempts; `last` is the last problem seen. */
  recoveryFailed(resource: string, attempts: number, last: string): EtherError {
    return new EtherError(
      "ERR_ETHER_RECOVERY",
      `resource "${resource}" did not recover after ${attempts} recovery attempt(s); last problem: ${last}`,
      { resource, attempts, last },
    );
  },
} as const;

/** The message of anything thrown. */
function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** Sets `cause` as `new Error(message, { cause })` would (own, non-enumerable). */
function withCause(error: EtherError, cause: unknown): EtherError {
  Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true, enumerable: false });
  return error;
}
