// Sizes (binary units only) and durations (a unit is required) as a config writes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatSize, parseSize } from "../../../src/runtime/config/sizes.js";
import { parseDuration } from "../../../src/runtime/config/durations.js";

function size(value: unknown): number {
  const r = parseSize(value);
  assert.ok(r.ok, `${String(value)}: ${r.ok ? "" : r.problem}`);
  return r.value;
}

function sizeProblem(value: unknown): string {
  const r = parseSize(value);
  assert.ok(!r.ok, `${String(value)} parsed`);
  return r.problem;
}

test("sizes: numbers are bytes, strings take binary units", () => {
  assert.equal(size(0), 0);
  assert.equal(size(4096), 4096);
  assert.equal(size("4096"), 4096);
  assert.equal(size("512B"), 512);
  assert.equal(size("64KiB"), 64 * 1024);
  assert.equal(size("4MiB"), 4 * 1024 * 1024);
  assert.equal(size("4 MiB"), 4 * 1024 * 1024);
  assert.equal(size("4mib"), 4 * 1024 * 1024);
  assert.equal(size("1GiB"), 1024 ** 3);
  assert.equal(size("1.5KiB"), 1536);
  assert.equal(size("4_194_304"), 4_194_304);
});

test("sizes: ambiguous and invalid sizes say what to write", () => {
  assert.match(sizeProblem("512KB"), /^"512KB" is ambiguous \(powers of 1000 or of 1024\?\); write "512KiB" for 512 × 1024 bytes, or a number of bytes$/);
  assert.match(sizeProblem("4M"), /write "4MiB"/);
  assert.match(sizeProblem("1gb"), /write "1GiB"/);
  assert.match(sizeProblem("4 parsecs"), /"4 parsecs" has an unknown unit "parsecs"; use B, KiB, MiB or GiB/);
  assert.match(sizeProblem("lots"), /^"lots" is not a size/);
  assert.match(sizeProblem(1.5), /^1\.5 is not a size in bytes/);
  assert.match(sizeProblem(-1), /^-1 is not a size in bytes/);
  assert.match(sizeProblem("0.3KiB"), /is not a whole number of bytes \(307\.2\)/);
  assert.match(sizeProblem(true), /^expected a size, got true/);
  assert.match(sizeProblem([1]), /^expected a size, got a list/);
});

test("formatSize writes exact binary sizes with their unit", () => {
  assert.equal(formatSize(4 << 20), "4MiB");
  assert.equal(formatSize(1 << 30), "1GiB");
  assert.equal(formatSize(1536), "1536 bytes");
  assert.equal(formatSize(1), "1 byte");
});

test("durations: a number with a unit, in milliseconds", () => {
  const ms = (v: unknown): number => {
    const r = parseDuration(v);
    assert.ok(r.ok, String(v));
    return r.value;
  };
  assert.equal(ms("250ms"), 250);
  assert.equal(ms("10s"), 10_000);
  assert.equal(ms("2.5s"), 2500);
  assert.equal(ms("2m"), 120_000);
  assert.equal(ms("1h"), 3_600_000);
  assert.equal(ms("500us"), 0.5);
  assert.equal(ms("0s"), 0);
});

test("durations: a bare number or an unknown unit is an error with an example", () => {
  const problem = (v: unknown): string => {
    const r = parseDuration(v);
    assert.ok(!r.ok, String(v));
    return r.problem;
  };
  assert.match(problem(10), /^10 has no unit \(seconds or milliseconds\?\); write a duration like "250ms"/);
  assert.match(problem("10"), /^"10" has no unit/);
  assert.match(problem("10 sec"), /unknown unit "sec"; use us, ms, s, m or h/);
  assert.match(problem("soon"), /^"soon" is not a duration/);
  assert.match(problem(null), /^expected a duration, got nothing/);
});
