/**
 * frame/: how message bytes are encoded. Public parts: schema ids for the ring frame header and the
 * dict codec (plain objects as FlatBuffers `ether.Dict` frames), and the typed-table codec (a topic's
 * flatc-generated table class).
 *
 * @example
 *   import { DictEncoder, DictDecoder, SCHEMA_DICT } from "../frame/index.js";
 */
export { SCHEMA_RAW, SCHEMA_DICT, SCHEMA_TYPED_FIRST, DICT_FILE_IDENTIFIER } from "./schema-ids.js";
export { TableReader, TableWriter, tableClassProblem, type TableClass } from "./table-codec.js";
export { DIRECT_COPY_MIN, DictEncoder, DictDecoder, MAX_DEPTH } from "./dict-codec.js";
export type { DictEncoderOptions, DictDecoderOptions } from "./dict-codec.js";
