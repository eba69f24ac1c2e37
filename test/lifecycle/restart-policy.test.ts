// RestartPolicy: which exits restart, exponential backoff and its cap, max restarts in a sliding
// window, validation naming the key. Time is passed in: no timers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RESTART_DEFAULTS, RestartPolicy, validateRestartOptions, type RestartInput } from "../../src/lifecycle/index.js";

const FAILED = { failed: true };
const CLEAN = { failed: false };
const WIDE = { max: 100, delay: 100, max_delay: 100_000, window: 1e9 };

describe("RestartPolicy", () => {
  it("which exits restart: never / on-failure / always", () => {
    const table: Array<[RestartInput, boolean, boolean, string]> = [
      // policy, failed exit?, restart?, reason
      ["never", true, false, "never"],
      ["never", false, false, "never"],
      ["on-failure", true, true, "backoff"],
      ["on-failure", false, false, "clean-exit"],
      ["always", true, true, "backoff"],
      ["always", false, true, "backoff"],
    ];
    for (const [policy, failed, restart, reason] of table) {
      const d = new RestartPolicy(policy).next({ failed }, 0);
      assert.equal(d.restart, restart, `${policy} failed=${failed}`);
      assert.equal(d.reason, reason, `${policy} failed=${failed}`);
      if (!restart) assert.deepEqual([d.delayMs, d.attempt], [0, 0]);
    }
    assert.equal(new RestartPolicy("never").next(FAILED, 0).detail, "the restart policy is never");
    assert.equal(new RestartPolicy("on-failure").next(CLEAN, 0).detail, "the exit did not fail and the restart policy is on-failure");
  });

  it("refusals are not counted as restarts", () => {
    const p = new RestartPolicy({ policy: "on-failure", max: 1, window: 1000 });
    p.next(CLEAN, 0);
    p.next(CLEAN, 1);
    assert.equal(p.restarts, 0);
    assert.equal(p.next(FAILED, 2).restart, true);
  });

  it("backoff doubles from delay and is capped at max_delay", () => {
    const p = new RestartPolicy({ policy: "always", max: 10, delay: 100, max_delay: 1000, window: 1e9 });
    const decisions = Array.from({ length: 7 }, (_, i) => p.next(FAILED, i * 10));
    assert.deepEqual(
      decisions.map((d) => d.delayMs),
      [100, 200, 400, 800, 1000, 1000, 1000],
    );
    assert.deepEqual(
      decisions.map((d) => d.attempt),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(decisions[2]!.detail, "restart 3 of at most 10 within 1000000000 ms, after 400 ms");
  });

  it("backoff stays finite for many restarts, and is 0 with delay 0", () => {
    const p = new RestartPolicy({ ...WIDE, max: 5000, delay: 1, max_delay: 60_000 });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = p.next(FAILED, i).delayMs;
    assert.equal(last, 60_000);
    const zero = new RestartPolicy({ ...WIDE, delay: 0, max_delay: 0 });
    for (let i = 0; i < 50; i++) assert.equal(zero.next(FAILED, i).delayMs, 0);
  });

  it("at most max restarts within the window; the next exit is refused with reason limit", () => {
    const p = new RestartPolicy({ policy: "on-failure", max: 3, delay: 10, max_delay: 1000, window: 10_000 });
    assert.deepEqual(
      [0, 1000, 2000].map((t) => p.next(FAILED, t).restart),
      [true, true, true],
    );
    const refused = p.next(FAILED, 3000);
    assert.deepEqual(refused, {
      restart: false,
      delayMs: 0,
      reason: "limit",
      attempt: 0,
      detail: "3 restart(s) within 10000 ms already (max 3); giving up",
    });
    assert.equal(p.restarts, 3);
    assert.equal(p.restartsInWindow(3000), 3);
  });

  it("the window slides: restarts older than window no longer count, and the backoff shrinks with them", () => {
    const p = new RestartPolicy({ policy: "on-failure", max: 2, delay: 100, max_delay: 10_000, window: 1000 });
    const at = (t: number) => {
      const d = p.next(FAILED, t);
      return [t, d.restart, d.delayMs];
    };
    assert.deepEqual(
      [at(0), at(100), at(999), at(1000), at(1099), at(1100), at(5000)],
      [
        [0, true, 100], // window: [0]
        [100, true, 200], // [0, 100]
        [999, false, 0], // both still inside (999 − 1000 < 0)
        [1000, true, 200], // 0 aged out exactly at 1000; [100, 1000]
        [1099, false, 0], // 100 still inside
        [1100, true, 200], // 100 aged out; [1000, 1100]
        [5000, true, 100], // a quiet window: back to delay
      ],
    );
    assert.equal(p.restarts, 5);
    assert.equal(p.restartsInWindow(5000), 1);
  });

  it("is deterministic: the same calls give the same answers; reset forgets", () => {
    const calls: Array<[boolean, number]> = [
      [true, 0],
      [false, 5],
      [true, 7],
      [true, 9],
      [true, 500],
      [true, 90_000],
    ];
    const run = () => {
      const p = new RestartPolicy({ policy: "always", max: 3, delay: 50, max_delay: 300, window: 60_000 });
      return calls.map(([failed, now]) => p.next({ failed }, now));
    };
    assert.deepEqual(run(), run());
    const p = new RestartPolicy({ max: 1 });
    p.next(FAILED, 0);
    assert.equal(p.next(FAILED, 1).restart, false);
    p.reset();
    assert.equal(p.restarts, 0);
    assert.equal(p.next(FAILED, 2).restart, true);
  });

  it("defaults fill what is left out; a policy name alone is a policy", () => {
    assert.deepEqual(new RestartPolicy().options, RESTART_DEFAULTS);
    assert.deepEqual(new RestartPolicy("always").options, { ...RESTART_DEFAULTS, policy: "always" });
    assert.deepEqual(new RestartPolicy({ max: 2, delay: undefined }).options, { ...RESTART_DEFAULTS, max: 2 });
    assert.ok(Object.isFrozen(new RestartPolicy().options));
  });

  it("bad options throw ERR_ETHER_INVALID_OPTION naming the key (and the spelling it meant)", () => {
    const where = "instances.camera.restart";
    const bad: Array<[unknown, string, RegExp]> = [
      [{ policy: "sometimes" }, "policy", /option policy must be one of never, on-failure, always, got "sometimes"$/],
      [{ policy: "on_failure" }, "policy", /got "on_failure" \(did you mean on-failure\?\)/],
      ["restart-always", "policy", /must be one of/],
      [{ max: 0 }, "max", /option max must be a whole number of restarts of at least 1 \(use policy: never for none\), got 0/],
      [{ max: 2.5 }, "max", /got 2.5/],
      [{ delay: -1 }, "delay", /option delay must be a number of milliseconds from 0 to 2147483647, got -1/],
      [{ delay: "1s" }, "delay", /got "1s" \(the config loader converts durations like "1s"; here give milliseconds\)/],
      [{ max_delay: NaN }, "max_delay", /option max_delay must be a number of milliseconds/],
      [{ delay: 500, max_delay: 100 }, "max_delay", /option max_delay \(100 ms\) must be at least delay \(500 ms\)/],
      [{ window: 0 }, "window", /option window must be a number of milliseconds from 1/],
      [{ maxDelay: 100 }, "maxDelay", /option maxDelay is not a restart option \(did you mean max_delay\?\); the options are policy, max, delay, max_delay, window/],
      [{ retries: 3 }, "retries", /option retries is not a restart option; the options are/],
      [[1], "restart", /must be never, on-failure, always or a map of policy, max, delay, max_delay, window, got a list/],
      [null, "restart", /got null/],
      [5, "restart", /got 5/],
    ];
    for (const [input, key, message] of bad) {
      assert.throws(
        () => new RestartPolicy(input as never, where),
        (e: Error & { code?: string; details?: Record<string, unknown> }) => {
          assert.equal(e.code, "ERR_ETHER_INVALID_OPTION", JSON.stringify(input));
          assert.equal(e.details?.name, key, JSON.stringify(input));
          assert.ok(e.message.startsWith(`${where}: option ${key} `), e.message);
          assert.match(e.message, message);
          return true;
        },
      );
    }
    assert.throws(() => validateRestartOptions({ max: -1 }), { message: /^restart: option max/ });
  });
});
