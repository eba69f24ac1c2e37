/**
 * What a subscription's frames become before its handler is called: the message (frame-message.ts),
 * checked against the subscription's zod schema. A frame that does not decode, or a message that
 * fails the schema, is not delivered: it is counted (the host's and the subscriber's invalid
 * counters), warned about, and published to `ether/dead-letter` with the reason. The first message
 * of a subscription is also looked at for a handler parameter named like one of its fields.
 *
 * @example
 *   const intake = new MessageIntake(io.log, out, counts);
 *   const message = intake.messageOf(subscription, frame);
 *   if (message !== INVALID) handler(message);
 */
import type { ZodType } from "zod";
import type { FrameView, Subscriber } from "../transport/index.js";
import type { HostCounts, HostIO } from "./host-io.js";
import type { HostOutput } from "./host-output.js";
import { isPlainMessage, type MessageReader } from "./frame-message.js";
import { namedFieldWarning } from "./named-fields.js";
import { validateMessage } from "./validation.js";

/** Where messages that are not delivered go, with the reason. */
export const DEAD_LETTER_TOPIC = "ether/dead-letter";

/** What messageOf() returns for a frame it did not deliver. */
export const INVALID: unique symbol = Symbol("invalid");

/** What the intake reads of a subscription. */
export interface IntakeSource {
  readonly instance: string;
  readonly method: string;
  readonly topic: string;
  readonly sub: Subscriber;
  readonly reader: MessageReader;
  readonly schema: ZodType | undefined;
  /** The handler's first parameter's name, until its first message has been looked at (named-fields.ts). */
  namedParameter: string | undefined;
}

/** Turns a host's frames into messages, or dead letters. */
export class MessageIntake {
  readonly #log: HostIO["log"];
  readonly #out: HostOutput;
  readonly #counts: HostCounts;

  constructor(log: HostIO["log"], out: HostOutput, counts: HostCounts) {
    this.#log = log;
    this.#out = out;
    this.#counts = counts;
  }

  /** The message in `frame` for the subscription's handler, or INVALID (then dead-lettered and counted). */
  messageOf(s: IntakeSource, frame: FrameView): unknown {
    let message: unknown;
    try {
      message = s.reader.read(frame);
    } catch (error) {
      this.#reject(s, `undecodable frame: ${(error as Error).message}`, undefined);
      return INVALID;
    }
    if (s.schema !== undefined) {
      const checked = validateMessage(s.schema, message);
      if (!checked.ok) {
        this.#reject(s, checked.reason, message);
        return INVALID;
      }
      message = checked.value;
    }
    if (s.namedParameter !== undefined && isPlainMessage(message)) {
      const warning = namedFieldWarning(s.method, s.namedParameter, message);
      s.namedParameter = undefined;
      if (warning !== undefined) this.#log("warn", warning, { instance: s.instance, method: s.method, topic: s.topic });
    }
    return message;
  }

  #reject(s: IntakeSource, reason: string, message: unknown): void {
    this.#counts.invalid++;
    s.sub.countInvalid();
    this.#log("warn", `invalid message not delivered: ${reason}`, { instance: s.instance, method: s.method, topic: s.topic });
    try {
      this.#out.publish(DEAD_LETTER_TOPIC, { topic: s.topic, instance: s.instance, method: s.method, reason, message: message ?? null }, { instance: s.instance, method: s.method });
    } catch (error) {
      this.#log("error", `could not publish to ${DEAD_LETTER_TOPIC}: ${(error as Error).message}`, { instance: s.instance, topic: s.topic });
    }
  }
}
