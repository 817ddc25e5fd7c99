import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import {
  EXAMPLE_ACCOUNT,
  renderStarterConfig,
} from "../../../../src/core/discover/starter-config.ts";
import type { StarterOptions } from "../../../../src/core/discover/starter-config.ts";

const base: StarterOptions = {
  schema: "https://crossform.dev/schema/crossform.schema.json",
  region: "eu-west-1",
  profile: undefined,
  accounts: undefined,
  tiers: [],
};

function uncomment(text: string, from: string): string {
  // The commented sections, made live: `# stacks:` -> `stacks:`.
  const lines = text.split("\n");
  const start = lines.indexOf(`# ${from}`);
  return lines
    .map((line, i) => (i >= start && /^# (stacks:|waves:| )/.test(line) ? line.slice(2) : line))
    .join("\n");
}

test("the starter file starts with the schema line and validates as written", () => {
  const text = renderStarterConfig(base);
  assert.equal(
    text.split("\n")[0],
    "# yaml-language-server: $schema=https://crossform.dev/schema/crossform.schema.json",
  );
  const result = readConfigText(text, "crossform.yaml");
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.diagnostics));
  assert.equal(result.config.base.region, "eu-west-1");
  assert.deepEqual([...result.config.accounts.keys()], [EXAMPLE_ACCOUNT.name]);
  assert.equal(result.config.accounts.get("dev")?.id, EXAMPLE_ACCOUNT.id);
  assert.equal(result.config.stacks.size, 0);
});

test("it is commented: every section says what it is for", () => {
  const text = renderStarterConfig(base);
  for (const key of ["base:", "defaults:", "state:", "accounts:"]) {
    const lines = text.split("\n");
    const at = lines.indexOf(key);
    assert.ok(at > 0, key);
    assert.ok(lines[at - 1]?.startsWith("# "), `a comment above ${key}`);
  }
  assert.match(text, /^base:\n {2}# profile: org-admin\n {2}region: eu-west-1$/m);
});

test("the operator's profile only appears in the commented example (CI has no such profile)", () => {
  const text = renderStarterConfig({ ...base, profile: "acme admin: 1" });
  assert.match(text, /^ {2}# profile: "acme admin: 1"$/m);
  const parsed = parse(text) as { base: Record<string, unknown> };
  assert.deepEqual(parsed.base, { region: "eu-west-1" });
});

test("with the organization's accounts, the file holds exactly them and validates", () => {
  const text = renderStarterConfig({
    ...base,
    accounts: [
      {
        name: "management",
        id: "123456789012",
        tier: undefined,
        ou: "Root",
        organizationName: "Management",
      },
      {
        name: "payments-prod",
        id: "310000000001",
        tier: "prod",
        ou: "Root/Workloads/Prod",
        organizationName: "Payments Prod",
      },
    ],
    tiers: ["dev", "prod"],
  });
  const result = readConfigText(text, "crossform.yaml");
  assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.diagnostics));
  assert.deepEqual([...result.config.accounts.keys()], ["management", "payments-prod"]);
  assert.deepEqual(result.config.accounts.get("payments-prod")?.tags, {
    ou: "Root/Workloads/Prod",
  });
  assert.match(text, /^# {3}- \["tier:dev"\]\n# {3}- \["tier:prod"\]$/m);
});

test("the commented stacks and waves are valid YAML for the schema once uncommented", () => {
  const text = uncomment(renderStarterConfig(base), "stacks:");
  const parsed = parse(text) as { stacks: unknown; waves: unknown };
  assert.deepEqual(parsed.stacks, { network: { path: "stacks/network", accounts: ["tier:dev"] } });
  assert.deepEqual(parsed.waves, [["tier:dev"], ["tier:prod"]]);
});
