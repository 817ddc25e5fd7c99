import assert from "node:assert/strict";
import { test } from "node:test";
import { walkOrganization } from "../../../../src/core/discover/organization-tree.ts";
import { assignTiers, parseOuTier } from "../../../../src/core/discover/ou-tiers.ts";
import type { OuTierMapping } from "../../../../src/core/discover/ou-tiers.ts";
import { sampleOrganization } from "../../../helpers/fake-organization.ts";

function mappings(...texts: string[]): OuTierMapping[] {
  return texts.map((text) => {
    const parsed = parseOuTier(text);
    assert.ok(parsed.ok, text);
    return parsed.mapping;
  });
}

async function tiers(...texts: string[]): Promise<Record<string, string | undefined>> {
  const tree = await walkOrganization(sampleOrganization());
  const result = assignTiers(mappings(...texts), tree.nodes, tree.accounts);
  assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
  return Object.fromEntries(tree.accounts.map((a) => [a.parent.path, result.tiers.get(a.id)]));
}

test("parseOuTier splits at the last '=' and checks the tier", () => {
  assert.deepEqual(parseOuTier("Prod=prod"), {
    ok: true,
    mapping: { ou: "Prod", tier: "prod", text: "Prod=prod" },
  });
  const equalsInName = parseOuTier("a=b=dev");
  assert.ok(
    equalsInName.ok && equalsInName.mapping.ou === "a=b" && equalsInName.mapping.tier === "dev",
  );
  const noEquals = parseOuTier("Prod");
  assert.ok(!noEquals.ok && noEquals.error.includes('has no "="'));
  const badTier = parseOuTier("Prod=Production");
  assert.ok(!badTier.ok && badTier.error.includes('tier "Production"'));
  const noOu = parseOuTier("=prod");
  assert.ok(!noOu.ok && noOu.error.includes("names no OU"));
});

test("an OU name maps every account below it, at any depth", async () => {
  const result = await tiers("Workloads=workload");
  assert.equal(result["Root/Workloads/Prod"], "workload");
  assert.equal(result["Root/Workloads/NonProd/Dev"], "workload");
  assert.equal(result["Root/Security"], undefined);
  assert.equal(result["Root"], undefined);
});

test("the deepest mapped OU wins", async () => {
  const result = await tiers("Root=shared", "Workloads=nonprod", "Prod=prod", "Dev=dev");
  assert.equal(result["Root"], "shared");
  assert.equal(result["Root/Security"], "shared");
  assert.equal(result["Root/Workloads/Prod"], "prod");
  assert.equal(result["Root/Workloads/NonProd/Dev"], "dev");
  assert.equal(result["Root/Workloads/NonProd/Staging"], "nonprod");
});

test("a path matches with or without the root's name", async () => {
  const result = await tiers("Root/Workloads/NonProd=nonprod", "Workloads/Prod=prod");
  assert.equal(result["Root/Workloads/NonProd/Staging"], "nonprod");
  assert.equal(result["Root/Workloads/Prod"], "prod");
});

test("a mapping naming no OU is an error with the closest OU", async () => {
  const tree = await walkOrganization(sampleOrganization());
  const result = assignTiers(mappings("Prd=prod"), tree.nodes, tree.accounts);
  assert.ok(!result.ok);
  assert.match(
    result.errors[0] ?? "",
    /--ou-tier Prd=prod names no OU of the organization; did you mean Prod\?/,
  );
  assert.match(result.errors[0] ?? "", /OUs: Root, Root\/Sandbox/);
});

test("two mappings naming one OU with different tiers are an error", async () => {
  const tree = await walkOrganization(sampleOrganization());
  const result = assignTiers(
    mappings("Prod=prod", "Root/Workloads/Prod=live"),
    tree.nodes,
    tree.accounts,
  );
  assert.ok(!result.ok);
  assert.equal(
    result.errors[0],
    "--ou-tier Prod=prod and --ou-tier Root/Workloads/Prod=live both name OU Root/Workloads/Prod: keep one of them",
  );
  const same = assignTiers(mappings("Prod=prod", "Workloads/Prod=prod"), tree.nodes, tree.accounts);
  assert.ok(same.ok);
});
