// LossReport: dropped and rejected messages become warnings, at most one per source per second,
// each with the count since the source's last one; flush() tells the rest.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LossReport, REPORT_EVERY_MS } from "../../src/component/loss-report.js";
import type { LogPlace } from "../../src/component/host-io.js";

function recorder(): { report: LossReport; lines: { message: string; place: LogPlace }[] } {
  const lines: { message: string; place: LogPlace }[] = [];
  return { report: new LossReport((_level, message, place) => lines.push({ message, place })), lines };
}

test("drops: one warning per second at most, counting since the last; nothing when nothing was lost", () => {
  const { report, lines } = recorder();
  let dropped = 5; // counted before the watch began: not this host's to tell
  report.watchDrops({ instance: "logger", method: "log", topic: "frames" }, () => dropped);
  const t0 = performance.now();
  report.check(t0 + REPORT_EVERY_MS + 1);
  assert.equal(lines.length, 0, "nothing dropped since the watch began");
  dropped += 1;
  report.check(t0 + 2 * REPORT_EVERY_MS + 2);
  dropped += 9;
  report.check(t0 + 2 * REPORT_EVERY_MS + 3); // within the second after the last warning: waits
  assert.equal(lines.length, 1);
  assert.match(lines[0]!.message, /^1 message dropped in the last [\d.]+ s: the handler fell behind its publishers \(policy drop-oldest keeps the newest\)$/);
  assert.deepEqual(lines[0]!.place, { instance: "logger", method: "log", topic: "frames" });
  report.flush(t0 + 2 * REPORT_EVERY_MS + 502);
  assert.match(lines[1]!.message, /^9 messages dropped in the last 0\.5 s/);
  report.flush(t0 + 3 * REPORT_EVERY_MS);
  assert.equal(lines.length, 2, "told once");
});

test("rejects: counted per instance, method and topic; told at the check or the flush", () => {
  const { report, lines } = recorder();
  const place = { instance: "camera", method: "grab" };
  for (let i = 0; i < 3; i++) report.rejected(place, "frames");
  report.rejected({ instance: "camera", method: "grab" }, "thumbnails");
  report.check(performance.now() + REPORT_EVERY_MS);
  assert.deepEqual(
    lines.map((l) => [l.place.topic, l.message.replace(/[\d.]+ s/, "T s")]),
    [
      ["frames", "3 messages not published in the last T s: the ring was full (policy reject)"],
      ["thumbnails", "1 message not published in the last T s: the ring was full (policy reject)"],
    ],
  );
  assert.deepEqual(lines[0]!.place, { instance: "camera", method: "grab", topic: "frames" });
  report.rejected(place, "frames");
  report.flush();
  assert.equal(lines.length, 3);
  assert.match(lines[2]!.message, /^1 message not published/);
});
