/**
 * Wire constants of the dict record (`bindings/schemas/dict.fbs`), as plain numbers for the codec's
 * hot paths. `test/frame/dict-wire.test.ts` holds them against the generated `ether.Kind` enum and the
 * field order of the generated accessors, so the schema stays the single source of truth.
 *
 * @example
 *   if (kind === KIND_FLOAT) value = view.getFloat64(table + fieldOffset, true);
 */

// ether.Kind: what a Value holds.
/** `ether.Kind.Null`: no field. */
export const KIND_NULL = 0;
/** `ether.Kind.Bool`: field `flag`. */
export const KIND_BOOL = 1;
/** `ether.Kind.Int`: field `num` (a safe integer, never -0). */
export const KIND_INT = 2;
/** `ether.Kind.Float`: field `num`. */
export const KIND_FLOAT = 3;
/** `ether.Kind.String`: field `text`. */
export const KIND_STRING = 4;
/** `ether.Kind.Dict`: field `dict`. */
export const KIND_DICT = 5;
/** `ether.Kind.List`: field `items`. */
export const KIND_LIST = 6;
/** `ether.Kind.NumberList`: field `f64`, read back as an Array of numbers. */
export const KIND_NUMBER_LIST = 7;
/** `ether.Kind.BigInt`: field `big` (int64). */
export const KIND_BIGINT = 8;
/** `ether.Kind.BigIntWide`: field `u8`, two's complement little-endian. */
export const KIND_BIGINT_WIDE = 9;
/** `ether.Kind.Date`: field `num`, ms since the epoch. */
export const KIND_DATE = 10;
/** `ether.Kind.Bytes`: field `u8` (Uint8Array). */
export const KIND_BYTES = 11;
/** `ether.Kind.Uint8ClampedArray` .. `ether.Kind.BigUint64Array`: one kind per typed array. */
export const KIND_U8_CLAMPED = 12;
export const KIND_I8 = 13;
export const KIND_I16 = 14;
export const KIND_U16 = 15;
export const KIND_I32 = 16;
export const KIND_U32 = 17;
export const KIND_F32 = 18;
export const KIND_F64 = 19;
export const KIND_I64 = 20;
export const KIND_U64 = 21;
/** One past the largest kind this version knows; a larger kind is a decode error. */
export const KIND_COUNT = 22;

// Field ids (declaration order) of table ether.Value. The vtable entry of field `id` is at 4 + 2 * id.
/** `Value.kind` (ubyte). */
export const F_KIND = 0;
/** `Value.num` (double). */
export const F_NUM = 1;
/** `Value.flag` (bool). */
export const F_FLAG = 2;
/** `Value.text` (string). */
export const F_TEXT = 3;
/** `Value.dict` (Dict). */
export const F_DICT = 4;
/** `Value.items` ([Value]). */
export const F_ITEMS = 5;
/** `Value.big` (long). */
export const F_BIG = 6;
/** `Value.u8` .. `Value.u64`: the typed vectors. */
export const F_U8 = 7;
export const F_I8 = 8;
export const F_I16 = 9;
export const F_U16 = 10;
export const F_I32 = 11;
export const F_U32 = 12;
export const F_F32 = 13;
export const F_F64 = 14;
export const F_I64 = 15;
export const F_U64 = 16;
/** Number of fields of table ether.Value. */
export const VALUE_FIELD_COUNT = 17;

// Field ids of table ether.Dict.
/** `Dict.keys` ([string]). */
export const F_DICT_KEYS = 0;
/** `Dict.values` ([Value]). */
export const F_DICT_VALUES = 1;
/** Number of fields of table ether.Dict. */
export const DICT_FIELD_COUNT = 2;

/** "ETHD" read as a little-endian uint32 at byte 4 of a frame. */
export const DICT_IDENTIFIER_U32 = 0x44485445;

/**
 * Deepest nesting of dicts and lists, counting the root dict as depth 0. Encoding deeper is an
 * ERR_ETHER_ENCODE; a frame that nests deeper is an ERR_ETHER_DECODE (it bounds the reader's stack).
 */
export const MAX_DEPTH = 64;

/** Alignment, from the start of the frame, of every typed vector's data and of the frame's size. */
export const DATA_ALIGN = 8;
