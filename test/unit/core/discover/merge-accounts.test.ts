import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import type { AccountCandidate } from "../../../../src/core/discover/account-names.ts";
import { mergeAccounts } from "../../../../src/core/discover/merge-accounts.ts";
import { CrossformError } from "../../../../src/core/errors.ts";

const discovered: AccountCandidate[] = [
  { id: "123456789012", organizationName: "Management", ou: "Root", tier: undefined },
  {
    id: "310000000001",
    organizationName: "Payments Prod",
    ou: "Root/Workloads/Prod",
    tier: "prod",
  },
  { id: "320000000001", organizationName: "Dev", ou: "Root/Workloads/Dev", tier: "dev" },
  { id: "410000000001", organizationName: "Sandbox Ana", ou: "Root/Sandbox", tier: undefined },
];

const handWritten = `# yaml-language-server: $schema=./schema/crossform.schema.json
version: 1
accounts:
  # dev is where everything starts (a hand-written comment)
  dev: { id: "320000000001", tier: dev, tags: { team: pay } } # keep me
  prod:   { id: '310000000001', tier: prod, approval: required }

# stacks come later
waves: [["tier:dev"], ["tier:prod"]]
`;

/** The merged text minus the lines merge added: must be the original, byte for byte. */
function withoutAdded(merged: string, added: readonly string[]): string {
  return merged
    .split("\n")
    .filter((line) => !added.some((name) => line.startsWith(`  ${name}:`)))
    .join("\n");
}

test("new accounts are appended to accounts: and every other byte stays (comments, quotes, spacing)", () => {
  const result = mergeAccounts(handWritten, discovered, "crossform.yaml");
  assert.deepEqual(
    result.added.map((a) => a.name),
    ["management", "sandbox-ana"],
  );
  assert.equal(withoutAdded(result.text, ["management", "sandbox-ana"]), handWritten);
  assert.equal(
    result.text,
    handWritten.replace(
      "approval: required }\n",
      'approval: required }\n  management: { id: "123456789012", tags: { ou: "Root" } } # Management\n  sandbox-ana: { id: "410000000001", tags: { ou: "Root/Sandbox" } } # Sandbox Ana\n',
    ),
  );
});

test("accounts whose id is configured are left alone, also under another name", () => {
  const result = mergeAccounts(handWritten, discovered, "crossform.yaml");
  assert.deepEqual(result.known, [
    {
      id: "310000000001",
      name: "prod",
      derivedName: "payments-prod",
      organizationName: "Payments Prod",
    },
    { id: "320000000001", name: "dev", derivedName: undefined, organizationName: "Dev" },
  ]);
  const accounts = (parse(result.text) as { accounts: Record<string, unknown> }).accounts;
  assert.deepEqual(accounts.dev, { id: "320000000001", tier: "dev", tags: { team: "pay" } });
  assert.deepEqual(accounts.prod, { id: "310000000001", tier: "prod", approval: "required" });
  assert.equal(Object.keys(accounts).includes("payments-prod"), false);
});

test("the wave line names the new accounts no existing wave selects", () => {
  const result = mergeAccounts(handWritten, discovered, "crossform.yaml");
  assert.equal(result.waves.line, "[management, sandbox-ana]");
  const before = readConfigText(result.text, "crossform.yaml");
  assert.ok(!before.ok);
  assert.deepEqual(
    before.diagnostics.map((d) => d.code),
    ["config/account-without-wave"],
  );
  const fixed = result.text.replace('["tier:prod"]]', `["tier:prod"], ${result.waves.line}]`);
  const after = readConfigText(fixed, "crossform.yaml");
  assert.ok(after.ok, after.ok ? "" : JSON.stringify(after.diagnostics));
  assert.equal(after.config.accounts.get("sandbox-ana")?.id, "410000000001");
});

test("a new name that clashes with a configured one is suffixed", () => {
  const text = 'version: 1\naccounts:\n  dev: { id: "999999999999" }\n';
  const result = mergeAccounts(text, [discovered[2] as AccountCandidate], "crossform.yaml");
  assert.deepEqual(
    result.added.map((a) => a.name),
    ["dev-0001"],
  );
});

test("nothing new leaves the text as it was", () => {
  const text = 'version: 1\naccounts:\n  a: { id: "123456789012" }\n';
  const result = mergeAccounts(text, [discovered[0] as AccountCandidate], "crossform.yaml");
  assert.equal(result.text, text);
  assert.deepEqual(result.added, []);
});

test("an id written as a YAML number still counts as configured", () => {
  const text =
    "version: 1\naccounts:\n  mgmt: { id: 123456789012 }\n  dev: { id: 0320000000001 }\n";
  const result = mergeAccounts(text, discovered.slice(0, 1), "crossform.yaml");
  assert.deepEqual(result.added, []);
  assert.equal(result.known[0]?.name, "mgmt");
});

test("block entries get block entries, at the file's own indentation", () => {
  const text = [
    "version: 1",
    "accounts:",
    "    dev:",
    "        id: '320000000001' # quoted by hand",
    "        tier: dev",
    "stacks: {}",
    "",
  ].join("\n");
  const result = mergeAccounts(text, discovered.slice(0, 2), "crossform.yaml");
  assert.equal(
    result.text,
    [
      "version: 1",
      "accounts:",
      "    dev:",
      "        id: '320000000001' # quoted by hand",
      "        tier: dev",
      "    management: # Management",
      '        id: "123456789012"',
      '        tags: { ou: "Root" }',
      "    payments-prod: # Payments Prod",
      '        id: "310000000001"',
      "        tier: prod",
      '        tags: { ou: "Root/Workloads/Prod" }',
      "stacks: {}",
      "",
    ].join("\n"),
  );
});

test("a flow map of accounts stays one flow map", () => {
  const text = 'version: 1\naccounts: { dev: { id: "320000000001" } } # all of them\n';
  const result = mergeAccounts(text, discovered.slice(0, 1), "crossform.yaml");
  assert.equal(
    result.text,
    'version: 1\naccounts: { dev: { id: "320000000001" }, management: { id: "123456789012", tags: { ou: "Root" } } } # all of them\n',
  );
});

test("an empty, null or missing accounts: gets a block of entries", () => {
  const cases: [string, string][] = [
    ["version: 1\naccounts: {} # none yet\n", "version: 1\naccounts: # none yet\n  management: "],
    ["version: 1\naccounts:\nwaves: []\n", "version: 1\naccounts:\n  management: "],
    ["version: 1\naccounts: ~\n", "version: 1\naccounts:\n  management: "],
    ["version: 1", "version: 1\naccounts:\n  management: "],
  ];
  for (const [text, start] of cases) {
    const result = mergeAccounts(text, discovered.slice(0, 1), "crossform.yaml");
    assert.ok(result.text.startsWith(start), JSON.stringify(result.text));
    const accounts = (parse(result.text) as { accounts: unknown }).accounts;
    assert.deepEqual(accounts, { management: { id: "123456789012", tags: { ou: "Root" } } }, text);
  }
});

test("a file that is not YAML, or whose accounts: is not a map, is refused with its position", () => {
  const bad = (text: string, pattern: RegExp, fromLine: number): void => {
    assert.throws(
      () => mergeAccounts(text, discovered, "crossform.yaml"),
      (error: unknown) =>
        error instanceof CrossformError &&
        error.source === "user" &&
        pattern.test(error.message) &&
        error.position !== undefined &&
        error.position.line >= fromLine,
    );
  };
  bad('version: 1\naccounts:\n  dev: { id: "1"\n', /crossform.yaml is not valid YAML/, 3);
  bad("version: 1\naccounts:\n  - dev\n", /`accounts:` is not a map/, 3);
  bad("- version\n", /does not hold a map of settings/, 1);
});

test("without waves the merged file validates as it is", () => {
  const text = 'version: 1\n# mine\naccounts:\n  dev: { id: "320000000001", tier: dev }\n';
  const result = mergeAccounts(text, discovered, "crossform.yaml");
  assert.equal(result.waves.hasWaves, false);
  const read = readConfigText(result.text, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
  assert.equal(read.config.accounts.size, 4);
  assert.ok(result.text.includes("# mine\n"));
});

test("a file with CRLF line endings gets CRLF lines", () => {
  const text =
    'version: 1\r\naccounts:\r\n  dev: { id: "320000000001" } # mine\r\nwaves: [[dev]]\r\n';
  const result = mergeAccounts(text, discovered.slice(0, 1), "crossform.yaml");
  assert.equal(
    result.text,
    'version: 1\r\naccounts:\r\n  dev: { id: "320000000001" } # mine\r\n  management: { id: "123456789012", tags: { ou: "Root" } } # Management\r\nwaves: [[dev]]\r\n',
  );
  const missing = mergeAccounts("version: 1\r\n", discovered.slice(0, 1), "crossform.yaml");
  assert.equal(missing.text.includes("\n") && !/[^\r]\n/.test(missing.text), true);
});
