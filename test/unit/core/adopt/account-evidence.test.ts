import assert from "node:assert/strict";
import { test } from "node:test";
import { guardState, unitAccounts } from "../../../../src/core/adopt/account-evidence.ts";
import { readTerraformState } from "../../../../src/core/adopt/terraform-state.ts";
import type { TerraformState } from "../../../../src/core/adopt/terraform-state.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";

const CONFIG = `
version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "tfstate-{account_id}", key: "{stack}.tfstate" }
accounts:
  dev: { id: "111111111111" }
  prod: { id: "333333333333" }
  shared: { id: "444444444444" }
stacks:
  app: { path: app, accounts: [dev, prod], references: { shared: shared } }
  dns: { path: dns, mode: multi-account, home: shared, accounts: [shared, prod] }
`;

const read = readConfigText(CONFIG, "crossform.yaml");
if (!read.ok) throw new Error(JSON.stringify(read.diagnostics));
const { config, units } = read;
const unit = (id: string) => units.byId.get(id)!;

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

function state(resources: unknown[]): TerraformState {
  const parsed = readTerraformState(
    JSON.stringify({
      version: 4,
      serial: 3,
      lineage: "l-1",
      terraform_version: "1.11.4",
      resources,
    }),
  );
  assert.ok(parsed.ok);
  return parsed.state;
}

function resource(type: string, name: string, attributes: object, provider = AWS, extra = {}) {
  return { mode: "managed", type, name, provider, instances: [{ attributes, ...extra }] };
}

test("a state whose resources live in the unit's own account passes, counted by account", () => {
  const result = guardState(
    state([
      resource("aws_iam_role", "app", { arn: "arn:aws:iam::111111111111:role/app", id: "app" }),
      resource("aws_s3_bucket", "b", { arn: "arn:aws:s3:::bucket-name", id: "bucket-name" }),
      resource("terraform_data", "x", { id: "abc" }, 'provider["terraform.io/builtin/terraform"]'),
    ]),
    unitAccounts(config, unit("app/dev/us-east-1")),
  );
  assert.deepEqual(result.foreign, []);
  assert.deepEqual([...result.accounts], [["111111111111", 1]]);
  assert.equal(result.withoutEvidence, 2);
});

test("a resource of another account under the default provider is foreign, named with its attribute", () => {
  const result = guardState(
    state([
      resource("aws_ssm_parameter", "p", { arn: "arn:aws:ssm:us-east-1:111111111111:parameter/x" }),
      resource("aws_instance", "i", { id: "i-1", owner_id: "111111111111" }),
    ]),
    unitAccounts(config, unit("app/prod/us-east-1")),
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.address, f.attribute, f.accountId, f.allowed]),
    [
      ["aws_ssm_parameter.p", "arn", "111111111111", ["333333333333"]],
      ["aws_instance.i", "owner_id", "111111111111", ["333333333333"]],
    ],
  );
});

test("a resource under an alias belongs to the alias's account: shared's resource in app/dev passes, dev's under aws.shared does not", () => {
  const shared = `${AWS}.shared`;
  const result = guardState(
    state([
      resource(
        "aws_ssm_parameter",
        "reg",
        { arn: "arn:aws:ssm:us-east-1:444444444444:parameter/r" },
        shared,
      ),
      resource(
        "aws_ssm_parameter",
        "bad",
        { arn: "arn:aws:ssm:us-east-1:111111111111:parameter/b" },
        shared,
      ),
    ]),
    unitAccounts(config, unit("app/dev/us-east-1")),
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.address, f.allowed]),
    [["aws_ssm_parameter.bad", ["444444444444"]]],
  );
});

test("a multi-account unit allows each alias's account and nothing else", () => {
  const result = guardState(
    state([
      resource(
        "aws_route53_zone",
        "p",
        { arn: "arn:aws:route53:::hostedzone/Z1", account_id: "444444444444" },
        `${AWS}.shared`,
      ),
      resource("aws_route53_zone", "s", { account_id: "333333333333" }, `${AWS}.prod`),
      resource("aws_route53_zone", "d", { account_id: "111111111111" }, `${AWS}.prod`),
    ]),
    unitAccounts(config, unit("dns/shared/us-east-1")),
  );
  assert.deepEqual(
    result.foreign.map((f) => f.address),
    ["aws_route53_zone.d"],
  );
});

test("a module's own provider and other providers may name any account the unit reaches", () => {
  const accounts = unitAccounts(config, unit("app/dev/us-east-1"));
  assert.deepEqual(accounts.reachable, ["111111111111", "444444444444"]);
  const result = guardState(
    state([
      {
        ...resource(
          "aws_iam_role",
          "m",
          { arn: "arn:aws:iam::444444444444:role/m" },
          `module.x.${AWS}`,
        ),
        module: "module.x",
      },
      {
        ...resource(
          "aws_iam_role",
          "n",
          { arn: "arn:aws:iam::333333333333:role/n" },
          `module.x.${AWS}`,
        ),
        module: "module.x",
      },
    ]),
    accounts,
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.address, f.accountId]),
    [["module.x.aws_iam_role.n", "333333333333"]],
  );
});

test("ARNs deeper in a resource, and AWS-managed ARNs, are not evidence", () => {
  const result = guardState(
    state([
      resource("aws_iam_role_policy_attachment", "a", {
        id: "app-2024",
        policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        role: "app",
      }),
      resource("aws_sns_topic_policy", "t", {
        arn: "arn:aws:sns:us-east-1:111111111111:topic",
        policy: '{"Principal":{"AWS":"arn:aws:iam::999999999999:root"}}',
      }),
    ]),
    unitAccounts(config, unit("app/dev/us-east-1")),
  );
  assert.deepEqual(result.foreign, []);
});

test("a sensitive attribute is named but its value is not kept", () => {
  const result = guardState(
    state([
      resource(
        "aws_secret",
        "s",
        { arn: "arn:aws:secretsmanager:us-east-1:333333333333:secret:x" },
        AWS,
        { sensitive_attributes: [[{ type: "get_attr", value: "arn" }]], index_key: "k" },
      ),
    ]),
    unitAccounts(config, unit("app/dev/us-east-1")),
  );
  assert.deepEqual(
    result.foreign.map((f) => [f.address, f.attribute, f.accountId, f.value]),
    [['aws_secret.s["k"]', "arn", "333333333333", undefined]],
  );
});

test("the state reader refuses what is not a version 4 state, saying why", () => {
  assert.deepEqual(readTerraformState("{"), { ok: false, problem: "it is not JSON" });
  const v3 = readTerraformState(JSON.stringify({ version: 3, lineage: "x", serial: 1 }));
  assert.equal(v3.ok, false);
  assert.match(v3.ok ? "" : v3.problem, /format version 3/);
  const lineage = readTerraformState(JSON.stringify({ version: 4, serial: 1 }));
  assert.deepEqual(lineage, { ok: false, problem: "it has no lineage" });
});
