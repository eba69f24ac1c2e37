// Our own code: a small decorated source that feeds the third-party filter.
import { pub, start } from "etherflow";

/** A step from 0 to 10 with a little deterministic ripple, so the smoothing is easy to see. */
export function sample(index: number): number {
  const ripple = [0.4, -0.3, 0.2, -0.4, 0.3][index % 5]!;
  return (index < 5 ? 0 : 10) + ripple;
}

/** Publishes `count` samples on `signal/raw` when the session starts. */
export class SignalSource {
  readonly #count: number;

  constructor({ count = 10 }: { count?: number } = {}) {
    this.#count = count;
  }

  @pub("signal/raw")
  emit(index: number): { index: number; value: number } {
    return { index, value: sample(index) };
  }

  @start()
  run(): void {
    console.log(`SignalSource: sending ${this.#count} samples`);
    for (let i = 0; i < this.#count; i++) this.emit(i);
  }
}
