/**
 * The dict codec: Ether's default message encoding, a plain object as a FlatBuffers `ether.Dict`
 * (`bindings/schemas/dict.fbs`, schema id SCHEMA_DICT). Publishers own a DictEncoder, subscribers a
 * DictDecoder; both keep per-topic caches (frame templates, key shapes), so make one per topic and
 * side rather than sharing.
 *
 * @example
 *   const encoder = new DictEncoder();
 *   const decoder = new DictDecoder();
 *   const frame = encoder.encode({ seq: 1, t: 1.5e12, value: 0.5, samples: new Float32Array(256) });
 *   const msg = decoder.decode(frame, 0, frame.length);
 *   msg.samples instanceof Float32Array  // true: a view into `frame`, no copy
 */
export { DIRECT_COPY_MIN, DictEncoder, type DictEncoderOptions } from "./dict-encoder.js";
export { DictDecoder, type DictDecoderOptions } from "./dict-decoder.js";
export { MAX_DEPTH } from "./dict-wire.js";
