/**
 * `skip`: return it from a `@pub` method to publish nothing this time. Outside a session the method
 * returns it like any other value. A `Symbol.for` symbol, so every copy of etherflow agrees on it.
 *
 * @example
 *   class Filter {
 *     @sub("data") @pub("kept")
 *     keep(m: { x: number }) { return m.x > 0 ? m : skip; }
 *   }
 */
export const skip: unique symbol = Symbol.for("etherflow.skip");

/**
 * The type of `skip`, for return type annotations.
 *
 * @example
 *   function keep(m: { x: number }): { x: number } | Skip { return m.x > 0 ? m : skip; }
 */
export type Skip = typeof skip;
