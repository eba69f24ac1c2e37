// parsePeriod: every()'s periods in milliseconds, and clear reasons for bad ones.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_PERIOD_MS, parsePeriod, periodProblem } from "../../src/component/index.js";

describe("parsePeriod", () => {
  it("durations, milliseconds and rates", () => {
    const cases: Array<[Parameters<typeof parsePeriod>[0], number]> = [
      ["10ms", 10],
      ["1s", 1000],
      ["1.5s", 1500],
      [" 250 us ", 0.25],
      ["250µs", 0.25],
      ["500000ns", 0.5],
      ["2min", 120_000],
      ["1h", 3_600_000],
      ["100Hz", 10],
      ["2kHz", 0.5],
      ["10MS", 10],
      [250, 250],
      [0.5, 0.5],
      [{ hz: 1000 }, 1],
      [{ hz: 0.5 }, 2000],
    ];
    for (const [input, ms] of cases) assert.equal(parsePeriod(input), ms, JSON.stringify(input));
  });

  it("bad periods throw ERR_ETHER_INVALID_PERIOD with the input and the reason", () => {
    const bad: Array<[unknown, RegExp]> = [
      ["10 parsecs", /unit "parsecs" is not one of/],
      ["fast", /expected a number and a unit such as "10ms"/],
      ["250", /"250" has no unit/],
      ["-5ms", /expected a number and a unit/],
      ["0ms", /at least 1 µs/],
      [0, /at least 1 µs/],
      [-1, /at least 1 µs/],
      [Infinity, /must be finite/],
      ["0Hz", /above 0 Hz/],
      [{ hz: -1 }, /hz must be a finite number above 0, got -1/],
      [{ hz: 2e6 }, /at least 1 µs/],
      [{ hz: 10, ms: 1 }, /got keys hz, ms/],
      [{}, /got keys \(none\)/],
      [[10], /got an array/],
      [MAX_PERIOD_MS + 1, /at most 2147483647 ms/],
      ["30d", /unit "d"/],
    ];
    for (const [input, reason] of bad) {
      assert.throws(() => parsePeriod(input as never), { code: "ERR_ETHER_INVALID_PERIOD", message: reason }, JSON.stringify(input));
      assert.match(periodProblem(input)!, reason);
    }
    assert.equal(periodProblem("1s"), undefined);
  });
});
