import assert from "node:assert/strict";
import { test } from "node:test";
import { parseConfig } from "../../../../src/core/config/parse-config.ts";
import type { Diagnostic } from "../../../../src/core/errors.ts";

function refused(text: string): Diagnostic[] {
  const result = parseConfig(text, "crossform.yaml");
  assert.equal(result.ok, false, "expected the text to be refused");
  return result.ok ? [] : result.diagnostics;
}

function where(d: Diagnostic | undefined): string {
  return `${d?.position?.file}:${d?.position?.line}:${d?.position?.column}`;
}

// Syntactically broken YAML cannot be a fixture file: `prettier --check .` refuses to parse it.
test("a YAML syntax error names the line and column where the parser stopped", () => {
  const [d, ...rest] = refused(
    [
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      ' staging: { id: "222222222222" }',
      "",
    ].join("\n"),
  );
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "config/yaml-syntax");
  assert.equal(where(d), "crossform.yaml:4:1");
  assert.match(d?.message ?? "", /^all mapping items must start at the same column/);
  assert.match(d?.hint ?? "", /indentation/);
});

test("a tab used as indentation is a syntax error on its line", () => {
  const [d] = refused('version: 1\naccounts:\n\tdev: { id: "111111111111" }\n');
  assert.equal(d?.code, "config/yaml-syntax");
  assert.equal(d?.position?.line, 3);
  assert.match(d?.message ?? "", /tabs/i);
});

test("an unclosed quote is reported, not thrown", () => {
  const [d] = refused('version: 1\naccounts:\n  dev:\n    id: "111111111111\n');
  assert.equal(d?.code, "config/yaml-syntax");
  assert.match(d?.message ?? "", /quote/);
});

test("anchors and aliases defined in order are read as data", () => {
  const result = parseConfig(
    [
      "version: 1",
      "defaults:",
      "  regions: &regions [us-east-1, eu-west-1]",
      "accounts:",
      '  dev: { id: "111111111111", regions: *regions }',
      "",
    ].join("\n"),
    "crossform.yaml",
  );
  assert.ok(result.ok);
  assert.deepEqual(result.config.accounts["dev"]?.regions, ["us-east-1", "eu-west-1"]);
});

test("an alias bomb is refused with a diagnostic instead of expanding", () => {
  const lines = ["version: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
  let previous = "a";
  for (const name of ["b", "c", "d", "e"]) {
    lines.push(
      `${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(", ")}]`,
    );
    previous = name;
  }
  lines.push('accounts: { dev: { id: "111111111111" } }', "");
  const [d, ...rest] = refused(lines.join("\n"));
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "config/yaml-syntax");
  assert.match(d?.message ?? "", /alias/);
});

test("a document that is not a mapping is refused at its start", () => {
  const [d] = refused("- version: 1\n");
  assert.equal(d?.code, "config/invalid-value");
  assert.equal(where(d), "crossform.yaml:1:1");
  assert.match(d?.message ?? "", /^the top level is a list/);
  assert.match(d?.hint ?? "", /a mapping with `version: 1`/);
});

test("a missing version and a missing accounts mapping are both reported at the top", () => {
  const diagnostics = refused("base: { region: us-east-1 }\n");
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message, where(d)]),
    [
      [
        "config/missing-key",
        "missing required key `version` in the top level",
        "crossform.yaml:1:1",
      ],
      [
        "config/missing-key",
        "missing required key `accounts` in the top level",
        "crossform.yaml:1:1",
      ],
    ],
  );
});

test("another configuration version is refused with the value and the fix", () => {
  const [d] = refused('version: 2\naccounts: { dev: { id: "111111111111" } }\n');
  assert.equal(d?.code, "config/invalid-value");
  assert.equal(where(d), "crossform.yaml:1:10");
  assert.match(d?.message ?? "", /^version is 2/);
  assert.equal(d?.hint, "crossform reads configuration version 1: write `version: 1`");
});

test("an account id of the wrong length names the value and wants 12 digits", () => {
  const [d] = refused('version: 1\naccounts:\n  dev: { id: "11111111111" }\n');
  assert.equal(d?.code, "config/invalid-value");
  assert.equal(where(d), "crossform.yaml:3:14");
  assert.equal(d?.message, 'accounts.dev.id is "11111111111": expected exactly 12 digits');
});

test("an unquoted id without leading zeros is still refused, without talk of lost zeros", () => {
  const [d] = refused("version: 1\naccounts:\n  dev: { id: 111111111111 }\n");
  assert.equal(d?.code, "config/account-id-not-string");
  assert.equal(
    d?.message,
    "account id 111111111111 in accounts.dev.id is a YAML number, not a string",
  );
  assert.equal(d?.hint, 'quote it: id: "111111111111"');
});

test("a wave that is neither a list nor a wave object points at the wave", () => {
  const [d] = refused('version: 1\naccounts: { dev: { id: "111111111111" } }\nwaves:\n  - "dev"\n');
  assert.equal(d?.code, "config/invalid-value");
  assert.equal(where(d), "crossform.yaml:4:5");
  assert.equal(d?.message, 'waves[0] is "dev", not a wave');
  assert.match(d?.hint ?? "", /\["tier:dev"\]/);
});

test("an invalid name among a stack's targets is an invalid name at its key", () => {
  const [d] = refused(
    [
      "version: 1",
      'accounts: { dev: { id: "111111111111" } }',
      "stacks:",
      "  app:",
      "    path: stacks/app",
      "    accounts: [dev]",
      "    targets:",
      "      Dev: { vars: { a: 1 } }",
      "",
    ].join("\n"),
  );
  assert.equal(d?.code, "config/invalid-name");
  assert.equal(where(d), "crossform.yaml:8:7");
  assert.equal(d?.message, "invalid name `Dev` in stacks.app.targets");
});

test("the $schema key and a yaml-language-server comment are accepted", () => {
  const result = parseConfig(
    [
      "# yaml-language-server: $schema=./schema/crossform.schema.json",
      "$schema: ./schema/crossform.schema.json",
      "version: 1",
      'accounts: { dev: { id: "111111111111" } }',
      "",
    ].join("\n"),
    "crossform.yaml",
  );
  assert.ok(result.ok);
  assert.deepEqual(result.warnings, []);
});

test("an unknown key inside a nested mapping suggests the key of that mapping", () => {
  const [d] = refused(
    'version: 1\ndefaults:\n  sesion: { duration: 1h }\naccounts: { dev: { id: "111111111111" } }\n',
  );
  assert.equal(d?.code, "config/unknown-key");
  assert.equal(where(d), "crossform.yaml:3:3");
  assert.equal(d?.message, "unknown key `sesion` in defaults");
  assert.equal(d?.hint, "did you mean `session`?");
});

test("the locator finds keys, values and list items, and falls back to the nearest parent", () => {
  const text = [
    "version: 1",
    "accounts:",
    "  dev:",
    '    id: "111111111111"',
    "    regions: [us-east-1, eu-west-1]",
    "",
  ].join("\n");
  const result = parseConfig(text, "conf/crossform.yaml");
  assert.ok(result.ok);
  const { locator } = result;
  const at = (path: (string | number)[], key = false): [number, number] => {
    const p = locator.positionOf(path, { key });
    assert.equal(p.file, "conf/crossform.yaml");
    return [p.line, p.column];
  };
  assert.deepEqual(at(["accounts", "dev", "id"]), [4, 9]);
  assert.deepEqual(at(["accounts", "dev", "id"], true), [4, 5]);
  assert.deepEqual(at(["accounts", "dev", "regions", 1]), [5, 26]);
  assert.deepEqual(at(["accounts", "dev", "role"]), [4, 5]);
  assert.deepEqual(at(["stacks", "app"]), [1, 1]);
  assert.deepEqual(at([]), [1, 1]);
});
