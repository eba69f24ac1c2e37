// The typed-topic example's components. Samples travel as FlatBuffers `imu.Sample` tables (imu.fbs):
// the sensor returns an object-API SampleT, which its host packs straight into the frame; the monitor
// is given the generated Sample accessor, which reads the frame in place.
import { every, pub, skip, sub, monotonicNs, type Skip } from "etherflow";
import { Sample, SampleT } from "./generated/imu/sample.js";
import { Vec3T } from "./generated/imu/vec3.js";

/** Gravity, m/s^2. */
const G = 9.81;
/** The sensor's sampling period, s (its @every). */
const PERIOD_S = 0.001;

/** A simulated IMU: a sample every millisecond, gravity on z with a small wobble, turning about z at 0.5 rad/s. */
export class ImuSensor {
  #seq = 0;
  readonly #samples: number;
  readonly #name: string;

  constructor(opts: { samples?: number; name?: string } = {}) {
    this.#samples = opts.samples ?? 1000;
    this.#name = opts.name ?? "imu0";
  }

  @every("1ms")
  @pub("imu")
  read(): SampleT | Skip {
    if (this.#seq >= this.#samples) return skip;
    const seq = this.#seq++;
    const wobble = 0.05 * Math.sin(seq / 50);
    return new SampleT(seq, monotonicNs(), new Vec3T(wobble, -wobble, G), new Vec3T(0, 0, 0.5), this.#name);
  }
}

/** Reads every sample in place: checks their order, averages gravity, integrates the yaw rate; says when it has them all. */
export class AttitudeMonitor {
  #expected = 0;
  #outOfOrder = 0;
  #count = 0;
  #gravity = 0;
  #yaw = 0;
  readonly #samples: number;

  constructor(opts: { samples?: number } = {}) {
    this.#samples = opts.samples ?? 1000;
  }

  @sub("imu")
  @pub("monitor/done")
  take(sample: Sample): { samples: number } | Skip {
    const seq = sample.seq();
    if (seq !== this.#expected) this.#outOfOrder++;
    this.#expected = seq + 1;
    this.#gravity += sample.accel()!.z();
    this.#yaw += sample.gyro()!.z() * PERIOD_S; // rad/s over the sensor's period
    if (++this.#count < this.#samples) return skip;
    console.log(
      `Attitude monitor: ${this.#count} samples from ${sample.sensor()}, ${this.#outOfOrder} out of order; ` +
        `mean gravity ${(this.#gravity / this.#count).toFixed(2)} m/s^2, yaw ${this.#yaw.toFixed(2)} rad`,
    );
    return { samples: this.#count };
  }
}
