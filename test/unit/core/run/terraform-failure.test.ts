import assert from "node:assert/strict";
import { test } from "node:test";
import {
  firstTerraformError,
  terraformFailureMessage,
} from "../../../../src/core/run/terraform-failure.ts";

// What terraform 1.11 prints with -no-color (checked), and the boxed form of a coloured terminal.
const PLAIN = `
Error: Reference to undeclared input variable

  on main.tf line 2, in resource "terraform_data" "x":
   2:   input = var.nope

An input variable with the name "nope" has not been declared.

Error: second problem
`;
const BOXED =
  "╷\n│ Error: creating S3 Bucket (b): BucketAlreadyExists\n│ \n│   with aws_s3_bucket.b,\n╵\n";

test("firstTerraformError: the summary of the first Error: diagnostic, plain or boxed", () => {
  assert.equal(firstTerraformError(PLAIN), "Reference to undeclared input variable");
  assert.equal(firstTerraformError(BOXED), "creating S3 Bucket (b): BucketAlreadyExists");
  assert.equal(firstTerraformError("all fine\n"), undefined);
});

test("terraformFailureMessage: the cause on the first line, then the last lines of the output", () => {
  const message = terraformFailureMessage("terraform apply", PLAIN);
  assert.equal(
    message.split("\n")[0],
    "terraform apply failed: Reference to undeclared input variable",
  );
  assert.match(message, /\nError: second problem$/);
  assert.equal(
    terraformFailureMessage("terraform apply", "panic: runtime error\ngoroutine 1\n").split(
      "\n",
    )[0],
    "terraform apply failed: panic: runtime error",
  );
  assert.equal(
    terraformFailureMessage("terraform init", ""),
    "terraform init failed with no output",
  );
  assert.equal(
    terraformFailureMessage("terraform apply", BOXED, "; kept in x").split("\n")[0],
    "terraform apply failed: creating S3 Bucket (b): BucketAlreadyExists; kept in x",
  );
});
