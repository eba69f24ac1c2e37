// validateMessage: zod safeParse, compact one-line reasons.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { formatPath, isSchema, validateMessage } from "../../src/component/index.js";

describe("validateMessage", () => {
  const schema = z.object({ data: z.number(), tags: z.array(z.string()).optional(), nested: z.object({ "odd key": z.boolean() }).optional() });

  it("ok with zod's output (unknown keys stripped, defaults applied)", () => {
    assert.deepEqual(validateMessage(schema, { data: 1, extra: true }), { ok: true, value: { data: 1 } });
    const withDefault = z.object({ n: z.number().default(5) });
    assert.deepEqual(validateMessage(withDefault, {}), { ok: true, value: { n: 5 } });
  });

  it("a one-line reason with the path of each issue", () => {
    const r = validateMessage(schema, { data: "x", tags: ["a", 2], nested: { "odd key": 1 } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.doesNotMatch(r.reason, /\n/);
    assert.match(r.reason, /^data: Invalid input: expected number, received string; tags\[1\]: .*; nested\["odd key"\]: /);
  });

  it("the message itself is (root); more than three issues are counted", () => {
    assert.deepEqual(validateMessage(schema, 42), { ok: false, reason: "(root): Invalid input: expected object, received number" });
    const wide = z.object({ a: z.number(), b: z.number(), c: z.number(), d: z.number(), e: z.number() });
    const r = validateMessage(wide, {});
    assert.ok(!r.ok && r.reason.endsWith("; (+2 more)"), JSON.stringify(r));
  });

  it("a schema that throws gives ok: false instead of throwing", () => {
    const asyncRefine = z.object({ a: z.number() }).refine(async () => true);
    const r = validateMessage(asyncRefine, { a: 1 });
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /^schema threw: /);
  });

  it("formatPath and isSchema", () => {
    assert.equal(formatPath([]), "(root)");
    assert.equal(formatPath(["a", 0, "b c", "d"]), 'a[0]["b c"].d');
    assert.equal(isSchema(z.string()), true);
    assert.equal(isSchema({ parse() {} }), false);
  });
});
