// The typed-table codec on the table of examples/typed_imu: what a writer makes, a reader reads in
// place at any offset of a larger buffer; frames that cannot hold the table are ERR_ETHER_DECODE.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TableReader, TableWriter, tableClassProblem, type TableClass } from "../../src/frame/index.js";
import { EtherError } from "../../src/errors.js";
import { Sample, SampleT } from "../../examples/typed_imu/generated/imu/sample.js";
import { Vec3T } from "../../examples/typed_imu/generated/imu/vec3.js";

const Table = Sample as unknown as TableClass;

describe("table codec", () => {
  it("packs an object-API instance and reads it back in place, at an offset inside a larger buffer", () => {
    const bytes = new TableWriter(Table, "imu").encode(new SampleT(42, 1.5, new Vec3T(1, 2, 3), null, "imu0"));
    const ring = new Uint8Array(4096);
    ring.set(bytes, 1024);
    const sample = new TableReader(Table, "imu").read(ring, 1024, bytes.length) as Sample;
    assert.ok(sample instanceof Sample);
    assert.deepEqual([sample.seq(), sample.timeNs(), sample.accel()!.z(), sample.gyro(), sample.sensor()], [42, 1.5, 3, null, "imu0"]);
    // In place: a change to the ring shows through the accessor.
    ring[sample.bb_pos + sample.bb!.__offset(sample.bb_pos, 4)] = 43;
    assert.equal(sample.seq(), 43);
  });

  it("a frame that cannot hold the table is ERR_ETHER_DECODE, naming the topic and why", () => {
    const reader = new TableReader(Table, "imu");
    const good = new TableWriter(Table, "imu").encode(new SampleT(1));
    const noIdentifier = good.slice();
    noIdentifier[4] = 0;
    const rootPastEnd = good.slice();
    new DataView(rootPastEnd.buffer).setInt32(0, rootPastEnd.length, true);
    for (const [bytes, why] of [
      [new Uint8Array(4), /4 bytes cannot hold a table/],
      [rootPastEnd, /root offset \d+ points outside/],
      [noIdentifier, /lacks the schema's file identifier/],
    ] as const) {
      assert.throws(() => reader.read(bytes, 0, bytes.length), (e: unknown) => e instanceof EtherError && e.code === "ERR_ETHER_DECODE" && /topic "imu"/.test(e.message) && why.test(e.message));
    }
  });

  it("a finished buffer is taken as it is; only table accessor classes are tables", () => {
    const writer = new TableWriter(Table, "imu");
    const finished = writer.encode(new SampleT(7)).slice();
    assert.equal(writer.encode(finished), finished);
    assert.equal(tableClassProblem(Sample), undefined);
    assert.match(tableClassProblem(SampleT)!, /no __init method/);
  });
});
