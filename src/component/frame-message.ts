/**
 * What a handler is given for a frame, by the frame's schema id: a dict frame decoded in place (its
 * typed arrays are views into the frame), a raw frame as a Uint8Array view of its bytes (8-byte
 * aligned, so `new Float32Array(m.buffer, m.byteOffset, m.length / 4)` reads an image in place), and
 * on a typed topic a frame of its table as the flatc-generated accessor reading the frame in place.
 * All are valid while the handler runs; copy what must outlive it.
 *
 * @example
 *   const reader = new MessageReader("imu", io.topicType?.("imu"));   // one per subscribed ring
 *   const message = reader.read(frame);   // throws, with the reason, for a frame it cannot read
 */
import { DictDecoder, SCHEMA_DICT, SCHEMA_RAW, TableReader } from "../frame/index.js";
import type { FrameView } from "../transport/index.js";
import type { TopicTable } from "./host-io.js";

/** Reads the frames of one ring of a topic into messages. */
export class MessageReader {
  /** A decoder per ring: it keeps views of the one buffer it reads. */
  readonly #decoder: DictDecoder;
  readonly #table: TableReader | undefined;
  readonly #tableId: number;

  /** `table`: the topic's FlatBuffers table when it is typed. */
  constructor(topic: string, table: TopicTable | undefined) {
    this.#decoder = new DictDecoder({ topic });
    this.#table = table === undefined ? undefined : new TableReader(table.Table, topic);
    this.#tableId = table?.schemaId ?? -1;
  }

  /** The message in `frame` (see the module comment); throws an Error saying why for a frame no handler can read. */
  read(frame: FrameView): unknown {
    const schemaId = frame.schemaId;
    if (schemaId === SCHEMA_DICT) return this.#decoder.decode(frame.buffer, frame.offset, frame.length);
    if (schemaId === this.#tableId) return this.#table!.read(frame.buffer, frame.offset, frame.length);
    if (schemaId === SCHEMA_RAW) return frame.buffer.subarray(frame.offset, frame.offset + frame.length);
    const typed = this.#table === undefined ? "" : `, ${this.#tableId}: this topic's table`;
    throw new Error(`schema id ${schemaId}, which handlers cannot read (${SCHEMA_RAW}: raw bytes, ${SCHEMA_DICT}: dict${typed})`);
  }
}

/** A dict message (a plain object), as opposed to raw bytes or a table accessor. */
export function isPlainMessage(message: unknown): message is Record<string, unknown> {
  if (typeof message !== "object" || message === null) return false;
  const proto = Object.getPrototypeOf(message) as unknown;
  return proto === Object.prototype || proto === null;
}
