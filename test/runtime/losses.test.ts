// Messages a topic's policy lets go are told, not only counted: a slow reader of a drop-oldest topic
// and a publisher refused by a full reject topic each get warnings (on ether/log and printed) naming
// the instance, the method and the topic, whose counts add up to the topic's own counters, as do the
// shutdown report's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { DictDecoder } from "../../src/frame/index.js";
import { fixtureSessions } from "../helpers/sessions.js";

const { C, session } = fixtureSessions("test/runtime/fixtures");
const FLOOD = 20_000;

for (const policy of ["drop-oldest", "reject"] as const) {
  test(`messages lost under ${policy} are warned about, with counts that add up`, { timeout: 60_000 }, async () => {
    const ether = await session({
      instances: { flood: { class_path: C("Flood"), kwargs: { count: FLOOD } }, reader: { class_path: C("FairReader") } },
      topics: { flood: { capacity: "16KiB", policy } },
    });
    const log = ether.engine!.topic("ether/log").subscriber({ wait: "spin" });
    await ether.start();
    // The flood is over once every message is accounted for at its reader (drop-oldest) or publisher (reject).
    const settled = (): boolean => {
      const s = ether.engine!.space.stats("flood");
      return policy === "reject" ? s.published + s.rejected === FLOOD && s.delivered === s.published : s.delivered + s.dropped === FLOOD;
    };
    for (const until = performance.now() + 30_000; !settled() && performance.now() < until; ) await sleep(10);
    const stats = ether.engine!.space.stats("flood");
    assert.ok(settled(), `the flood settled: ${JSON.stringify(stats)}`);
    const lost = policy === "reject" ? stats.rejected : stats.dropped;
    assert.ok(lost > 0, "the small ring lost messages");
    const report = await ether.shutdown();
    assert.equal(report.failed, false, "a loss the policy allows is not a failure");
    assert.equal(policy === "reject" ? report.rejected : report.dropped, lost, "and shutdown() reports it");
    assert.equal(policy === "reject" ? report.dropped : report.rejected, 0);
    const decoder = new DictDecoder();
    const lines: Record<string, unknown>[] = [];
    log.poll((f) => lines.push(structuredClone(decoder.decode(f.buffer, f.offset, f.length))));
    const warnings = lines.filter((l) => l.level === "warn" && l.topic === "flood");
    const [instance, method, says] = policy === "reject" ? ["flood", "emit", /^(\d+) messages? not published in the last [\d.]+ s: the ring was full \(policy reject\)$/] : ["reader", "take", /^(\d+) messages? dropped in the last [\d.]+ s: the handler fell behind its publishers/];
    assert.ok(warnings.length > 0, "warned");
    let told = 0;
    for (const w of warnings) {
      assert.equal(w.instance, instance);
      assert.equal(w.method, method);
      const m = says.exec(String(w.message));
      assert.ok(m !== null, String(w.message));
      told += Number(m[1]);
    }
    assert.equal(told, lost, "the warnings account for every lost message");
  });
}
