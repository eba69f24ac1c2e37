// The repeat filter of host log lines: the same line within a second is counted, not printed again;
// the count is told before the next different line, when the window has passed, and at flush().
import { test } from "node:test";
import assert from "node:assert/strict";
import { REPEAT_WINDOW_MS, RepeatFilter } from "../../src/runtime/repeat-filter.js";

function recorder(): { out: string[]; filter: RepeatFilter<string> } {
  const out: string[] = [];
  const filter = new RepeatFilter<string>((line, repeats) => out.push(repeats === undefined ? line : `${line} x${repeats.count} in ${repeats.ms}`));
  return { out, filter };
}

test("repeats within the window are counted and told before the next different line", () => {
  const { out, filter } = recorder();
  for (let i = 0; i < 5; i++) filter.offer({ key: "a", line: "boom" }, 100 + i);
  filter.offer({ key: "b", line: "other" }, 200);
  assert.deepEqual(out, ["boom", "boom x4 in 100", "other"]);
});

test("after the window the line prints again (with the count so far), and flush() tells the rest", () => {
  const { out, filter } = recorder();
  filter.offer({ key: "a", line: "boom" }, 0);
  filter.offer({ key: "a", line: "boom" }, 10);
  filter.offer({ key: "a", line: "boom" }, REPEAT_WINDOW_MS + 1);
  filter.offer({ key: "a", line: "boom" }, REPEAT_WINDOW_MS + 2);
  filter.offer({ key: "a", line: "boom" }, REPEAT_WINDOW_MS + 3);
  filter.flush(REPEAT_WINDOW_MS + 50);
  filter.flush(REPEAT_WINDOW_MS + 60);
  assert.deepEqual(out, ["boom", `boom x1 in ${REPEAT_WINDOW_MS + 1}`, "boom", "boom x2 in 49"]);
});

test("lines that alternate are all printed; nothing is counted", () => {
  const { out, filter } = recorder();
  for (let i = 0; i < 3; i++) {
    filter.offer({ key: "a", line: "A" }, i);
    filter.offer({ key: "b", line: "B" }, i);
  }
  filter.flush(10);
  assert.deepEqual(out, ["A", "B", "A", "B", "A", "B"]);
});
