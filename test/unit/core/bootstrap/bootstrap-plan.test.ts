import assert from "node:assert/strict";
import { test } from "node:test";
import { planBootstrap } from "../../../../src/core/bootstrap/bootstrap-plan.ts";
import type { AccountPlan } from "../../../../src/core/bootstrap/bootstrap-plan.ts";
import { deployRoleTrustPolicy } from "../../../../src/core/bootstrap/deploy-role.ts";
import type { Config } from "../../../../src/core/config/model.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import type { UnitSet } from "../../../../src/core/units/units.ts";

function load(lines: string[]): { config: Config; units: UnitSet } {
  const read = readConfigText([...lines, ""].join("\n"), "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
  return { config: read.config, units: read.units };
}

const perAccount = load([
  "version: 1",
  "base: { region: us-east-1 }",
  "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
  'state: { bucket: "tfstate-{account_id}-{region}", lock: "dynamodb:tf-locks" }',
  "bootstrap: { deploy_role: { policy_arns: [arn:aws:iam::aws:policy/AdministratorAccess] } }",
  "accounts:",
  '  dev: { id: "111111111111", external_id: ext-dev }',
  '  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }',
  '  gov: { id: "555555555555", regions: [us-gov-west-1] }',
  "stacks:",
  "  app: { path: stacks/app, accounts: [dev, prod] }",
  "  net: { path: stacks/net, accounts: [prod, dev] }",
]);

const trust = ["arn:aws:iam::123456789012:role/OrgAdmin"];

function byName(plans: AccountPlan[]): Record<string, AccountPlan> {
  return Object.fromEntries(plans.map((p) => [p.account, p]));
}

test("each account that holds state gets its buckets and lock tables, once, in config order", () => {
  const plans = planBootstrap(perAccount.config, perAccount.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: false,
    trust: [],
  });
  assert.deepEqual(
    plans.map((p) => p.account),
    ["dev", "prod"],
  );
  const { dev, prod } = byName(plans);
  assert.deepEqual(dev?.buckets, [{ name: "tfstate-111111111111-us-east-1", region: "us-east-1" }]);
  assert.deepEqual(prod?.buckets, [
    { name: "tfstate-333333333333-us-east-1", region: "us-east-1" },
    { name: "tfstate-333333333333-eu-west-1", region: "eu-west-1" },
  ]);
  assert.deepEqual(prod?.lockTables, [
    { name: "tf-locks", region: "us-east-1" },
    { name: "tf-locks", region: "eu-west-1" },
  ]);
  assert.equal(dev?.adminRoleArn, "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole");
  assert.equal(dev?.region, "us-east-1");
  assert.equal(dev?.partition, "aws");
  assert.equal(dev?.deployRole, undefined);
  assert.equal(dev?.problem, undefined);
});

test("with createRole every reached account gets its deploy role with trust, external id and policies", () => {
  const plans = planBootstrap(perAccount.config, perAccount.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust,
  });
  const { dev, prod } = byName(plans);
  assert.deepEqual(dev?.deployRole, {
    arn: "arn:aws:iam::111111111111:role/TerraformDeploy",
    name: "TerraformDeploy",
    path: "/",
    principals: trust,
    externalId: "ext-dev",
    trustPolicy: deployRoleTrustPolicy(trust, "ext-dev"),
    policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    problem: undefined,
  });
  assert.equal(prod?.deployRole?.externalId, undefined);
  assert.equal(prod?.deployRole?.trustPolicy.Statement[0]?.["Condition"], undefined);
});

test("selected units decide the accounts: only prod's units, only prod", () => {
  const units = perAccount.units.units.filter((u) => u.account === "prod");
  const plans = planBootstrap(perAccount.config, units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust,
  });
  assert.deepEqual(
    plans.map((p) => p.account),
    ["prod"],
  );
});

test("an admin role ARN into one account is a problem for every other account", () => {
  const plans = planBootstrap(perAccount.config, perAccount.units.units, {
    adminRole: "arn:aws:iam::111111111111:role/Admin",
    createRole: false,
    trust: [],
  });
  const { dev, prod } = byName(plans);
  assert.equal(dev?.problem, undefined);
  assert.equal(dev?.adminRoleArn, "arn:aws:iam::111111111111:role/Admin");
  assert.equal(prod?.problem?.code, "bootstrap/admin-role-account");
  assert.match(
    prod?.problem?.message ?? "",
    /arn:aws:iam::111111111111:role\/Admin is not a role in account prod \(333333333333\)/,
  );
});

test("the admin role takes the partition of the account's home region", () => {
  const gov = load([
    "version: 1",
    "base: { region: us-gov-west-1 }",
    'state: { bucket: "tfstate-{account_id}" }',
    "accounts:",
    '  gov: { id: "555555555555", role: Deploy, regions: [us-gov-west-1] }',
    "stacks:",
    "  app: { path: stacks/app, accounts: [gov] }",
  ]);
  const [plan] = planBootstrap(gov.config, gov.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: false,
    trust: [],
  });
  assert.equal(
    plan?.adminRoleArn,
    "arn:aws-us-gov:iam::555555555555:role/OrganizationAccountAccessRole",
  );
  assert.equal(plan?.partition, "aws-us-gov");
});

const central = load([
  "version: 1",
  "base: { region: us-east-1 }",
  "defaults: { role: TerraformDeploy }",
  'state: { bucket: "org-tfstate", account: shared }',
  "accounts:",
  '  dev: { id: "111111111111" }',
  '  shared: { id: "444444444444" }',
  '  other: { id: "222222222222" }',
  "stacks:",
  "  app: { path: stacks/app, accounts: [dev, other] }",
]);
// validate refuses such a role; the plan still refuses to create a role outside its account.
const other = central.config.accounts.get("other");
assert.ok(other);
other.roleArn = "arn:aws:iam::999999999999:role/Elsewhere";

test("a central state account holds the one bucket; its deploy role is created for state access", () => {
  const plans = planBootstrap(central.config, central.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust,
  });
  const { dev, shared, other } = byName(plans);
  assert.deepEqual(
    plans.map((p) => p.account),
    ["dev", "shared", "other"],
  );
  assert.deepEqual(shared?.buckets, [{ name: "org-tfstate", region: "us-east-1" }]);
  assert.deepEqual(dev?.buckets, []);
  assert.equal(shared?.deployRole?.arn, "arn:aws:iam::444444444444:role/TerraformDeploy");
  assert.equal(dev?.deployRole?.problem, undefined);
  assert.equal(other?.deployRole?.problem?.code, "bootstrap/role-in-other-account");
  assert.match(
    other?.deployRole?.problem?.message ?? "",
    /lies in account 999999999999, not 222222222222/,
  );
});

test("without createRole a central state account gets no role, and no trust is needed", () => {
  const plans = planBootstrap(central.config, central.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: false,
    trust: [],
  });
  assert.deepEqual(
    plans.map((p) => p.account),
    ["shared"],
  );
});

test("no principal to trust is a problem of the role, not of the account", () => {
  const plans = planBootstrap(central.config, central.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust: [],
  });
  const { dev } = byName(plans);
  assert.equal(dev?.problem, undefined);
  assert.equal(dev?.deployRole?.problem?.code, "bootstrap/no-trust");
});

test("with createRole a referenced account gets its deploy role too, but no bucket of its own", () => {
  const referencing = load([
    "version: 1",
    "defaults: { role: TerraformDeploy }",
    'state: { bucket: "tfstate-{account_id}" }',
    "accounts:",
    '  dev: { id: "111111111111" }',
    '  shared: { id: "444444444444" }',
    "stacks:",
    "  app: { path: stacks/app, accounts: [dev], references: { hub: shared } }",
  ]);
  const plans = planBootstrap(referencing.config, referencing.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust,
  });
  const { dev, shared } = byName(plans);
  assert.equal(shared?.deployRole?.arn, "arn:aws:iam::444444444444:role/TerraformDeploy");
  assert.deepEqual(shared?.buckets, []);
  assert.deepEqual(dev?.buckets, [{ name: "tfstate-111111111111", region: "us-east-1" }]);
});
