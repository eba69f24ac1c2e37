// The image pipeline's stages: a camera, a model, a monitor. Images travel as Float32Array fields of
// plain messages: written into the ring once by the camera's host, read in place by the next stage.
import { monotonicNs, pub, skip, sub, every, type Skip } from "etherflow";

/** One camera frame as it travels. */
export interface Frame {
  seq: number;
  /** When the camera captured it (monotonicNs(): comparable across threads and processes). */
  capturedNs: number;
  width: number;
  height: number;
  pixels: Float32Array;
}

/** A synthetic camera: a bright bar that moves one column per frame over a dark, noisy field. */
export class Camera {
  #seq = 0;
  readonly #width: number;
  readonly #height: number;
  readonly #frames: number;

  constructor(opts: { width?: number; height?: number; frames?: number } = {}) {
    this.#width = opts.width ?? 320;
    this.#height = opts.height ?? 240;
    this.#frames = opts.frames ?? 500;
  }

  @every("2ms")
  @pub("camera/frames")
  capture(): Frame | Skip {
    if (this.#seq >= this.#frames) return skip;
    const seq = this.#seq++;
    const width = this.#width;
    const pixels = new Float32Array(width * this.#height);
    const bar = seq % width;
    for (let i = 0; i < pixels.length; i++) {
      const x = i % width;
      pixels[i] = (x >= bar && x < bar + 4 ? 1 : 0.1) + ((i * 2654435761 + seq) % 97) / 9700;
    }
    return { seq, capturedNs: monotonicNs(), width, height: this.#height, pixels };
  }
}

/** The "model": a horizontal gradient (an edge map) and where the strongest edge is. */
export class EdgeDetector {
  @sub("camera/frames")
  @pub("model/edges")
  detect({ seq, capturedNs, width, height, pixels }: Frame): { seq: number; capturedNs: number; edges: Float32Array; strongestColumn: number } {
    const edges = new Float32Array(width * height);
    const columns = new Float64Array(width);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 1; x < width; x++) {
        const g = Math.abs(pixels[row + x]! - pixels[row + x - 1]!);
        edges[row + x] = g;
        columns[x]! += g;
      }
    }
    let strongestColumn = 0;
    for (let x = 1; x < width; x++) if (columns[x]! > columns[strongestColumn]!) strongestColumn = x;
    return { seq, capturedNs, edges, strongestColumn };
  }
}

/** Checks every result arrives, in order, with the edge where the camera put it; keeps the latencies. */
export class Monitor {
  #received = 0;
  #outOfOrder = 0;
  #misplaced = 0;
  #last = -1;
  readonly #latenciesUs: number[] = [];

  constructor(private readonly opts: { width?: number; frames?: number } = {}) {}

  @sub("model/edges")
  @pub("monitor/done")
  check({ seq, capturedNs, strongestColumn }: { seq: number; capturedNs: number; strongestColumn: number }): { frames: number } | Skip {
    this.#latenciesUs.push((monotonicNs() - capturedNs) / 1000);
    if (seq !== this.#last + 1) this.#outOfOrder++;
    this.#last = seq;
    // The bar starts at column seq % width; the first rising edge is that column (column 0 has none).
    const bar = seq % (this.opts.width ?? 320);
    if (bar !== 0 && strongestColumn !== bar && strongestColumn !== bar + 4) this.#misplaced++;
    this.#received++;
    return this.#received === (this.opts.frames ?? 500) ? { frames: this.#received } : skip;
  }

  cleanup(): void {
    const sorted = [...this.#latenciesUs].sort((a, b) => a - b);
    const at = (q: number): string => (sorted.length === 0 ? "-" : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(0));
    console.log(
      `Monitor: ${this.#received} frames, ${this.#outOfOrder} out of order, ${this.#misplaced} with the edge misplaced; ` +
        `camera to monitor latency p50 ${at(0.5)} us, p99 ${at(0.99)} us`,
    );
  }
}
