/**
 * Loads of shared words on the per-frame path. On x86-64 every aligned load is already an acquire
 * load: `Atomics.load` and a plain typed-array load are the same `mov` instruction. But Node 20's V8
 * compiles `Atomics.load` to a call into a builtin (~6 ns here, and a publish made four of them),
 * while a plain load is inlined. TurboFan keeps typed-array loads in program order with the other
 * memory accesses of the function and does not merge them or hoist them out of loops (its load
 * elimination does not track typed-array elements; test/transport/acquire.test.ts spins on one), so
 * on x86-64 `loadAcquire` is a plain load. Elsewhere (arm64 needs `ldar`) it is `Atomics.load`.
 *
 * Only loads change: stores that the protocol needs sequentially consistent stay `Atomics.store`
 * (a locked instruction, which is also a full fence); the plain stores are argued in fence.ts.
 *
 * @example
 *   const tail = loadAcquire(i32, TAIL_INDEX); // SYNC tail
 */

/** True where a plain load of an aligned Int32 is an acquire load (x86-64). */
export const PLAIN_LOADS_ACQUIRE = process.arch === "x64";

/** `Atomics.load(words, index)` without the builtin call where the hardware makes that safe. */
export const loadAcquire: (words: Int32Array, index: number) => number = PLAIN_LOADS_ACQUIRE
  ? (words, index) => words[index]!
  : (words, index) => Atomics.load(words, index);
