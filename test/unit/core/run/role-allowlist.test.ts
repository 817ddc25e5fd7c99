import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRoleAllowlist, parseRoleAllowlist } from "../../../../src/core/run/role-allowlist.ts";
import type { Unit } from "../../../../src/core/units/units.ts";

const DEPLOY = "arn:aws:iam::111111111111:role/TerraformDeploy";

test("an allow-list maps quoted account ids to role ARNs", () => {
  const parsed = parseRoleAllowlist(
    `"111111111111": [${DEPLOY}]\n"222222222222": []\n`,
    "list.yaml",
  );
  assert.ok(parsed.ok);
  assert.deepEqual(
    [...parsed.allowlist].map(([id, roles]) => [id, [...roles]]),
    [
      ["111111111111", [DEPLOY]],
      ["222222222222", []],
    ],
  );
});

test("wrong shapes are named with their line: an unquoted id, a non-ARN entry, a non-list", () => {
  const parsed = parseRoleAllowlist(
    `111111111111: [${DEPLOY}]\n"222222222222": [admin]\n"333333333333": ${DEPLOY}\n`,
    "list.yaml",
  );
  assert.equal(parsed.ok, false);
  if (parsed.ok) return;
  assert.deepEqual(
    parsed.diagnostics.map((d) => `${d.position?.line} ${d.message}`),
    [
      "1 role allow-list list.yaml: 111111111111 is not a quoted 12-digit account id",
      "2 role allow-list list.yaml: account 222222222222: admin is not a role ARN",
      "3 role allow-list list.yaml: account 333333333333: expected a list of role ARNs",
    ],
  );
});

test("a role missing for its account is refused once per account and role", () => {
  const parsed = parseRoleAllowlist(`"111111111111": [${DEPLOY}]\n`, "s3://b/k");
  assert.ok(parsed.ok);
  const units = [{ id: "a/dev/us-east-1" }, { id: "b/dev/us-east-1" }] as Unit[];
  const refused = checkRoleAllowlist(
    units,
    () => [
      { account: "dev", accountId: "111111111111", roleArn: DEPLOY },
      {
        account: "shared",
        accountId: "999999999999",
        roleArn: "arn:aws:iam::999999999999:role/State",
      },
    ],
    parsed.allowlist,
    "s3://b/k",
  );
  assert.deepEqual(
    refused.map((d) => d.message),
    [
      "a/dev/us-east-1: role arn:aws:iam::999999999999:role/State is not allowed for account shared (999999999999) by the role allow-list s3://b/k",
    ],
  );
  assert.match(refused[0]?.hint ?? "", /no entry for 999999999999/);
});
