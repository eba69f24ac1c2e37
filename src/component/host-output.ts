/**
 * What a host publishes: a publisher and a dict encoder per topic, made when the topic is first
 * published to (on the topic's ring for this host, with the host's publisher owner). On a typed
 * topic a message is its table (an object-API instance packed, or a finished buffer; table-codec.ts).
 * Elsewhere a typed array, Buffer or DataView is published as raw bytes (schema id 0), copied once,
 * and any other message is encoded as a dict, then written into the frame it claims; a typed array
 * of DIRECT_COPY_MIN bytes or more in it is copied once, from the message into the ring. A message a `reject` topic refuses is counted for the
 * loss report, and so is one a `block` topic's full ring keeps out once the host is being stopped
 * (HostIO.stopRequested: the reader is not reading, and waiting would only delay the stop until the
 * host is killed); an Ether error names the instance and method.
 *
 * @example
 *   const out = new HostOutput(io, losses);
 *   out.publish("result", { value: 2 }, { instance: "processor", method: "process" });
 *   out.close();
 */
import { EtherError } from "../errors.js";
import { DictEncoder, SCHEMA_DICT, SCHEMA_RAW, TableWriter } from "../frame/index.js";
import type { Publisher } from "../transport/index.js";
import type { HostIO } from "./host-io.js";
import type { LossReport } from "./loss-report.js";

/** Who publishes a message: for errors and the loss report. */
export interface PublishPlace {
  readonly instance: string;
  readonly method: string;
}

/** What a host publishes one topic with. */
interface TopicOutput {
  readonly pub: Publisher;
  readonly encoder: DictEncoder;
  /** A typed topic's table writer, and the schema id its frames carry. */
  readonly table: { readonly writer: TableWriter; readonly schemaId: number } | undefined;
}

/** A host's publishers, by topic. */
export class HostOutput {
  readonly #io: HostIO;
  readonly #losses: LossReport;
  readonly #publishers = new Map<string, TopicOutput>();
  /** The topic last published to and its publisher: a handler usually publishes to one topic. */
  #lastTopic = "";
  #lastOut: TopicOutput | undefined;

  constructor(io: HostIO, losses: LossReport) {
    this.#io = io;
    this.#losses = losses;
  }

  /** Publishes `message` on `topic`: as its table on a typed topic, as raw bytes, or encoded as a dict. */
  publish(topic: string, message: unknown, place: PublishPlace): void {
    let out = topic === this.#lastTopic ? this.#lastOut : this.#publishers.get(topic);
    if (out === undefined) {
      const t = this.#io.topic(this.#io.writeRing?.(topic) ?? topic);
      const table = this.#io.topicType?.(topic);
      out = {
        pub: this.#io.publisherOwner === undefined ? t.publisher() : t.publisher(this.#io.publisherOwner),
        encoder: new DictEncoder({ topic }),
        table: table === undefined ? undefined : { writer: new TableWriter(table.Table, topic), schemaId: table.schemaId },
      };
      if (this.#io.stopRequested !== undefined) out.pub.giveUpWhen(this.#io.stopRequested);
      this.#publishers.set(topic, out);
    }
    this.#lastTopic = topic;
    this.#lastOut = out;
    try {
      const { pub, encoder, table } = out;
      if (table !== undefined) {
        if (!pub.publish(table.writer.encode(message), table.schemaId)) this.#refused(place, topic, pub);
        return;
      }
      if (ArrayBuffer.isView(message)) {
        // Raw bytes (a typed array, Buffer or DataView): one copy into the ring.
        const bytes = message instanceof Uint8Array ? message : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
        if (!pub.publish(bytes, SCHEMA_RAW)) this.#refused(place, topic, pub);
        return;
      }
      const frame = encoder.encodeDeferred(message as object);
      if (!encoder.deferred) {
        if (!pub.publish(frame, SCHEMA_DICT)) this.#refused(place, topic, pub);
        return;
      }
      // Large typed arrays left out of the frame go from the message straight into the claimed space.
      const at = pub.claim(frame.length, SCHEMA_DICT);
      if (at < 0) {
        this.#refused(place, topic, pub);
        return;
      }
      encoder.writeTo(pub.buffer, at);
      pub.commit();
    } catch (error) {
      if (error instanceof EtherError) error.message = `${error.message} (instance "${place.instance}", method ${place.method})`;
      throw error;
    }
  }

  /** A publish returned false: the ring was full under reject, or the host gave up waiting under block. */
  #refused(place: PublishPlace, topic: string, pub: Publisher): void {
    this.#losses.rejected(place, topic, pub.policy === "reject" ? "full" : "stopping");
  }

  /** Leaves every topic it published to. */
  close(): void {
    for (const { pub } of this.#publishers.values()) pub.close();
    this.#publishers.clear();
    this.#lastTopic = "";
    this.#lastOut = undefined;
  }
}
