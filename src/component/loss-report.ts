/**
 * Losses a host's policies allow, told rather than only counted: frames a subscription missed under
 * `drop-oldest` (its handler fell behind and the publishers wrote over them), publishes a full
 * ring refused under `reject`, and publishes a stopping host gave up on under `block` (a reader had
 * stopped reading; see Publisher.giveUpWhen). Each source (instance, method, topic) gets at most one warning per
 * REPORT_EVERY_MS, with the count since its last one; `flush()` tells the rest (at the host's stop).
 *
 * @example
 *   const losses = new LossReport((level, message, place) => io.log(level, message, place));
 *   losses.watchDrops({ instance: "logger", method: "log", topic: "frames" }, () => sub.counts().dropped);
 *   if (!pub.publish(bytes)) losses.rejected(place, "frames");
 *   losses.check(performance.now());   // between batches
 */
import type { LogPlace } from "./host-io.js";

/** Shortest time between two warnings about the same source. */
export const REPORT_EVERY_MS = 1000;

type Log = (level: "warn", message: string, place: LogPlace) => void;

interface Source {
  readonly place: LogPlace;
  /** Total so far: the subscription's dropped counter, or the rejected publishes counted here. */
  readonly total: () => number;
  readonly what: (count: number, seconds: string) => string;
  told: number;
  toldAt: number;
}

const plural = (n: number): string => `${n} message${n === 1 ? "" : "s"}`;

/** Warns about dropped and rejected messages of one host; see the module comment. */
export class LossReport {
  readonly #log: Log;
  readonly #sources: Source[] = [];
  /** Rejected-publish sources by instance, method and topic. */
  readonly #rejects = new Map<string, { count: number }>();

  /** `log` writes one warning line. */
  constructor(log: Log) {
    this.#log = log;
  }

  /** Watches a subscription's dropped counter (`dropped()` returns its total). */
  watchDrops(place: LogPlace, dropped: () => number): void {
    this.#sources.push({
      place,
      total: dropped,
      what: (n, s) => `${plural(n)} dropped in the last ${s} s: the handler fell behind its publishers (policy drop-oldest keeps the newest)`,
      told: dropped(),
      toldAt: performance.now(),
    });
  }

  /**
   * Counts one publish that a full ring refused: under policy reject (`why` "full"), or under block
   * because the host was being stopped and a reader had stopped reading (`why` "stopping").
   */
  rejected(place: { readonly instance: string; readonly method: string }, topic: string, why: "full" | "stopping" = "full"): void {
    const key = `${place.instance}\u0000${place.method}\u0000${topic}\u0000${why}`;
    let entry = this.#rejects.get(key);
    if (entry === undefined) {
      const counted = { count: 0 };
      this.#rejects.set(key, counted);
      this.#sources.push({
        place: { instance: place.instance, method: place.method, topic },
        total: () => counted.count,
        what:
          why === "full"
            ? (n, s) => `${plural(n)} not published in the last ${s} s: the ring was full (policy reject)`
            : (n, s) => `${plural(n)} not published in the last ${s} s: the host was stopping and a reader of the topic had stopped reading (its ring was full; policy block)`,
        told: 0,
        toldAt: performance.now(),
      });
      entry = counted;
    }
    entry.count++;
  }

  /** Warns about every source that lost messages since its last warning, if that was REPORT_EVERY_MS ago. */
  check(now: number): void {
    for (const s of this.#sources) if (now - s.toldAt >= REPORT_EVERY_MS) this.#tell(s, now);
  }

  /** Warns about every loss not told yet. */
  flush(now = performance.now()): void {
    for (const s of this.#sources) this.#tell(s, now);
  }

  #tell(s: Source, now: number): void {
    const total = s.total();
    if (total === s.told) return;
    this.#log("warn", s.what(total - s.told, ((now - s.toldAt) / 1000).toFixed(1)), s.place);
    s.told = total;
    s.toldAt = now;
  }
}
