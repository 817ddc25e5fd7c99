import assert from "node:assert/strict";
import { test } from "node:test";
import {
  checkTerraformVersion,
  parseVersionOutput,
} from "../../../../src/core/run/terraform-version-check.ts";
import type { TerraformVersionInfo } from "../../../../src/core/run/terraform-version-check.ts";

const S3 = { kind: "s3" } as const;
const DYNAMO = { kind: "dynamodb", table: "locks" } as const;

function info(flavor: "terraform" | "tofu", version: string): TerraformVersionInfo {
  return { binary: flavor, flavor, version };
}

test("parseVersionOutput reads Terraform's and OpenTofu's first line and their platform", () => {
  assert.deepEqual(parseVersionOutput("terraform", "Terraform v1.11.4\non linux_amd64\n"), {
    binary: "terraform",
    flavor: "terraform",
    version: "1.11.4",
    platform: "linux_amd64",
  });
  assert.deepEqual(
    parseVersionOutput("/opt/tofu", "OpenTofu v1.10.0-beta1\non linux_arm64\n+ provider x\n"),
    { binary: "/opt/tofu", flavor: "tofu", version: "1.10.0-beta1", platform: "linux_arm64" },
  );
  assert.deepEqual(parseVersionOutput("terraform", "Terraform v1.6.0\n"), {
    binary: "terraform",
    flavor: "terraform",
    version: "1.6.0",
  });
  assert.equal(parseVersionOutput("x", "git version 2.43.0\n"), undefined);
  assert.equal(parseVersionOutput("x", '{"terraform_version":"1.11.4"}'), undefined);
});

test("the floors: Terraform 1.6, OpenTofu 1.8, both 1.10 with lock s3", () => {
  assert.equal(
    checkTerraformVersion(info("terraform", "1.6.0"), { constraint: ">= 1.0", lock: DYNAMO }),
    undefined,
  );
  const old = checkTerraformVersion(info("terraform", "1.5.7"), {
    constraint: ">= 1.0",
    lock: DYNAMO,
  });
  assert.equal(old?.code, "terraform/too-old");
  assert.match(old?.message ?? "", /Terraform 1\.5\.7 \(terraform\) is older than 1\.6/);
  assert.equal(
    checkTerraformVersion(info("tofu", "1.7.3"), { constraint: ">= 1.0", lock: DYNAMO })?.code,
    "terraform/too-old",
  );
  assert.equal(
    checkTerraformVersion(info("tofu", "1.8.0"), { constraint: ">= 1.0", lock: DYNAMO }),
    undefined,
  );
  const lock = checkTerraformVersion(info("tofu", "1.9.1"), { constraint: ">= 1.8", lock: S3 });
  assert.equal(lock?.code, "terraform/lock-needs-1.10");
  assert.match(lock?.message ?? "", /needs OpenTofu >= 1\.10, but tofu is 1\.9\.1/);
  assert.match(lock?.hint ?? "", /dynamodb:<table>/);
  assert.equal(
    checkTerraformVersion(info("terraform", "1.10.0"), { constraint: ">= 1.10", lock: S3 }),
    undefined,
  );
});

test("the configured constraint must hold; a pre-release counts as its version", () => {
  const miss = checkTerraformVersion(info("terraform", "1.11.4"), {
    constraint: "~> 1.12",
    lock: S3,
  });
  assert.equal(miss?.code, "terraform/version-mismatch");
  assert.match(miss?.message ?? "", /does not satisfy terraform\.version "~> 1\.12"/);
  assert.equal(
    checkTerraformVersion(info("terraform", "1.12.0-rc1"), { constraint: "~> 1.12", lock: S3 }),
    undefined,
  );
  assert.equal(
    checkTerraformVersion(info("terraform", "1.11.4"), { constraint: "not a constraint", lock: S3 })
      ?.code,
    "terraform/invalid-constraint",
  );
  assert.equal(
    checkTerraformVersion(info("terraform", "latest"), { constraint: ">= 1.10", lock: S3 })?.code,
    "terraform/unknown-version",
  );
});
