// Segment names: unguessable, valid POSIX shm names, parseable back.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { parseSegmentName, segmentName } from "../../src/native/platform.js";

const T = { timeout: 5_000 };
const SESSION = "3f2a9c1e-7b4d-4e0a-9d1c-5a6b7c8d9e0f";

describe("segmentName", () => {
  test("has the documented shape", T, () => {
    const name = segmentName(SESSION, "topic.data");
    assert.match(name, /^\/ether-3f2a9c1e-topic\.data-[0-9a-f]{32}$/);
    assert.ok(name.length <= 255);
    assert.match(name.slice(1), /^[A-Za-z0-9._-]+$/);
  });

  test("carries 16 random bytes: no two alike", T, () => {
    const names = new Set(Array.from({ length: 1000 }, () => segmentName(SESSION, "ring")));
    assert.equal(names.size, 1000);
  });

  test("keeps only letters and digits of the session id", T, () => {
    assert.match(segmentName("a/b c-d_e.f-g-h-i", "x"), /^\/ether-abcdefgh-x-/);
    assert.match(segmentName("s1", "x"), /^\/ether-s1-x-/);
  });

  test("parses back; other names give null", T, () => {
    assert.deepEqual(parseSegmentName(segmentName(SESSION, "my-kind")), { sessionShort: "3f2a9c1e", kind: "my-kind" });
    assert.equal(parseSegmentName("/ether-abc-def"), null);
    assert.equal(parseSegmentName("/other-3f2a9c1e-x-" + "0".repeat(32)), null);
  });

  test("rejects unusable inputs", T, () => {
    assert.throws(() => segmentName("---", "x"), { code: "ERR_ETHER_INVALID_OPTION" });
    for (const kind of ["", "a/b", "sp ace", "k".repeat(65)]) {
      assert.throws(() => segmentName(SESSION, kind), { code: "ERR_ETHER_INVALID_OPTION" });
    }
  });
});
