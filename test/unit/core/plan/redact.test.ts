import assert from "node:assert/strict";
import { test } from "node:test";
import {
  collectSensitiveStrings,
  createScrubber,
  markUnknown,
  maskAt,
  maskMarks,
  redactByMask,
} from "../../../../src/core/plan/redact.ts";

test("maskMarks finds a true anywhere; maskAt narrows a mask to one key or index", () => {
  assert.equal(maskMarks(true), true);
  assert.equal(maskMarks(false), false);
  assert.equal(maskMarks({}), false);
  assert.equal(maskMarks({ a: [false, { b: true }] }), true);
  assert.equal(maskMarks([false, false]), false);
  assert.equal(maskAt(true, "x"), true);
  assert.deepEqual(maskAt({ x: { y: true } }, "x"), { y: true });
  assert.equal(maskAt([false, true], 1), true);
  assert.equal(maskAt(false, "x"), false);
});

test("redactByMask replaces exactly what the mask marks", () => {
  const value = { a: "keep", b: "hide", c: [1, 2, { d: "hide" }], e: { f: "hide-all", g: "x" } };
  const mask = { b: true, c: [false, true, { d: true }], e: true };
  assert.deepEqual(redactByMask(value, mask), {
    a: "keep",
    b: "(sensitive)",
    c: [1, "(sensitive)", { d: "(sensitive)" }],
    e: "(sensitive)",
  });
  assert.equal(redactByMask(null, true), "(sensitive)");
  assert.equal(redactByMask("x", false), "x");
});

test("markUnknown marks unknown parts and adds keys missing from after", () => {
  assert.equal(markUnknown(null, true), "(known after apply)");
  assert.deepEqual(markUnknown({ input: "a" }, { id: true, tags: {} }), {
    input: "a",
    id: "(known after apply)",
  });
  assert.deepEqual(markUnknown(["a", null], [false, true]), ["a", "(known after apply)"]);
  assert.deepEqual(markUnknown({ a: 1 }, {}), { a: 1 });
});

test("collectSensitiveStrings collects strings and numbers under marked parts only", () => {
  const into = new Set<string>();
  collectSensitiveStrings(
    { user: "app", password: "pw-1", nested: { list: ["k1", 42], open: "no" } },
    { password: true, nested: { list: true } },
    into,
  );
  assert.deepEqual([...into].sort(), ["42", "k1", "pw-1"]);
});

test("the scrubber redacts equal values always, substrings from 6 characters on", () => {
  const scrub = createScrubber(["a", "longsecret", "longsecret-extended"]);
  assert.deepEqual(
    scrub.value({
      x: "a",
      y: "banana",
      z: ["prefix-longsecret-suffix", "longsecret-extended!"],
      n: 5,
    }),
    {
      x: "(sensitive)",
      y: "banana",
      z: ["prefix-(sensitive)-suffix", "(sensitive)!"],
      n: 5,
    },
  );
  assert.equal(scrub.text("token longsecret in a log line"), "token (sensitive) in a log line");
  assert.equal(createScrubber([]).text("nothing to do"), "nothing to do");
});
