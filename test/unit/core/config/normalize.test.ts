import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Config } from "../../../../src/core/config/model.ts";
import { DEFAULTS, defaultKey, normalizeConfig } from "../../../../src/core/config/normalize.ts";
import { parseConfig } from "../../../../src/core/config/parse-config.ts";
import type { Diagnostic } from "../../../../src/core/errors.ts";

const quickstart = readFileSync(
  new URL("../../../../examples/quickstart/crossform.yaml", import.meta.url),
  "utf8",
);

function normalize(
  text: string,
): { ok: true; config: Config } | { ok: false; diagnostics: Diagnostic[] } {
  const parsed = parseConfig(text, "crossform.yaml");
  assert.ok(parsed.ok, `schema errors: ${parsed.ok ? "" : JSON.stringify(parsed.diagnostics)}`);
  return normalizeConfig(parsed.config, parsed.locator, "crossform.yaml");
}

function config(text: string): Config {
  const result = normalize(text);
  assert.ok(result.ok, `errors: ${result.ok ? "" : JSON.stringify(result.diagnostics, null, 2)}`);
  return result.config;
}

function errors(text: string): Diagnostic[] {
  const result = normalize(text);
  assert.equal(result.ok, false, "expected normalization to fail");
  return result.ok ? [] : result.diagnostics;
}

function lines(...rows: string[]): string {
  return rows.join("\n") + "\n";
}

test("quickstart: accounts get their ids, tiers, role ARNs, regions, approval and waves", () => {
  const c = config(quickstart);
  assert.deepEqual([...c.accounts.keys()], ["dev", "staging", "prod", "shared"]);
  const { vars: _vars, ...prod } = c.accounts.get("prod") ?? {};
  assert.deepEqual(prod, {
    name: "prod",
    id: "333333333333",
    tier: "prod",
    tags: {},
    roleArn: "arn:aws:iam::333333333333:role/TerraformDeploy",
    regions: ["us-east-1", "eu-west-1"],
    externalId: undefined,
    approval: true,
    defaultTags: { "managed-by": "crossform" },
    wave: 2,
  });
  assert.deepEqual(c.accounts.get("dev")?.tags, { team: "pay" });
  assert.deepEqual(c.accounts.get("dev")?.regions, ["us-east-1"]);
  assert.equal(c.accounts.get("dev")?.approval, false);
  assert.deepEqual(
    [...c.accounts.values()].map((a) => [a.name, a.wave]),
    [
      ["dev", 0],
      ["staging", 1],
      ["prod", 2],
      ["shared", 3],
    ],
  );
});

test("quickstart: waves keep list and object forms, named by their selectors or their name", () => {
  const c = config(quickstart);
  assert.deepEqual(
    c.waves.map((w) => [w.name, w.accounts, w.canary, w.tolerance]),
    [
      ["tier:dev", ["dev"], undefined, 0],
      ["tier:staging", ["staging"], undefined, 0],
      ["prod", ["prod"], undefined, 0],
      ["tier:shared", ["shared"], undefined, 0],
    ],
  );
});

test("quickstart: stacks resolve selectors to account names, in account order", () => {
  const c = config(quickstart);
  const network = c.stacks.get("network");
  assert.deepEqual(network?.accounts, ["dev", "staging", "prod"]);
  assert.equal(network?.mode, "per-account");
  assert.deepEqual(network?.vars, { cidr_prefix: "10.0" });
  assert.deepEqual(network?.targetVars, { prod: { cidr_prefix: "10.100" } });
  const app = c.stacks.get("app");
  assert.deepEqual(app?.dependsOn, ["network"]);
  assert.deepEqual(app?.references, { shared: "shared" });
  const dns = c.stacks.get("dns");
  assert.equal(dns?.mode, "multi-account");
  assert.equal(dns?.home, "shared");
  assert.deepEqual(dns?.accounts, ["prod", "shared"]);
  assert.equal(dns?.providers, undefined);
});

test("quickstart: state, session and terraform settings", () => {
  const c = config(quickstart);
  assert.deepEqual(c.state, {
    bucket: "crossform-quickstart-{account_id}-{region}",
    key: "{stack}/terraform.tfstate",
    region: undefined,
    lock: { kind: "s3" },
    account: undefined,
    role: undefined,
  });
  assert.deepEqual(c.base, { profile: undefined, region: "us-east-1" });
  assert.deepEqual(c.terraform, { binary: "terraform", version: ">= 1.10" });
});

test("defaults of everything left out", () => {
  const c = config(lines("version: 1", "accounts:", '  dev: { id: "111111111111" }'));
  assert.deepEqual(c.base, { profile: undefined, region: "us-east-1" });
  assert.deepEqual(c.session, { durationSeconds: 3600, name: "crossform-{user}" });
  assert.equal(c.state.bucket, "crossform-state-{account_id}-{region}");
  assert.equal(c.state.key, "{stack}/terraform.tfstate");
  assert.deepEqual(c.state.lock, { kind: "s3" });
  assert.deepEqual(c.guards, { maxDestroy: 10, maxDestroyApproval: 0, maxUnits: 100 });
  assert.deepEqual(c.run, {
    parallel: 4,
    lockTimeoutSeconds: 0,
    gracePeriodSeconds: undefined,
    keep: 50,
  });
  assert.deepEqual(c.terraform, { binary: "terraform", version: ">= 1.10" });
  assert.deepEqual(c.lint, { failLevel: "error", rules: {}, thirdPartyAccounts: [] });
  assert.deepEqual(c.bootstrap, {
    adminRole: "OrganizationAccountAccessRole",
    deployRole: { trust: [], policyArns: [] },
    noncurrentVersionDays: 90,
  });
  assert.deepEqual(c.ci, { roleArn: undefined, sessionDurationSeconds: undefined });
  assert.deepEqual(c.profiles, { prefix: "" });
  const dev = c.accounts.get("dev");
  assert.equal(dev?.roleArn, "arn:aws:iam::111111111111:role/TerraformDeploy");
  assert.deepEqual(dev?.regions, ["us-east-1"]);
  assert.equal(dev?.tier, "");
  assert.equal(c.stacks.size, 0);
  assert.equal(DEFAULTS.role, "TerraformDeploy");
});

test("without waves every account is in one wave named all", () => {
  const c = config(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333" }',
    ),
  );
  assert.deepEqual(c.waves, [
    { name: "all", accounts: ["dev", "prod"], canary: undefined, tolerance: 0 },
  ]);
  assert.deepEqual(
    [...c.accounts.values()].map((a) => a.wave),
    [0, 0],
  );
});

test("wave objects carry name, canary and tolerance; list waves are named by their selectors", () => {
  const c = config(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", tier: dev }',
      '  p1: { id: "333333333333", tier: prod }',
      '  p2: { id: "333333333334", tier: prod }',
      "waves:",
      "  - [dev]",
      '  - { name: production, select: ["tier:prod"], canary: 1, tolerance: 1 }',
    ),
  );
  assert.deepEqual(c.waves, [
    { name: "dev", accounts: ["dev"], canary: undefined, tolerance: 0 },
    { name: "production", accounts: ["p1", "p2"], canary: 1, tolerance: 1 },
  ]);
  assert.equal(c.accounts.get("p2")?.wave, 1);
});

test("base.region is every account's region when defaults.regions is absent", () => {
  const c = config(
    lines(
      "version: 1",
      "base: { region: eu-central-1, profile: org-admin }",
      "accounts:",
      '  dev: { id: "111111111111" }',
    ),
  );
  assert.deepEqual(c.accounts.get("dev")?.regions, ["eu-central-1"]);
  assert.deepEqual(c.base, { profile: "org-admin", region: "eu-central-1" });
});

test("a role name becomes an ARN in the partition of the account's first region", () => {
  const c = config(
    lines(
      "version: 1",
      "defaults: { role: Deployer }",
      "accounts:",
      '  china: { id: "111111111111", regions: [cn-north-1] }',
      '  gov: { id: "222222222222", regions: [us-gov-west-1, us-gov-east-1] }',
      '  eu: { id: "333333333333", regions: [eu-west-1], role: EuDeployer }',
      '  arn: { id: "444444444444", role: "arn:aws:iam::444444444444:role/path/Custom" }',
    ),
  );
  assert.deepEqual(
    [...c.accounts.values()].map((a) => a.roleArn),
    [
      "arn:aws-cn:iam::111111111111:role/Deployer",
      "arn:aws-us-gov:iam::222222222222:role/Deployer",
      "arn:aws:iam::333333333333:role/EuDeployer",
      "arn:aws:iam::444444444444:role/path/Custom",
    ],
  );
});

test("a default role ARN in one account is an error for every other account, at defaults.role", () => {
  const diagnostics = errors(
    lines(
      "version: 1",
      "defaults:",
      "  role: arn:aws:iam::111111111111:role/TerraformDeploy",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333" }',
    ),
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.position?.line, d.position?.column]),
    [["config/role-in-other-account", 3, 9]],
  );
  assert.match(diagnostics[0]?.message ?? "", /of account prod is in account 111111111111/);
});

test("a role that is not an IAM role ARN is refused", () => {
  const [d] = errors(
    lines("version: 1", "accounts:", '  dev: { id: "111111111111", role: "arn:aws:s3:::bucket" }'),
  );
  assert.equal(d?.code, "config/invalid-role");
  assert.deepEqual([d?.position?.line, d?.position?.column], [3, 36]);
});

test("vars and default_tags merge defaults < account; stack and target vars are kept apart", () => {
  const c = config(
    lines(
      "version: 1",
      "defaults:",
      "  vars: { a: d, b: d, c: d }",
      "  default_tags: { owner: platform, cost: shared }",
      "accounts:",
      "  dev:",
      '    id: "111111111111"',
      "    vars: { b: account, list: [1, 2] }",
      "    default_tags: { cost: dev }",
      '  prod: { id: "333333333333" }',
      "stacks:",
      "  app:",
      "    path: stacks/app",
      "    accounts: [dev, prod]",
      "    vars: { c: stack }",
      "    default_tags: { stack: app }",
      "    targets:",
      "      dev: { vars: { c: target } }",
    ),
  );
  assert.deepEqual(c.accounts.get("dev")?.vars, { a: "d", b: "account", c: "d", list: [1, 2] });
  assert.deepEqual(c.accounts.get("prod")?.vars, { a: "d", b: "d", c: "d" });
  assert.deepEqual(c.accounts.get("dev")?.defaultTags, { owner: "platform", cost: "dev" });
  assert.deepEqual(c.accounts.get("prod")?.defaultTags, { owner: "platform", cost: "shared" });
  const app = c.stacks.get("app");
  assert.deepEqual(app?.vars, { c: "stack" });
  assert.deepEqual(app?.defaultTags, { stack: "app" });
  assert.deepEqual(app?.targetVars, { dev: { c: "target" } });
});

test("external_id is inherited from defaults and overridden per account", () => {
  const c = config(
    lines(
      "version: 1",
      "defaults: { external_id: org-secret }",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333", external_id: prod-secret }',
    ),
  );
  assert.equal(c.accounts.get("dev")?.externalId, "org-secret");
  assert.equal(c.accounts.get("prod")?.externalId, "prod-secret");
});

test("durations become seconds", () => {
  const c = config(
    lines(
      "version: 1",
      "defaults: { session: { duration: 15m, name: 'cf-{user}-{account}' } }",
      "run: { parallel: 8, lock_timeout: 2m, grace_period: 1500ms }",
      "ci: { role_arn: 'arn:aws:iam::999999999999:role/ci', session_duration: 1h }",
      "accounts:",
      '  dev: { id: "111111111111" }',
    ),
  );
  assert.deepEqual(c.session, { durationSeconds: 900, name: "cf-{user}-{account}" });
  assert.deepEqual(c.run, {
    parallel: 8,
    lockTimeoutSeconds: 120,
    gracePeriodSeconds: 1.5,
    keep: 50,
  });
  assert.deepEqual(c.ci, {
    roleArn: "arn:aws:iam::999999999999:role/ci",
    sessionDurationSeconds: 3600,
  });
});

test("stack paths are normalized and regions de-duplicated; stack regions are kept as override", () => {
  const c = config(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", regions: [us-east-1, us-east-1, eu-west-1] }',
      "stacks:",
      "  app: { path: ./stacks//app/, accounts: [dev], regions: [ap-south-1, ap-south-1] }",
      "  up: { path: stacks/app/../up, accounts: [dev] }",
    ),
  );
  assert.deepEqual(c.accounts.get("dev")?.regions, ["us-east-1", "eu-west-1"]);
  assert.equal(c.stacks.get("app")?.path, "stacks/app");
  assert.deepEqual(c.stacks.get("app")?.regions, ["ap-south-1"]);
  assert.equal(c.stacks.get("up")?.path, "stacks/up");
  assert.equal(c.stacks.get("up")?.regions, undefined);
});

test("stack selectors: tags with and without values, OR within a kind, AND across kinds", () => {
  const c = config(
    lines(
      "version: 1",
      "accounts:",
      '  a: { id: "111111111111", tier: prod, tags: { team: pay } }',
      '  b: { id: "222222222222", tier: prod, tags: { team: web } }',
      '  c: { id: "333333333333", tier: dev, tags: { team: pay } }',
      '  d: { id: "444444444444", tier: dev }',
      "stacks:",
      '  s1: { path: s1, accounts: ["tier:prod,tag:team=pay"] }',
      '  s2: { path: s2, accounts: ["tag:team"] }',
      '  s3: { path: s3, accounts: ["tag:team=pay,tag:team=web"] }',
      '  s4: { path: s4, accounts: ["d", "tier:prod"] }',
    ),
  );
  assert.deepEqual(c.stacks.get("s1")?.accounts, ["a"]);
  assert.deepEqual(c.stacks.get("s2")?.accounts, ["a", "b", "c"]);
  assert.deepEqual(c.stacks.get("s3")?.accounts, ["a", "b", "c"]);
  assert.deepEqual(c.stacks.get("s4")?.accounts, ["a", "b", "d"]);
});

test("defaultKey: unique per stack, and per account and region where the bucket is not", () => {
  assert.equal(
    defaultKey("crossform-state-{account_id}-{region}", false),
    "{stack}/terraform.tfstate",
  );
  assert.equal(defaultKey("tfstate-{account_id}", false), "{stack}/{region}/terraform.tfstate");
  assert.equal(
    defaultKey("crossform-state-{state_account_id}-{region}", true),
    "{account}/{stack}/terraform.tfstate",
  );
  assert.equal(defaultKey("central-tfstate", true), "{account}/{stack}/{region}/terraform.tfstate");
  assert.equal(defaultKey("tfstate-{account}-{region}", true), "{stack}/terraform.tfstate");
});

test("a bucket without {region} gets a key with {region}", () => {
  const c = config(
    lines(
      "version: 1",
      "state: { bucket: 'tfstate-{account_id}' }",
      "accounts:",
      '  dev: { id: "111111111111" }',
    ),
  );
  assert.equal(c.state.key, "{stack}/{region}/terraform.tfstate");
});

test("central state account: the default bucket is the state account's, keys carry the account", () => {
  const c = config(
    lines(
      "version: 1",
      "state: { account: shared }",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  shared: { id: "444444444444" }',
    ),
  );
  assert.equal(c.state.account, "shared");
  assert.equal(c.state.bucket, "crossform-state-{state_account_id}-{region}");
  assert.equal(c.state.key, "{account}/{stack}/terraform.tfstate");
});

test("an unknown state account gets a suggestion", () => {
  const [d] = errors(
    lines(
      "version: 1",
      "state: { account: shraed }",
      "accounts:",
      '  shared: { id: "444444444444" }',
    ),
  );
  assert.equal(d?.code, "config/unknown-account");
  assert.deepEqual([d?.position?.line, d?.position?.column], [2, 19]);
  assert.equal(d?.hint, 'did you mean "shared"?');
});

test("lock: dynamodb:<table> is parsed and admits Terraform 1.6", () => {
  const text = readFileSync(
    new URL("../../../fixtures/config/dynamodb-lock-old-terraform/crossform.yaml", import.meta.url),
    "utf8",
  );
  const c = config(text);
  assert.deepEqual(c.state.lock, { kind: "dynamodb", table: "tbl" });
  assert.equal(c.terraform.version, ">= 1.6");
});

test("s3 locking by default with an old constraint points at terraform.version and names OpenTofu", () => {
  const [d, ...rest] = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      "terraform:",
      "  binary: tofu",
      '  version: ">= 1.8, < 2.0"',
    ),
  );
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "config/lock-needs-terraform-1.10");
  assert.deepEqual([d?.position?.line, d?.position?.column], [6, 12]);
  assert.match(d?.message ?? "", /needs OpenTofu >= 1\.10/);
});

test("s3 locking is accepted when the constraint's floor is 1.10", () => {
  for (const version of [">= 1.10", "~> 1.11", ">= 1.10.0, < 2.0", "1.11.4"]) {
    const c = config(
      lines(
        "version: 1",
        "accounts:",
        '  dev: { id: "111111111111" }',
        `terraform: { version: "${version}" }`,
      ),
    );
    assert.equal(c.terraform.version, version);
  }
});

test("a terraform.version that is not a constraint is refused", () => {
  const [d] = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      'terraform: { version: "latest" }',
    ),
  );
  assert.equal(d?.code, "config/invalid-version-constraint");
  assert.deepEqual([d?.position?.line, d?.position?.column], [4, 23]);
});

test("an empty accounts mapping is refused", () => {
  const [d] = errors(lines("version: 1", "accounts: {}"));
  assert.equal(d?.code, "config/no-accounts");
  assert.deepEqual([d?.position?.line, d?.position?.column], [2, 11]);
});

test("a stack depending on itself names itself, at the item", () => {
  const [d, ...rest] = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      "stacks:",
      "  app: { path: app, accounts: [dev], depends_on: [app] }",
    ),
  );
  assert.equal(rest.length, 0);
  assert.equal(d?.code, "config/dependency-cycle");
  assert.equal(d?.message, "stack app depends on itself");
  assert.deepEqual([d?.position?.line, d?.position?.column], [5, 51]);
});

test("home on a per-account stack, an invalid alias, an unselected target and an absolute path", () => {
  const diagnostics = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333" }',
      "stacks:",
      "  app:",
      "    path: /srv/stacks/app",
      "    home: dev",
      "    accounts: [dev]",
      "    references: { Shared-DNS: prod }",
      "    targets:",
      "      prod: { vars: { a: 1 } }",
      "      qa: { vars: { a: 1 } }",
    ),
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.position?.line, d.position?.column]),
    [
      ["config/home-without-multi-account", 8, 11],
      ["config/invalid-alias", 10, 19],
      ["config/target-not-selected", 12, 7],
      ["config/unknown-account", 13, 7],
      ["config/absolute-path", 7, 11],
    ],
  );
});

test("an account missing from waves is not reported on top of a broken wave selector", () => {
  const diagnostics = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", tier: dev }',
      '  prod: { id: "333333333333", tier: prod }',
      "waves:",
      '  - ["tier:dev"]',
      '  - ["tier:prd"]',
    ),
  );
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ["config/selector-matches-nothing"],
  );
});

test("several accounts without a wave are listed in one wave line", () => {
  const [d] = errors(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", tier: dev }',
      '  p1: { id: "333333333333", tier: prod }',
      '  p2: { id: "333333333334", tier: prod }',
      "waves:",
      '  - ["tier:dev"]',
    ),
  );
  assert.equal(d?.code, "config/account-without-wave");
  assert.equal(d?.message, "accounts p1, p2 are in no wave");
  assert.equal(d?.hint, "add them to a wave, e.g. a wave line [p1, p2]");
});

test("run.grace_period: up to 1h is taken, longer is refused at its line (a timer past Node's limit fires at once)", () => {
  const at = (grace: string) =>
    lines(
      "version: 1",
      `run: { grace_period: ${grace} }`,
      "accounts:",
      '  dev: { id: "111111111111" }',
    );
  assert.equal(config(at("1h")).run.gracePeriodSeconds, 3600);
  assert.equal(config(at("3600s")).run.gracePeriodSeconds, 3600);
  for (const grace of ["3601s", "61m", "600h"]) {
    const [error, ...rest] = errors(at(grace));
    assert.equal(rest.length, 0);
    assert.equal(error?.code, "config/grace-period-too-long");
    assert.match(
      error?.message ?? "",
      new RegExp(`^run\\.grace_period ${grace} is longer than 1h`),
    );
    assert.match(error?.hint ?? "", /at most 1h/);
    assert.equal(error?.position?.line, 2);
  }
});
