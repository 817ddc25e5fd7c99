import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import type { Config } from "../../../../src/core/config/model.ts";
import type { Diagnostic } from "../../../../src/core/errors.ts";
import { checkStateLayout, regionsOf } from "../../../../src/core/units/units.ts";
import type { Unit, UnitSet } from "../../../../src/core/units/units.ts";

const quickstart = readFileSync(
  new URL("../../../../examples/quickstart/crossform.yaml", import.meta.url),
  "utf8",
);

function read(text: string): { config: Config; units: UnitSet } {
  const result = readConfigText(text, "crossform.yaml");
  assert.ok(result.ok, `errors: ${result.ok ? "" : JSON.stringify(result.diagnostics, null, 2)}`);
  return result;
}

function refused(text: string): Diagnostic[] {
  const result = readConfigText(text, "crossform.yaml");
  assert.equal(result.ok, false, "expected the configuration to be refused");
  return result.ok ? [] : result.diagnostics;
}

function lines(...rows: string[]): string {
  return rows.join("\n") + "\n";
}

function unit(set: UnitSet, id: string): Unit {
  const found = set.byId.get(id);
  assert.ok(found, `no unit ${id}; units: ${set.units.map((u) => u.id).join(", ")}`);
  return found;
}

test("quickstart: one unit per stack, account and region, in config order", () => {
  const { units } = read(quickstart);
  assert.deepEqual(
    units.units.map((u) => u.id),
    [
      "network/dev/us-east-1",
      "network/staging/us-east-1",
      "network/prod/us-east-1",
      "network/prod/eu-west-1",
      "app/dev/us-east-1",
      "app/staging/us-east-1",
      "app/prod/us-east-1",
      "app/prod/eu-west-1",
      "dns/shared/us-east-1",
    ],
  );
  assert.equal(units.byId.size, units.units.length);
});

test("quickstart: waves and file stems; .region only where an account has several regions", () => {
  const { units } = read(quickstart);
  assert.deepEqual(
    units.units.map((u) => [u.id, u.wave, u.fileStem]),
    [
      ["network/dev/us-east-1", 0, "dev"],
      ["network/staging/us-east-1", 1, "staging"],
      ["network/prod/us-east-1", 2, "prod.us-east-1"],
      ["network/prod/eu-west-1", 2, "prod.eu-west-1"],
      ["app/dev/us-east-1", 0, "dev"],
      ["app/staging/us-east-1", 1, "staging"],
      ["app/prod/us-east-1", 2, "prod.us-east-1"],
      ["app/prod/eu-west-1", 2, "prod.eu-west-1"],
      ["dns/shared/us-east-1", 3, "shared"],
    ],
  );
});

test("quickstart: every unit's state is in its own account's bucket for its region", () => {
  const { units } = read(quickstart);
  assert.deepEqual(
    units.units.map((u) => [u.id, u.state.bucket, u.state.key, u.state.region, u.state.accountId]),
    [
      [
        "network/dev/us-east-1",
        "crossform-quickstart-111111111111-us-east-1",
        "network/terraform.tfstate",
        "us-east-1",
        "111111111111",
      ],
      [
        "network/staging/us-east-1",
        "crossform-quickstart-222222222222-us-east-1",
        "network/terraform.tfstate",
        "us-east-1",
        "222222222222",
      ],
      [
        "network/prod/us-east-1",
        "crossform-quickstart-333333333333-us-east-1",
        "network/terraform.tfstate",
        "us-east-1",
        "333333333333",
      ],
      [
        "network/prod/eu-west-1",
        "crossform-quickstart-333333333333-eu-west-1",
        "network/terraform.tfstate",
        "eu-west-1",
        "333333333333",
      ],
      [
        "app/dev/us-east-1",
        "crossform-quickstart-111111111111-us-east-1",
        "app/terraform.tfstate",
        "us-east-1",
        "111111111111",
      ],
      [
        "app/staging/us-east-1",
        "crossform-quickstart-222222222222-us-east-1",
        "app/terraform.tfstate",
        "us-east-1",
        "222222222222",
      ],
      [
        "app/prod/us-east-1",
        "crossform-quickstart-333333333333-us-east-1",
        "app/terraform.tfstate",
        "us-east-1",
        "333333333333",
      ],
      [
        "app/prod/eu-west-1",
        "crossform-quickstart-333333333333-eu-west-1",
        "app/terraform.tfstate",
        "eu-west-1",
        "333333333333",
      ],
      [
        "dns/shared/us-east-1",
        "crossform-quickstart-444444444444-us-east-1",
        "dns/terraform.tfstate",
        "us-east-1",
        "444444444444",
      ],
    ],
  );
  const prod = unit(units, "app/prod/eu-west-1").state;
  assert.equal(prod.accountName, "prod");
  assert.equal(prod.roleArn, "arn:aws:iam::333333333333:role/TerraformDeploy");
  assert.deepEqual(prod.lock, { kind: "s3" });
  assert.equal(prod.externalId, undefined);
});

test("quickstart: app depends on network in the same account and region", () => {
  const { units } = read(quickstart);
  assert.deepEqual(
    units.units.filter((u) => u.dependsOn.length > 0).map((u) => [u.id, u.dependsOn]),
    [
      ["app/dev/us-east-1", ["network/dev/us-east-1"]],
      ["app/staging/us-east-1", ["network/staging/us-east-1"]],
      ["app/prod/us-east-1", ["network/prod/us-east-1"]],
      ["app/prod/eu-west-1", ["network/prod/eu-west-1"]],
    ],
  );
});

test("quickstart: the dns unit lives in its home, reaches every account and region, in the latest wave", () => {
  const { units } = read(quickstart);
  const dns = unit(units, "dns/shared/us-east-1");
  assert.equal(dns.mode, "multi-account");
  assert.equal(dns.account, "shared");
  assert.equal(dns.region, "us-east-1");
  assert.deepEqual(dns.targets, [
    { account: "prod", region: "us-east-1" },
    { account: "prod", region: "eu-west-1" },
    { account: "shared", region: "us-east-1" },
  ]);
  assert.equal(dns.wave, 3);
  assert.equal(units.units.filter((u) => u.stack === "dns").length, 1);
  assert.deepEqual(unit(units, "network/dev/us-east-1").targets, [
    { account: "dev", region: "us-east-1" },
  ]);
});

test("a multi-account unit's wave is the latest of its accounts even when home is earlier", () => {
  const { units } = read(
    lines(
      "version: 1",
      "accounts:",
      '  shared: { id: "444444444444", tier: shared }',
      '  dev: { id: "111111111111", tier: dev }',
      '  prod: { id: "333333333333", tier: prod }',
      "stacks:",
      "  tgw: { path: tgw, mode: multi-account, home: shared, accounts: [shared, dev] }",
      "waves: [[shared], [dev], [prod]]",
    ),
  );
  assert.equal(unit(units, "tgw/shared/us-east-1").wave, 1);
});

test("stack regions override the accounts' regions; several regions put the region in file names", () => {
  const { config, units } = read(
    lines(
      "version: 1",
      "defaults: { regions: [us-east-1] }",
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }',
      "stacks:",
      "  global: { path: global, accounts: [dev, prod], regions: [us-east-1] }",
      "  edge: { path: edge, accounts: [dev], regions: [eu-west-1, ap-south-1] }",
    ),
  );
  assert.deepEqual(
    units.units.map((u) => [u.id, u.fileStem]),
    [
      ["global/dev/us-east-1", "dev"],
      ["global/prod/us-east-1", "prod"],
      ["edge/dev/eu-west-1", "dev.eu-west-1"],
      ["edge/dev/ap-south-1", "dev.ap-south-1"],
    ],
  );
  const edge = config.stacks.get("edge");
  const dev = config.accounts.get("dev");
  assert.ok(edge && dev);
  assert.deepEqual(regionsOf(edge, dev), ["eu-west-1", "ap-south-1"]);
});

test("a multi-account stack with regions lives in its first region and reaches each", () => {
  const { units } = read(
    lines(
      "version: 1",
      "accounts:",
      '  shared: { id: "444444444444", regions: [eu-west-1] }',
      '  prod: { id: "333333333333" }',
      "stacks:",
      "  dns: { path: dns, mode: multi-account, home: shared, accounts: [shared, prod], regions: [us-west-2, us-east-2] }",
    ),
  );
  const dns = unit(units, "dns/shared/us-west-2");
  assert.equal(dns.fileStem, "shared");
  assert.deepEqual(dns.targets, [
    { account: "shared", region: "us-west-2" },
    { account: "shared", region: "us-east-2" },
    { account: "prod", region: "us-west-2" },
    { account: "prod", region: "us-east-2" },
  ]);
});

test("a dependency on a multi-account stack reads its single unit; multi-account reads home's", () => {
  const { units } = read(
    lines(
      "version: 1",
      "accounts:",
      '  shared: { id: "444444444444" }',
      '  dev: { id: "111111111111", regions: [us-east-1, eu-west-1] }',
      "stacks:",
      "  base: { path: base, accounts: [shared, dev] }",
      "  dns: { path: dns, mode: multi-account, home: shared, accounts: [shared, dev], depends_on: [base] }",
      "  app: { path: app, accounts: [dev], depends_on: [dns, base] }",
    ),
  );
  assert.deepEqual(unit(units, "dns/shared/us-east-1").dependsOn, ["base/shared/us-east-1"]);
  assert.deepEqual(unit(units, "app/dev/us-east-1").dependsOn, [
    "dns/shared/us-east-1",
    "base/dev/us-east-1",
  ]);
  assert.deepEqual(unit(units, "app/dev/eu-west-1").dependsOn, [
    "dns/shared/us-east-1",
    "base/dev/eu-west-1",
  ]);
});

test("a dependency missing in one region of an account is an error for that unit only", () => {
  const diagnostics = refused(
    lines(
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", regions: [us-east-1, eu-west-1] }',
      "stacks:",
      "  network: { path: network, accounts: [dev], regions: [us-east-1] }",
      "  app: { path: app, accounts: [dev], depends_on: [network] }",
    ),
  );
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.message]),
    [
      [
        "config/dependency-not-deployed",
        "unit app/dev/eu-west-1 depends on stack network, which is not deployed to dev in eu-west-1",
      ],
    ],
  );
});

test("the state region is the unit's when the bucket has {region}, else base.region, unless set", () => {
  const perRegion = read(
    lines(
      "version: 1",
      "base: { region: eu-central-1 }",
      "accounts:",
      '  dev: { id: "111111111111", regions: [us-west-2] }',
      "stacks:",
      "  app: { path: app, accounts: [dev] }",
    ),
  );
  assert.equal(unit(perRegion.units, "app/dev/us-west-2").state.region, "us-west-2");
  assert.equal(
    unit(perRegion.units, "app/dev/us-west-2").state.bucket,
    "crossform-state-111111111111-us-west-2",
  );

  const single = read(
    lines(
      "version: 1",
      "base: { region: eu-central-1 }",
      "state: { bucket: 'tfstate-{account_id}' }",
      "accounts:",
      '  dev: { id: "111111111111", regions: [us-west-2, us-east-1] }',
      "stacks:",
      "  app: { path: app, accounts: [dev] }",
    ),
  );
  assert.deepEqual(
    single.units.units.map((u) => [u.id, u.state.bucket, u.state.key, u.state.region]),
    [
      [
        "app/dev/us-west-2",
        "tfstate-111111111111",
        "app/us-west-2/terraform.tfstate",
        "eu-central-1",
      ],
      [
        "app/dev/us-east-1",
        "tfstate-111111111111",
        "app/us-east-1/terraform.tfstate",
        "eu-central-1",
      ],
    ],
  );

  const explicit = read(
    lines(
      "version: 1",
      "state: { bucket: 'tfstate-{account_id}-{region}', region: ap-south-1 }",
      "accounts:",
      '  dev: { id: "111111111111" }',
      "stacks:",
      "  app: { path: app, accounts: [dev] }",
    ),
  );
  assert.equal(unit(explicit.units, "app/dev/us-east-1").state.region, "ap-south-1");
});

test("central state account: every unit's state in that account, with distinct keys", () => {
  const { units } = read(
    lines(
      "version: 1",
      "state: { account: state }",
      "accounts:",
      '  state: { id: "999999999999", tier: shared }',
      '  dev: { id: "111111111111", tier: dev }',
      '  prod: { id: "333333333333", tier: prod, regions: [us-east-1, eu-west-1] }',
      "stacks:",
      "  network: { path: network, accounts: [dev, prod] }",
      "  app: { path: app, accounts: [dev, prod], depends_on: [network] }",
      "  dns: { path: dns, mode: multi-account, home: prod, accounts: [dev, prod] }",
    ),
  );
  for (const u of units.units) {
    assert.equal(u.state.accountName, "state", u.id);
    assert.equal(u.state.accountId, "999999999999", u.id);
    assert.equal(u.state.roleArn, "arn:aws:iam::999999999999:role/TerraformDeploy", u.id);
    assert.equal(u.state.bucket, `crossform-state-999999999999-${u.region}`, u.id);
  }
  assert.deepEqual(
    units.units.map((u) => `${u.state.bucket}/${u.state.key}`),
    [
      "crossform-state-999999999999-us-east-1/dev/network/terraform.tfstate",
      "crossform-state-999999999999-us-east-1/prod/network/terraform.tfstate",
      "crossform-state-999999999999-eu-west-1/prod/network/terraform.tfstate",
      "crossform-state-999999999999-us-east-1/dev/app/terraform.tfstate",
      "crossform-state-999999999999-us-east-1/prod/app/terraform.tfstate",
      "crossform-state-999999999999-eu-west-1/prod/app/terraform.tfstate",
      "crossform-state-999999999999-us-east-1/prod/dns/terraform.tfstate",
    ],
  );
});

test("central state account with one bucket, its own state role and {state_account_id}", () => {
  const { units } = read(
    lines(
      "version: 1",
      "state:",
      "  account: state",
      '  bucket: "tfstate-{state_account_id}"',
      '  key: "{tier}/{account}/{region}/{stack}.tfstate"',
      "  role: StateAccess",
      "  region: cn-north-1",
      "  lock: dynamodb:tf-locks",
      "accounts:",
      '  state: { id: "999999999999", regions: [cn-north-1], external_id: st-ext }',
      '  dev: { id: "111111111111", tier: dev, regions: [cn-north-1, cn-northwest-1] }',
      "stacks:",
      "  app: { path: app, accounts: [dev] }",
    ),
  );
  assert.deepEqual(
    units.units.map((u) => [u.state.bucket, u.state.key, u.state.region]),
    [
      ["tfstate-999999999999", "dev/dev/cn-north-1/app.tfstate", "cn-north-1"],
      ["tfstate-999999999999", "dev/dev/cn-northwest-1/app.tfstate", "cn-north-1"],
    ],
  );
  const state = unit(units, "app/dev/cn-north-1").state;
  assert.equal(state.roleArn, "arn:aws-cn:iam::999999999999:role/StateAccess");
  assert.equal(state.externalId, "st-ext");
  assert.deepEqual(state.lock, { kind: "dynamodb", table: "tf-locks" });
});

test("a state role without a central account is assumed in each unit's own account", () => {
  const { units } = read(
    lines(
      "version: 1",
      "state: { role: StateAccess }",
      "accounts:",
      '  dev: { id: "111111111111" }',
      "stacks:",
      "  app: { path: app, accounts: [dev] }",
    ),
  );
  assert.equal(
    unit(units, "app/dev/us-east-1").state.roleArn,
    "arn:aws:iam::111111111111:role/StateAccess",
  );
});

test("the state layout rule reports each shared address and each shared bucket", () => {
  const { config, units } = read(quickstart);
  const first = units.units[0]!;
  const second = units.units[1]!;
  const clash: Unit = { ...second, state: { ...first.state } };
  const diagnostics = checkStateLayout(config, [first, clash]);
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ["state/shared-address"],
  );
  assert.match(
    diagnostics[0]?.message ?? "",
    /units network\/dev\/us-east-1 and network\/staging\/us-east-1 share one state/,
  );
  assert.deepEqual(checkStateLayout(config, units.units), []);

  const otherAccount: Unit = {
    ...second,
    state: { ...second.state, bucket: first.state.bucket, key: "other/terraform.tfstate" },
  };
  const bucketClash = checkStateLayout(config, [first, otherAccount, otherAccount]);
  assert.deepEqual(
    bucketClash.map((d) => d.code),
    ["state/bucket-in-two-accounts", "state/shared-address"],
  );
});

test("bucket names are checked once per bucket, against the S3 naming rules", () => {
  const { config, units } = read(quickstart);
  const base = units.units[0]!;
  const named = (bucket: string, id: string): Unit => ({
    ...base,
    id,
    state: { ...base.state, bucket, key: id },
  });
  const bad = ["ab", "-abc", "abc-", "Abc", "a_bc", "xn--abc", "abc-s3alias", "a".repeat(64)];
  for (const bucket of bad) {
    const diagnostics = checkStateLayout(config, [named(bucket, "u1"), named(bucket, "u2")]);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ["state/invalid-bucket-name"],
      bucket,
    );
  }
  for (const bucket of ["abc", "my.state-bucket-1", "a".repeat(63)]) {
    assert.deepEqual(checkStateLayout(config, [named(bucket, "u1")]), [], bucket);
  }
});

test("a dependency in a later wave is an error naming both units and waves", () => {
  const result = readConfigText(
    [
      "version: 1",
      "accounts:",
      '  dev: { id: "111111111111", tier: dev }',
      '  shared: { id: "444444444444", tier: shared }',
      "stacks:",
      "  dns: { path: dns, mode: multi-account, home: shared, accounts: [shared, dev] }",
      "  app: { path: app, accounts: [dev], depends_on: [dns] }",
      'waves: [["tier:dev"], ["tier:shared"]]',
      "",
    ].join("\n"),
    "crossform.yaml",
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  const d = result.diagnostics.find((x) => x.code === "config/dependency-in-later-wave");
  assert.ok(d, JSON.stringify(result.diagnostics));
  assert.match(
    d.message,
    /app\/dev\/us-east-1 \(wave tier:dev\) depends on dns\/shared\/us-east-1/,
  );
  assert.equal(d.position?.line, 7);
});
