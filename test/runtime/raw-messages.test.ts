// Raw messages: a @pub method that returns a typed array, a Buffer or a DataView publishes its bytes
// (schema id 0), and a @sub handler gets a raw frame as a Uint8Array view of the ring, 8-byte aligned
// (a Float32Array image reads in place), on a thread, a process and the main thread. A frame of a
// schema id no handler reads is not delivered: counted invalid, sent to ether/dead-letter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { collect, fixtureSessions } from "../helpers/sessions.js";
import { SCHEMA_RAW } from "../../src/frame/index.js";
import { IMAGE } from "./fixtures/raw.js";

const { session } = fixtureSessions("test/runtime/fixtures");
const COUNT = 20;

for (const placement of ["thread", "process", "main"] as const) {
  test(`raw messages between a ${placement} camera and a monitor: Uint8Array views, in place, every byte`, { timeout: 60_000 }, async () => {
    const ether = await session({
      instances: {
        monitor: { class_path: "./raw.js#RawMonitor" },
        camera: { class_path: "./raw.js#RawCamera", kwargs: { count: COUNT }, placement },
      },
      topics: { images: { max_frame: "16KiB" } },
    });
    const seen = ether.engine!.subscribe("seen");
    await ether.start();
    const reports = await collect(seen, COUNT + 2);
    assert.equal(reports.length, COUNT + 2);
    const bytes = IMAGE.width * IMAGE.height * 4;
    reports.slice(0, COUNT).forEach((r, n) => assert.deepEqual(r, { type: "Uint8Array", length: bytes, aligned: true, first: n, last: -n }));
    assert.deepEqual(reports[COUNT], { type: "Uint8Array", length: 6, aligned: true, hex: Buffer.from("buffer").toString("hex") });
    assert.deepEqual(reports[COUNT + 1], { type: "Uint8Array", length: 8, aligned: true, hex: "efbeadde00000000" }, "the DataView's own 8 bytes");
    const report = await ether.shutdown();
    assert.equal(report.failed, false);
    const images = report.topics.find((t) => t.name === "images")!;
    assert.equal(images.published, COUNT + 2);
    assert.equal(images.bytes, COUNT * bytes + 6 + 8);
  });
}

test("a raw frame from outside the session reaches a handler as bytes; a frame of an unknown schema id is invalid", { timeout: 60_000 }, async () => {
  const ether = await session({ instances: { monitor: { class_path: "./raw.js#RawMonitor" } } });
  const seen = ether.engine!.subscribe("seen");
  const dead = ether.engine!.subscribe("ether/dead-letter");
  await ether.start();
  const pub = ether.engine!.publisher("images");
  pub.publish(Uint8Array.of(1, 2, 3), SCHEMA_RAW);
  pub.publish(Uint8Array.of(4, 5), 9);
  pub.publish(Uint8Array.of(6), SCHEMA_RAW);
  const reports = await collect(seen, 2);
  assert.deepEqual(reports.map((r) => r.hex), ["010203", "06"], "the frame of schema 9 was not delivered");
  const [letter] = await collect(dead, 1);
  assert.equal(letter!.topic, "images");
  assert.equal(letter!.method, "look");
  assert.match(String(letter!.reason), /undecodable frame: schema id 9, which handlers cannot read \(0: raw bytes, 1: dict\)/);
  pub.close();
  const report = await ether.shutdown();
  assert.equal(report.invalid, 1);
  assert.equal(report.topics.find((t) => t.name === "images")!.invalid, 1);
});
