import assert from "node:assert/strict";
import { test } from "node:test";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import {
  boundText,
  codeSpan,
  EXCERPT_LENGTH,
  MESSAGE_LENGTH,
  quote,
} from "../../../src/core/excerpt.ts";

test("quote keeps a short value whole and shortens a long one to an excerpt with its length", () => {
  assert.equal(quote('a "b"'), '"a \\"b\\""');
  const long = "x".repeat(10_000_000);
  const quoted = quote(long);
  assert.equal(quoted, `"${"x".repeat(EXCERPT_LENGTH)}"… (10000000 characters)`);
  // A cut never splits a surrogate pair.
  assert.equal(
    quote(`${"a".repeat(EXCERPT_LENGTH - 1)}😀😀`),
    `"${"a".repeat(EXCERPT_LENGTH - 1)}"… (63 characters)`,
  );
  assert.equal(codeSpan("k".repeat(100)), `\`${"k".repeat(EXCERPT_LENGTH)}\`… (100 characters)`);
  assert.equal(boundText("short"), "short");
  assert.equal(
    boundText("m".repeat(MESSAGE_LENGTH + 5)),
    `${"m".repeat(MESSAGE_LENGTH)}… (5 more characters)`,
  );
});

/** Every message and hint of a configuration's diagnostics, joined. */
function said(text: string): string {
  const result = readConfigText(text, "crossform.yaml");
  assert.equal(result.ok, false);
  return result.ok ? "" : result.diagnostics.map((d) => `${d.message}\n${d.hint ?? ""}`).join("\n");
}

test("a 10 MB scalar, a long key or a whole passwd file is quoted as a short excerpt, never whole", () => {
  // 10 MB once (the YAML parser alone takes seconds over it), 1 MB for the other places.
  const tenMegabytes = "y".repeat(10 * 1024 * 1024);
  const huge = "y".repeat(1024 * 1024);
  // YAML itself limits an implicit key to 1024 characters.
  const key = "y".repeat(1000);
  const cases = [
    `version: "${tenMegabytes}"\naccounts: {}\n`,
    `version: 1\n${key}: 1\naccounts: {}\n`,
    `version: 1\naccounts:\n  dev: { id: "111111111111", tier: "${huge}", regions: ["${huge}"] }\nstacks:\n  app: { path: "../${huge}", accounts: [dev] }\n`,
    `version: 1\naccounts:\n  dev: { id: "111111111111" }\nstacks:\n  app: { path: stacks/app, accounts: ["${huge}"], depends_on: ["${huge}"] }\n`,
    `version: 1\naccounts: {}\n${key}: 1\n${key}: 2\n`,
  ];
  for (const text of cases) {
    const out = said(text);
    assert.ok(out.length > 0);
    assert.ok(out.length < 4000, `${out.length} characters said:\n${out.slice(0, 2000)}`);
    assert.match(out, /y{20}/, "an excerpt of the value is shown");
  }
  const passwd = Array.from(
    { length: 40 },
    (_, i) => `user${i}:x:${1000 + i}:${1000 + i}::/home/user${i}:/bin/bash`,
  ).join("\n");
  const out = said(passwd);
  assert.ok(out.includes("user0:x:1000"), out);
  assert.ok(!out.includes("user39"), out);
  assert.match(out, /\(\d+ characters\)/);
});
