// The lab's components: a simulated temperature sensor, a data logger and the experiment controller.
import { threadId } from "node:worker_threads";
import { z } from "zod";
import { every, pub, skip, sub, type Skip } from "etherflow";

/** How often the sensor is read. */
const PERIOD_MS = 20;

/** One temperature reading; `t` is the nominal sample time in seconds (sample index × period). */
export const Reading = z.object({ sensor: z.string(), celsius: z.number(), t: z.number() });
export type Reading = z.infer<typeof Reading>;

/** What the data logger reports about its rolling log. */
export interface LogStats {
  readonly sensor: string;
  readonly readings: number;
  readonly window: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
}

/** The command that stops the heater. */
export interface ShutdownCommand {
  readonly reason: string;
  readonly sensor: string;
  readonly celsius: number;
  readonly t: number;
}

/** Where this instance runs: a process id, plus the worker thread id when on a worker thread. */
function where(): string {
  return threadId === 0 ? `PID ${process.pid}` : `PID ${process.pid}, thread ${threadId}`;
}

/** mulberry32: a tiny seeded PRNG, so the simulated noise is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A temperature probe on a heated sample (simulated hardware): the heater warms the sample by `rate`
 * °C per second from `start_celsius`, and each reading carries up to ±`noise` °C of probe noise.
 * Readings are published on `lab/temperature` every 20 ms until a `safety/shutdown` command arrives.
 */
export class TemperatureSensor {
  readonly name: string;
  readonly #start: number;
  readonly #rate: number;
  readonly #noise: number;
  readonly #random: () => number;
  #samples = 0;
  #heating = true;

  constructor({ name = "probe-1", start_celsius = 20, rate = 75, noise = 0.5, seed = 1 } = {}) {
    this.name = name;
    this.#start = start_celsius;
    this.#rate = rate;
    this.#noise = noise;
    this.#random = mulberry32(seed);
  }

  /** Reads the probe once: the heater's ramp at sample time `t`, plus noise. */
  #measure(t: number): number {
    const noise = (this.#random() * 2 - 1) * this.#noise;
    return Math.round((this.#start + this.#rate * t + noise) * 100) / 100;
  }

  @every(`${PERIOD_MS}ms`)
  @pub("lab/temperature")
  read(): Reading | Skip {
    if (!this.#heating) return skip;
    const t = (this.#samples++ * PERIOD_MS) / 1000;
    return { sensor: this.name, celsius: this.#measure(t), t };
  }

  @sub("safety/shutdown")
  shutdown(command: ShutdownCommand): void {
    if (!this.#heating) return;
    this.#heating = false;
    console.log(`TemperatureSensor ${this.name} (${where()}): heater off, readings stopped (${command.reason})`);
  }
}

/**
 * Keeps the last `window` readings and publishes their statistics on `lab/stats` every 250 ms; prints
 * a summary when the experiment is stopped.
 */
export class DataLogger {
  readonly #window: number;
  readonly #log: Reading[] = [];
  #total = 0;
  #reported = 0;

  constructor({ window = 25 } = {}) {
    this.#window = window;
  }

  @sub("lab/temperature", { schema: Reading })
  record(reading: Reading): void {
    this.#log.push(reading);
    if (this.#log.length > this.#window) this.#log.shift();
    this.#total++;
  }

  @every("250ms")
  @pub("lab/stats")
  stats(): LogStats | Skip {
    if (this.#total === this.#reported) return skip; // nothing new since the last report
    this.#reported = this.#total;
    return this.#summary()!;
  }

  @sub("safety/shutdown")
  close(command: ShutdownCommand): void {
    const s = this.#summary();
    const summary = s === undefined ? "no readings" : `${s.readings} readings logged, last ${s.window}: mean ${s.mean.toFixed(2)}, max ${s.max.toFixed(2)}`;
    console.log(`DataLogger (${where()}): experiment stopped (${command.reason}); ${summary}`);
  }

  #summary(): LogStats | undefined {
    if (this.#log.length === 0) return undefined;
    const values = this.#log.map((r) => r.celsius);
    const round = (x: number): number => Math.round(x * 100) / 100;
    return {
      sensor: this.#log.at(-1)!.sensor,
      readings: this.#total,
      window: values.length,
      mean: round(values.reduce((a, b) => a + b, 0) / values.length),
      min: Math.min(...values),
      max: Math.max(...values),
      last: values.at(-1)!,
    };
  }
}

/** Watches the readings and stops the heater, once, when the temperature goes above `max_celsius`. */
export class ExperimentController {
  readonly maxCelsius: number;
  #tripped = false;

  constructor({ max_celsius = 80 } = {}) {
    this.maxCelsius = max_celsius;
  }

  @sub("lab/temperature")
  @pub("safety/shutdown")
  check(reading: Reading): ShutdownCommand | Skip {
    if (this.#tripped || reading.celsius <= this.maxCelsius) return skip;
    this.#tripped = true;
    const { sensor, celsius, t } = reading;
    console.log(`SAFETY SHUTDOWN: ${sensor} read ${celsius.toFixed(2)} °C at t=${t.toFixed(2)} s (limit ${this.maxCelsius} °C)`);
    return { reason: `${sensor} above ${this.maxCelsius} °C`, sensor, celsius, t };
  }

  @sub("lab/stats")
  progress(s: LogStats): void {
    console.log(
      `ExperimentController (${where()}): ${s.readings} readings, last ${s.last.toFixed(2)} °C, ` +
        `last ${s.window}: mean ${s.mean.toFixed(2)}, min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)}`,
    );
  }
}
