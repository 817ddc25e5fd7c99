import assert from "node:assert/strict";
import { test } from "node:test";
import { planBootstrap } from "../../../../src/core/bootstrap/bootstrap-plan.ts";
import {
  deployRoleTemplate,
  emitDeployRoleTemplate,
} from "../../../../src/core/bootstrap/cloudformation-template.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";

const trust = ["arn:aws:iam::123456789012:role/OrgAdmin", "arn:aws:iam::123456789012:role/ci"];

function plansOf(lines: string[]) {
  const read = readConfigText([...lines, ""].join("\n"), "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
  return planBootstrap(read.config, read.units.units, {
    adminRole: "OrganizationAccountAccessRole",
    createRole: true,
    trust,
  });
}

const config = [
  "version: 1",
  "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
  'state: { bucket: "tfstate-{account_id}" }',
  "bootstrap: { deploy_role: { policy_arns: [arn:aws:iam::aws:policy/PowerUserAccess] } }",
  "accounts:",
  '  dev: { id: "111111111111", external_id: shared-ext }',
  '  staging: { id: "222222222222", external_id: shared-ext }',
  '  prod: { id: "333333333333", external_id: prod-ext }',
  "stacks:",
  "  app: { path: stacks/app, accounts: [dev, staging, prod] }",
];

test("the template creates the role with a literal trust, an ExternalId parameter and policies", () => {
  const template = deployRoleTemplate({
    roleName: "TerraformDeploy",
    path: "/",
    principals: trust,
    policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
    externalId: "e",
    maxSessionSeconds: 7_200,
  });
  const role = (
    template["Resources"] as Record<string, { Type: string; Properties: Record<string, unknown> }>
  )["DeployRole"];
  assert.equal(role?.Type, "AWS::IAM::Role");
  assert.deepEqual(role?.Properties["RoleName"], { Ref: "RoleName" });
  assert.equal(role?.Properties["MaxSessionDuration"], 7_200);
  assert.equal(role?.Properties["Path"], undefined);
  assert.deepEqual(role?.Properties["ManagedPolicyArns"], [
    "arn:aws:iam::aws:policy/PowerUserAccess",
  ]);
  assert.deepEqual(role?.Properties["AssumeRolePolicyDocument"], {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: trust },
        Action: "sts:AssumeRole",
        Condition: {
          "Fn::If": [
            "HasExternalId",
            { StringEquals: { "sts:ExternalId": { Ref: "ExternalId" } } },
            { Ref: "AWS::NoValue" },
          ],
        },
      },
    ],
  });
  const parameters = template["Parameters"] as Record<string, { Default: string }>;
  assert.equal(parameters["RoleName"]?.Default, "TerraformDeploy");
  assert.equal(parameters["ExternalId"]?.Default, "e");
  assert.deepEqual(template["Conditions"], {
    HasExternalId: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "ExternalId" }, ""] }] },
  });
});

test("a path is kept, session length is clamped to what IAM accepts, no policies means none listed", () => {
  const props = (maxSessionSeconds: number) =>
    (
      deployRoleTemplate({
        roleName: "R",
        path: "/ci/",
        principals: ["arn:aws:iam::1:root"],
        policyArns: [],
        externalId: "",
        maxSessionSeconds,
      })["Resources"] as Record<string, { Properties: Record<string, unknown> }>
    )["DeployRole"]?.Properties ?? {};
  assert.equal(props(900)["MaxSessionDuration"], 3_600);
  assert.equal(props(100_000)["MaxSessionDuration"], 43_200);
  assert.equal(props(3_600)["Path"], "/ci/");
  assert.equal("ManagedPolicyArns" in props(3_600), false);
});

test("emit: the most common external id is the default, the others are overrides", () => {
  const result = emitDeployRoleTemplate(plansOf(config), 3_600);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.emitted.roleName, "TerraformDeploy");
  assert.ok(result.emitted.text.endsWith("}\n"));
  const template = JSON.parse(result.emitted.text) as Record<
    string,
    Record<string, { Default?: string }>
  >;
  assert.equal(template["Parameters"]?.["ExternalId"]?.Default, "shared-ext");
  assert.deepEqual(result.emitted.overrides, [
    { account: "prod", accountId: "333333333333", externalId: "prod-ext" },
  ]);
});

test("emit refuses accounts with different role names, naming each", () => {
  const mixed = [...config];
  mixed[7] = '  prod: { id: "333333333333", role: ProdDeploy }';
  const result = emitDeployRoleTemplate(plansOf(mixed), 3_600);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problem.code, "bootstrap/several-role-names");
  assert.match(
    result.problem.message,
    /dev=\/TerraformDeploy, staging=\/TerraformDeploy, prod=\/ProdDeploy/,
  );
});

test("emit refuses a role in another account and an empty selection", () => {
  const plans = plansOf(config);
  const prod = plans.find((p) => p.account === "prod");
  assert.ok(prod?.deployRole);
  // validate refuses such a role first; the template refuses it too.
  prod.deployRole.problem = {
    code: "bootstrap/role-in-other-account",
    message: "deploy role in another account",
    hint: "fix the role",
  };
  const result = emitDeployRoleTemplate(plans, 3_600);
  assert.equal(result.ok ? "" : result.problem.code, "bootstrap/role-in-other-account");
  const none = emitDeployRoleTemplate([], 3_600);
  assert.equal(none.ok ? "" : none.problem.code, "bootstrap/no-accounts");
});
