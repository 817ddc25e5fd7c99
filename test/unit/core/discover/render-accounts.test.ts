import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import {
  renderAccountsYaml,
  renderBlockEntry,
  renderFlowEntry,
} from "../../../../src/core/discover/render-accounts.ts";
import type { AccountEntry } from "../../../../src/core/discover/render-accounts.ts";

const prod: AccountEntry = {
  name: "payments-prod",
  id: "012345678901",
  tier: "prod",
  ou: "Root/Workloads/Prod",
  organizationName: "Payments Prod",
};

test("a flow entry quotes the id, tags the OU path and keeps the organization's name as a comment", () => {
  assert.equal(
    renderFlowEntry(prod),
    'payments-prod: { id: "012345678901", tier: prod, tags: { ou: "Root/Workloads/Prod" } } # Payments Prod',
  );
  assert.equal(
    renderFlowEntry({ ...prod, tier: undefined }, { comment: false }),
    'payments-prod: { id: "012345678901", tags: { ou: "Root/Workloads/Prod" } }',
  );
});

test("names and tiers that YAML would read as other types are quoted", () => {
  const line = renderFlowEntry({ ...prod, name: "true", tier: "null" });
  assert.deepEqual(parse(line), {
    true: { id: "012345678901", tier: "null", tags: { ou: "Root/Workloads/Prod" } },
  });
  assert.ok(line.startsWith('"true": '));
});

test("OU paths with YAML-significant characters survive a round trip", () => {
  const ou = 'Root/Team #1: "core", [x]';
  const parsed = parse(renderFlowEntry({ ...prod, ou })) as Record<
    string,
    { tags: { ou: string } }
  >;
  assert.equal(parsed["payments-prod"]?.tags.ou, ou);
});

test("control characters in the organization's name cannot break the comment", () => {
  const line = renderFlowEntry({ ...prod, organizationName: "evil\nname: x" });
  assert.equal(line.split("\n").length, 1);
  assert.ok(line.endsWith("# evil name: x"));
});

test("a block entry puts one key per line at the given indent", () => {
  assert.deepEqual(renderBlockEntry(prod, "    "), [
    "payments-prod: # Payments Prod",
    '    id: "012345678901"',
    "    tier: prod",
    '    tags: { ou: "Root/Workloads/Prod" }',
  ]);
});

test("the accounts block parses to the entries, ids as strings", () => {
  const text = renderAccountsYaml([
    prod,
    { ...prod, name: "audit", id: "000000000001", tier: undefined, ou: "Root" },
  ]);
  assert.deepEqual(parse(text), {
    accounts: {
      "payments-prod": { id: "012345678901", tier: "prod", tags: { ou: "Root/Workloads/Prod" } },
      audit: { id: "000000000001", tags: { ou: "Root" } },
    },
  });
  assert.equal(renderAccountsYaml([]), "accounts: {}\n");
});
