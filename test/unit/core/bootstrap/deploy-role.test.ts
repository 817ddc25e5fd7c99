import assert from "node:assert/strict";
import { test } from "node:test";
import {
  basePrincipalOf,
  deployRoleTrustPolicy,
  missingPolicyArns,
  parseRoleArn,
  trustPolicyMatches,
} from "../../../../src/core/bootstrap/deploy-role.ts";

test("parseRoleArn splits partition, account, path and name", () => {
  assert.deepEqual(parseRoleArn("arn:aws:iam::111111111111:role/TerraformDeploy"), {
    partition: "aws",
    accountId: "111111111111",
    path: "/",
    name: "TerraformDeploy",
  });
  assert.deepEqual(parseRoleArn("arn:aws-us-gov:iam::111111111111:role/ci/deploy/Tf"), {
    partition: "aws-us-gov",
    accountId: "111111111111",
    path: "/ci/deploy/",
    name: "Tf",
  });
  assert.equal(parseRoleArn("arn:aws:iam::111111111111:user/me"), undefined);
  assert.equal(parseRoleArn("TerraformDeploy"), undefined);
});

test("basePrincipalOf: an assumed-role session becomes its role, users and roots stay", () => {
  assert.equal(
    basePrincipalOf("arn:aws:sts::123456789012:assumed-role/OrgAdmin/alice"),
    "arn:aws:iam::123456789012:role/OrgAdmin",
  );
  assert.equal(
    basePrincipalOf(
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com",
    ),
    "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd",
  );
  assert.equal(
    basePrincipalOf("arn:aws:sts::123456789012:federated-user/bob"),
    "arn:aws:iam::123456789012:root",
  );
  assert.equal(
    basePrincipalOf("arn:aws:iam::123456789012:user/ci"),
    "arn:aws:iam::123456789012:user/ci",
  );
  assert.equal(basePrincipalOf("arn:aws:iam::123456789012:root"), "arn:aws:iam::123456789012:root");
  assert.equal(
    basePrincipalOf("arn:aws:sts::123456789012:user/moto"),
    "arn:aws:iam::123456789012:user/moto",
  );
});

test("the trust policy names the principals and, with an external id, requires it", () => {
  assert.deepEqual(deployRoleTrustPolicy(["arn:aws:iam::123456789012:root"], "ext-1"), {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": "ext-1" } },
      },
    ],
  });
  const two = deployRoleTrustPolicy(
    ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b", "arn:aws:iam::1:role/a"],
    undefined,
  );
  assert.deepEqual(two.Statement[0], {
    Effect: "Allow",
    Principal: { AWS: ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"] },
    Action: "sts:AssumeRole",
  });
});

test("trustPolicyMatches compares by meaning, URL-encoded or not", () => {
  const desired = deployRoleTrustPolicy(["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"], "x");
  const readBack = {
    Version: "2012-10-17",
    Statement: [
      {
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:externalid": ["x"] } },
        Principal: { AWS: ["arn:aws:iam::1:role/b", "arn:aws:iam::1:role/a"] },
        Effect: "Allow",
      },
    ],
  };
  assert.ok(trustPolicyMatches(JSON.stringify(readBack), desired));
  assert.ok(trustPolicyMatches(encodeURIComponent(JSON.stringify(readBack)), desired));
});

test("trustPolicyMatches: no external id, another id, an extra principal or statement differ", () => {
  const desired = deployRoleTrustPolicy(["arn:aws:iam::1:root"], "x");
  const text = (doc: unknown): string => JSON.stringify(doc);
  assert.equal(
    trustPolicyMatches(text(deployRoleTrustPolicy(["arn:aws:iam::1:root"], undefined)), desired),
    false,
  );
  assert.equal(
    trustPolicyMatches(text(deployRoleTrustPolicy(["arn:aws:iam::1:root"], "y")), desired),
    false,
  );
  assert.equal(
    trustPolicyMatches(
      text(deployRoleTrustPolicy(["arn:aws:iam::1:root", "arn:aws:iam::2:root"], "x")),
      desired,
    ),
    false,
  );
  const extra = {
    ...desired,
    Statement: [
      ...desired.Statement,
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  };
  assert.equal(trustPolicyMatches(text(extra), desired), false);
  assert.equal(trustPolicyMatches("garbage", desired), false);
});

test("missingPolicyArns lists the configured ARNs not attached, once each, keeping extras", () => {
  const a = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  const b = "arn:aws:iam::111111111111:policy/deploy";
  const c = "arn:aws:iam::aws:policy/AdministratorAccess";
  assert.deepEqual(missingPolicyArns([c, a], [a, b, b]), [b]);
  assert.deepEqual(missingPolicyArns([a, b], [a, b]), []);
});
