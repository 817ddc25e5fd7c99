import assert from "node:assert/strict";
import { test } from "node:test";
import type { BootstrapReport } from "../../../src/core/bootstrap/report.ts";
import {
  formatBootstrap,
  formatBootstrapJson,
  formatEmitNotes,
  totalsLine,
} from "../../../src/formatters/bootstrap.ts";

const report: BootstrapReport = {
  version: 1,
  dryRun: false,
  accounts: [
    {
      account: "dev",
      accountId: "111111111111",
      adminRoleArn: "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
      error: undefined,
      resources: [
        {
          kind: "bucket",
          name: "tfstate-111111111111",
          region: "us-east-1",
          status: "created",
          changes: ["versioning", "policy"],
          notes: [],
          error: undefined,
        },
        {
          kind: "deploy-role",
          name: "arn:aws:iam::111111111111:role/TerraformDeploy",
          region: undefined,
          status: "unchanged",
          changes: [],
          notes: [
            "bootstrap.deploy_role.policy_arns is empty: the role gets no permissions from bootstrap",
          ],
          error: undefined,
        },
      ],
    },
    {
      account: "prod",
      accountId: "333333333333",
      adminRoleArn: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
      error: {
        code: "aws/access-denied",
        message: "access denied assuming the admin role",
        hint: "allow sts:AssumeRole",
      },
      resources: [],
    },
  ],
};

test("the table has one row per resource, failed accounts with their hint, and totals", () => {
  assert.equal(
    formatBootstrap(report),
    [
      "ACCOUNT  ID            RESOURCE     NAME                                            REGION     STATUS     DETAIL",
      "dev      111111111111  bucket       tfstate-111111111111                            us-east-1  created    versioning, policy",
      "dev      111111111111  deploy-role  arn:aws:iam::111111111111:role/TerraformDeploy  -          unchanged  bootstrap.deploy_role.policy_arns is empty: the role gets no permissions from bootstrap",
      "prod     333333333333  account      -                                               -          failed     access denied assuming the admin role",
      "  hint: allow sts:AssumeRole",
      "2 accounts: 1 created, 1 unchanged; 1 account failed",
      "",
    ].join("\n"),
  );
});

test("a dry run says so first", () => {
  const text = formatBootstrap({ ...report, dryRun: true, accounts: [] });
  assert.ok(text.startsWith("dry run: nothing was changed\n"));
  assert.ok(text.endsWith("0 accounts: no resources\n"));
});

test("totals list statuses in a fixed order", () => {
  const first = report.accounts[0];
  const bucket = first?.resources[0];
  assert.ok(first && bucket);
  const mixed: BootstrapReport = {
    ...report,
    accounts: [
      {
        ...first,
        resources: [
          { ...bucket, status: "would-update" },
          { ...bucket, status: "would-create" },
          {
            ...bucket,
            status: "failed",
            error: { code: "x", message: "m", hint: undefined },
          },
        ],
      },
    ],
  };
  assert.equal(
    totalsLine(mixed),
    "1 account: 1 would-create, 1 would-update, 1 failed; 1 account failed",
  );
});

test("JSON keeps a versioned shape with explicit nulls and totals", () => {
  const json = JSON.parse(formatBootstrapJson(report)) as Record<string, unknown>;
  assert.equal(json["version"], 1);
  assert.equal(json["ok"], false);
  assert.equal(json["dryRun"], false);
  assert.deepEqual(json["totals"], {
    created: 1,
    updated: 0,
    unchanged: 1,
    "would-create": 0,
    "would-update": 0,
    failed: 0,
  });
  const accounts = json["accounts"] as Record<string, unknown>[];
  assert.equal(accounts[0]?.["error"], null);
  assert.deepEqual((accounts[0]?.["resources"] as Record<string, unknown>[])[1]?.["region"], null);
  assert.deepEqual(accounts[1]?.["error"], {
    code: "aws/access-denied",
    message: "access denied assuming the admin role",
    hint: "allow sts:AssumeRole",
  });
});

test("emit notes name the file and the accounts that need an ExternalId override", () => {
  assert.equal(
    formatEmitNotes(
      {
        text: "{}\n",
        roleName: "TerraformDeploy",
        overrides: [
          { account: "prod", accountId: "333333333333", externalId: "p-1" },
          { account: "dev", accountId: "111111111111", externalId: "" },
        ],
      },
      "deploy-role.json",
    ),
    [
      "wrote the StackSet template for the deploy role TerraformDeploy to deploy-role.json",
      "stack instances that need a parameter override of ExternalId:",
      "  prod (333333333333): ExternalId=p-1",
      '  dev (111111111111): ExternalId=""',
      "",
    ].join("\n"),
  );
  assert.equal(formatEmitNotes({ text: "{}\n", roleName: "R", overrides: [] }, undefined), "");
});
