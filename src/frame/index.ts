/**
 * frame/: how message bytes are encoded. Public parts: schema ids for the ring frame header and the
 * dict codec (plain objects as FlatBuffers `ether.Dict` frames).
 *
 * @example
 *   import { DictEncoder, DictDecoder, SCHEMA_DICT } from "../frame/index.js";
 */
export { SCHEMA_RAW, SCHEMA_DICT, DICT_FILE_IDENTIFIER } from "./schema-ids.js";
export { DIRECT_COPY_MIN, DictEncoder, DictDecoder, MAX_DEPTH } from "./dict-codec.js";
export type { DictEncoderOptions, DictDecoderOptions } from "./dict-codec.js";
