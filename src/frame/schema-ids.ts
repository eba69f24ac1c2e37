/**
 * Schema ids carried in every ring frame header: they tell a subscriber how to read the frame's
 * bytes. Ids 0 and 1 are fixed; the FlatBuffers tables a session's typed topics name get ids from
 * SCHEMA_TYPED_FIRST up (one per table class, in config order).
 *
 * @example
 *   const bytes = schemaId === SCHEMA_DICT ? decoder.decode(u8, off, len) : u8.subarray(off, off + len);
 */

/** Raw bytes: no encoding, the handler gets the bytes (loans, tensors, images). */
export const SCHEMA_RAW = 0;

/** An Ether dict record: `bindings/schemas/dict.fbs`, root `ether.Dict`, file identifier "ETHD". */
export const SCHEMA_DICT = 1;

/** The first schema id of a session's typed topics (`topics: { imu: { type: ... } }`). */
export const SCHEMA_TYPED_FIRST = 16;

/** The FlatBuffers file identifier of a dict frame (bytes 4..7 of the frame). */
export const DICT_FILE_IDENTIFIER = "ETHD";
