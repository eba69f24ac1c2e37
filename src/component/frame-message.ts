/**
 * What a handler is given for a frame, by the frame's schema id: a dict frame decoded in place (its
 * typed arrays are views into the frame), a raw frame as a Uint8Array view of its bytes (8-byte
 * aligned, so `new Float32Array(m.buffer, m.byteOffset, m.length / 4)` reads an image in place). Both
 * are valid while the handler runs; copy what must outlive it.
 *
 * @example
 *   const message = frameMessage(frame, decoder);   // throws, with the reason, for a frame it cannot read
 */
import { type DictDecoder, SCHEMA_DICT, SCHEMA_RAW } from "../frame/index.js";
import type { FrameView } from "../transport/index.js";

/** The message in `frame` (see the module comment); throws an Error saying why for a frame no handler can read. */
export function frameMessage(frame: FrameView, decoder: DictDecoder): unknown {
  const schemaId = frame.schemaId;
  if (schemaId === SCHEMA_DICT) return decoder.decode(frame.buffer, frame.offset, frame.length);
  if (schemaId === SCHEMA_RAW) return frame.buffer.subarray(frame.offset, frame.offset + frame.length);
  throw new Error(`schema id ${schemaId}, which handlers cannot read (${SCHEMA_RAW}: raw bytes, ${SCHEMA_DICT}: dict)`);
}
