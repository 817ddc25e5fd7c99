import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePolicy } from "../../../../src/core/bootstrap/policy-document.ts";
import {
  BUCKET_SETTINGS,
  bucketArn,
  bucketPolicyChange,
  encryptionChange,
  lifecycleChange,
  LIFECYCLE_RULE_ID,
  noncurrentVersionRule,
  ownershipChange,
  publicAccessBlockChange,
  PUBLIC_ACCESS_BLOCKED,
  tlsOnlyStatement,
  versioningChange,
} from "../../../../src/core/bootstrap/state-bucket.ts";

test("the hardened settings, in the order bootstrap applies them", () => {
  assert.deepEqual(
    [...BUCKET_SETTINGS],
    ["versioning", "encryption", "public-access-block", "ownership", "policy", "lifecycle"],
  );
});

test("the TLS-only statement denies every S3 action on the bucket and its objects without TLS", () => {
  assert.deepEqual(tlsOnlyStatement("state-1", "aws-cn"), {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: ["arn:aws-cn:s3:::state-1", "arn:aws-cn:s3:::state-1/*"],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  assert.equal(bucketArn("b", "aws"), "arn:aws:s3:::b");
});

test("versioning: only Enabled is left alone", () => {
  assert.equal(versioningChange("Enabled"), undefined);
  assert.equal(versioningChange("Suspended"), true);
  assert.equal(versioningChange("Disabled"), true);
});

test("public access block: all four flags on, else the whole block is written", () => {
  assert.equal(publicAccessBlockChange({ ...PUBLIC_ACCESS_BLOCKED }), undefined);
  assert.deepEqual(publicAccessBlockChange(undefined), PUBLIC_ACCESS_BLOCKED);
  for (const flag of Object.keys(PUBLIC_ACCESS_BLOCKED)) {
    const actual = { ...PUBLIC_ACCESS_BLOCKED, [flag]: false };
    assert.deepEqual(publicAccessBlockChange(actual), PUBLIC_ACCESS_BLOCKED, flag);
  }
  assert.deepEqual(PUBLIC_ACCESS_BLOCKED, {
    blockPublicAcls: true,
    ignorePublicAcls: true,
    blockPublicPolicy: true,
    restrictPublicBuckets: true,
  });
});

test("encryption: AES256 when there is none; any existing default (a KMS key too) is kept", () => {
  assert.equal(encryptionChange(undefined), "AES256");
  assert.equal(encryptionChange({ algorithm: "" }), "AES256");
  assert.equal(encryptionChange({ algorithm: "AES256" }), undefined);
  assert.equal(encryptionChange({ algorithm: "aws:kms" }), undefined);
  assert.equal(encryptionChange({ algorithm: "aws:kms:dsse" }), undefined);
});

test("ownership: BucketOwnerEnforced, whatever it was", () => {
  assert.equal(ownershipChange("BucketOwnerEnforced"), undefined);
  assert.equal(ownershipChange("ObjectWriter"), "BucketOwnerEnforced");
  assert.equal(ownershipChange("BucketOwnerPreferred"), "BucketOwnerEnforced");
  assert.equal(ownershipChange(undefined), "BucketOwnerEnforced");
});

test("bucket policy: none gets a policy of the TLS-only statement alone", () => {
  const change = bucketPolicyChange(undefined, "state-1", "aws");
  assert.equal(change.kind, "put");
  const policy = parsePolicy(change.kind === "put" ? change.policy : "");
  assert.equal(policy?.Version, "2012-10-17");
  assert.deepEqual(policy?.Statement, [tlsOnlyStatement("state-1", "aws")]);
  assert.equal(bucketPolicyChange("  ", "state-1", "aws").kind, "put");
});

test("bucket policy: an equal statement in another spelling and under another Sid is enough", () => {
  const existing = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "tls",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:*"],
        Resource: ["arn:aws:s3:::state-1/*", "arn:aws:s3:::state-1"],
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
    ],
  });
  assert.deepEqual(bucketPolicyChange(existing, "state-1", "aws"), { kind: "unchanged" });
});

test("bucket policy: other statements are kept, a stale statement under our Sid is replaced", () => {
  const mine = {
    Sid: "ReadOnly",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::111111111111:root" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::state-1/*",
  };
  const stale = { ...tlsOnlyStatement("state-1", "aws"), Resource: "arn:aws:s3:::state-1" };
  const change = bucketPolicyChange(
    JSON.stringify({ Version: "2012-10-17", Id: "p1", Statement: [mine, stale] }),
    "state-1",
    "aws",
  );
  assert.equal(change.kind, "put");
  const policy = parsePolicy(change.kind === "put" ? change.policy : "");
  assert.equal(policy?.Id, "p1");
  assert.deepEqual(policy?.Statement, [mine, tlsOnlyStatement("state-1", "aws")]);
});

test("bucket policy: text that is not a policy is reported, never overwritten", () => {
  assert.deepEqual(bucketPolicyChange("{oops", "state-1", "aws"), { kind: "unreadable" });
});

test("lifecycle: the rule expires noncurrent versions over the whole bucket", () => {
  assert.deepEqual(noncurrentVersionRule(30), {
    ID: LIFECYCLE_RULE_ID,
    Status: "Enabled",
    Filter: { Prefix: "" },
    NoncurrentVersionExpiration: { NoncurrentDays: 30 },
  });
});

test("lifecycle: no rules get ours; an equal rule of any ID and filter spelling is enough", () => {
  assert.deepEqual(lifecycleChange([], 90), [noncurrentVersionRule(90)]);
  assert.equal(lifecycleChange([noncurrentVersionRule(90)], 90), undefined);
  for (const filter of [{}, { Filter: {} }, { Filter: { Prefix: "" } }, { Prefix: "" }]) {
    const rule = {
      ID: "operator-rule",
      Status: "Enabled",
      ...filter,
      NoncurrentVersionExpiration: { NoncurrentDays: 90 },
    };
    assert.equal(lifecycleChange([rule], 90), undefined, JSON.stringify(filter));
  }
});

test("lifecycle: other days, a disabled rule, a prefix or a newer-versions count do not count", () => {
  const ours = noncurrentVersionRule(90);
  const variants: Record<string, unknown>[] = [
    noncurrentVersionRule(30),
    { ...ours, Status: "Disabled" },
    { ...ours, Filter: { Prefix: "env/" } },
    { ...ours, Filter: undefined, Prefix: "env/" },
    { ...ours, Filter: { Tag: { Key: "a", Value: "b" } } },
    { ...ours, NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 3 } },
    { ...ours, NoncurrentVersionExpiration: undefined },
  ];
  for (const rule of variants) {
    assert.notEqual(lifecycleChange([rule], 90), undefined, JSON.stringify(rule));
  }
});

test("lifecycle: operator rules are kept and an old rule of ours is replaced", () => {
  const theirs = {
    ID: "logs",
    Status: "Enabled",
    Filter: { Prefix: "logs/" },
    Expiration: { Days: 7 },
  };
  assert.deepEqual(lifecycleChange([theirs, noncurrentVersionRule(30)], 90), [
    theirs,
    noncurrentVersionRule(90),
  ]);
});
