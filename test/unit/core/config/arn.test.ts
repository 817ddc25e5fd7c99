import assert from "node:assert/strict";
import { test } from "node:test";
import { accountIdOfArn, partitionOf, roleArnFor } from "../../../../src/core/config/arn.ts";

test("the partition follows the region", () => {
  assert.equal(partitionOf("us-east-1"), "aws");
  assert.equal(partitionOf("eu-west-1"), "aws");
  assert.equal(partitionOf("cn-north-1"), "aws-cn");
  assert.equal(partitionOf("cn-northwest-1"), "aws-cn");
  assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
  assert.equal(partitionOf("us-west-2"), "aws");
});

test("a role name becomes an ARN in the account and partition", () => {
  assert.equal(
    roleArnFor("TerraformDeploy", "111111111111", "us-east-1"),
    "arn:aws:iam::111111111111:role/TerraformDeploy",
  );
  assert.equal(
    roleArnFor("TerraformDeploy", "111111111111", "cn-north-1"),
    "arn:aws-cn:iam::111111111111:role/TerraformDeploy",
  );
  assert.equal(
    roleArnFor("TerraformDeploy", "111111111111", "us-gov-west-1"),
    "arn:aws-us-gov:iam::111111111111:role/TerraformDeploy",
  );
});

test("a full ARN is kept as written", () => {
  const arn = "arn:aws:iam::222222222222:role/team/Deploy";
  assert.equal(roleArnFor(arn, "111111111111", "cn-north-1"), arn);
});

test("the account id is read from IAM ARNs only", () => {
  assert.equal(accountIdOfArn("arn:aws:iam::111111111111:role/X"), "111111111111");
  assert.equal(accountIdOfArn("arn:aws-us-gov:iam::222222222222:role/a/b"), "222222222222");
  assert.equal(accountIdOfArn("arn:aws:s3:::bucket"), undefined);
  assert.equal(accountIdOfArn("arn:aws:iam::1111:role/X"), undefined);
  assert.equal(accountIdOfArn("TerraformDeploy"), undefined);
});
