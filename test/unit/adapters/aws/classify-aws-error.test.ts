import assert from "node:assert/strict";
import { test } from "node:test";
import {
  awsErrorCode,
  awsErrorName,
  classifyAwsError,
  redactSecrets,
} from "../../../../src/adapters/aws/classify-aws-error.ts";
import type { AwsCallContext } from "../../../../src/adapters/aws/classify-aws-error.ts";
import { CrossformError } from "../../../../src/core/errors.ts";

/** An error shaped as the SDK throws them: `name`, a message, `$metadata`. */
function sdkError(name: string, message = "", status?: number): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status, attempts: 1 },
  });
}

const role: AwsCallContext = {
  operation: "sts:AssumeRole",
  identity: "base",
  account: "prod",
  accountId: "333333333333",
  roleArn: "arn:aws:iam::333333333333:role/TerraformDeploy",
  region: "us-east-1",
};

test("every failure class is told by the SDK's error name, not its message", () => {
  const cases: [string, string][] = [
    ["CredentialsProviderError", "aws/no-credentials"],
    ["ExpiredToken", "aws/expired-token"],
    ["ExpiredTokenException", "aws/expired-token"],
    ["InvalidClientTokenId", "aws/invalid-credentials"],
    ["UnrecognizedClientException", "aws/invalid-credentials"],
    ["SignatureDoesNotMatch", "aws/invalid-credentials"],
    ["AccessDenied", "aws/access-denied"],
    ["AccessDeniedException", "aws/access-denied"],
    ["RegionDisabledException", "aws/region-disabled"],
    ["NoSuchBucket", "aws/bucket-missing"],
    ["BucketAlreadyExists", "aws/bucket-not-owned"],
    ["NoSuchEntityException", "aws/not-found"],
    ["ResourceNotFoundException", "aws/not-found"],
    ["Throttling", "aws/throttled"],
    ["ThrottlingException", "aws/throttled"],
    ["SlowDown", "aws/throttled"],
    ["TimeoutError", "aws/network"],
    ["ValidationError", "aws/invalid-request"],
    ["MalformedPolicyDocument", "aws/invalid-request"],
    ["SomethingNew", "aws/unknown"],
  ];
  for (const [name, code] of cases) {
    // The same message for every case: only the name decides.
    assert.equal(awsErrorCode(sdkError(name, "access denied, throttled, expired"), {}), code, name);
  }
});

test("statuses and Node codes classify what has no service name", () => {
  assert.equal(awsErrorCode(sdkError("Unknown", "", 429), {}), "aws/throttled");
  assert.equal(awsErrorCode(sdkError("Unknown", "", 503), {}), "aws/network");
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  assert.equal(awsErrorName(reset), "ECONNRESET");
  assert.equal(awsErrorCode(reset, {}), "aws/network");
  const wrapped = Object.assign(new Error("request failed"), {
    cause: Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
  });
  assert.equal(awsErrorCode(wrapped, {}), "aws/network");
  // HEAD answers have no body: a 404 on a bucket call is a missing bucket.
  assert.equal(awsErrorCode(sdkError("NotFound", "", 404), { bucket: "b" }), "aws/bucket-missing");
  assert.equal(awsErrorCode(sdkError("NotFound", "", 404), {}), "aws/not-found");
  assert.equal(awsErrorName("text"), "UnknownError");
});

test("the message names the call, the role, the account and the region; the hint says what to change", () => {
  const error = classifyAwsError(
    sdkError("AccessDenied", "User: arn:aws:iam::123456789012:user/ci is not authorized", 403),
    { ...role, externalId: true },
  );
  assert.ok(error instanceof CrossformError);
  assert.equal(error.code, "aws/access-denied");
  assert.equal(error.source, "external");
  assert.equal(
    error.message,
    "sts:AssumeRole of arn:aws:iam::333333333333:role/TerraformDeploy for account prod (333333333333) in us-east-1 failed: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized",
  );
  assert.equal(
    error.hint,
    "let the base identity assume arn:aws:iam::333333333333:role/TerraformDeploy: allow sts:AssumeRole on it in the base identity's policies, and make the role's trust policy trust the base principal with the configured external id",
  );
});

test("hints per class: credentials, expiry, region, bucket, throttling", () => {
  const hint = (name: string, context: Partial<AwsCallContext> = {}, status?: number) =>
    classifyAwsError(sdkError(name, "m", status), { ...role, ...context }).hint ?? "";
  assert.match(
    hint("CredentialsProviderError", { baseProfile: "org-admin" }),
    /aws sso login --profile org-admin/,
  );
  assert.match(
    hint("CredentialsProviderError"),
    /^no base credentials in the default chain: set base\.profile/,
  );
  assert.match(
    hint("CredentialsProviderError", { envProfile: "tool" }),
    /^profile tool \(AWS_PROFILE\) gives no credentials: log in \(aws sso login --profile tool for SSO\), check that the profile exists and its credential_process or keys work/,
  );
  assert.match(
    hint("ExpiredToken", { envProfile: "tool" }),
    /^the base session expired: log in again \(aws sso login --profile tool for SSO/,
  );
  assert.match(
    hint("CredentialsProviderError", { identity: "profile", profile: "acme-dev" }),
    /^the AWS CLI profile acme-dev gives no credentials: write the account profiles with `crossform profiles --write`/,
  );
  assert.match(hint("ExpiredToken"), /^the base session expired: log in again/);
  assert.match(
    hint("InvalidClientTokenId", { region: "me-south-1" }),
    /if me-south-1 is an opt-in region, enable it for prod$/,
  );
  assert.equal(
    hint("RegionDisabledException"),
    "enable us-east-1 for prod (AWS console: Account, AWS Regions), or remove it from accounts.prod.regions",
  );
  assert.equal(
    hint("NoSuchBucket", { operation: "s3:GetBucketVersioning", bucket: "b" }),
    "create it with `crossform bootstrap prod`, or fix state.bucket in crossform.yaml",
  );
  assert.match(
    hint("AccessDenied", { operation: "s3:GetBucketVersioning", identity: "role", bucket: "b" }),
    /^grant s3:GetBucketVersioning on b to arn:aws:iam::333333333333:role\/TerraformDeploy \(in its IAM policy, and in the bucket policy if there is one\)$/,
  );
  assert.match(hint("Throttling", {}, 400), /after 1 attempts with backoff: lower --parallel/);
});

test("a CrossformError passes through unchanged", () => {
  const original = new CrossformError("aws/bucket-not-owned", "external", "x");
  assert.equal(classifyAwsError(original, role), original);
});

test("secrets never reach a message: key ids, session tokens, signatures", () => {
  const text =
    'Credential=AKIAIOSFODNN7EXAMPLE/2026 X-Amz-Security-Token=FQoGZXIvYXdzEJr//abc&x <SessionToken>FQoG+secret</SessionToken> "SessionToken":"IQoJb3Jp" aws_session_token = IQoJsecret Signature=0123abcdef ASIA1234567890ABCDEF';
  const clean = redactSecrets(text);
  for (const secret of [
    "AKIAIOSFODNN7EXAMPLE",
    "FQoGZXIvYXdzEJr",
    "FQoG+secret",
    "IQoJb3Jp",
    "IQoJsecret",
    "0123abcdef",
    "ASIA1234567890ABCDEF",
  ]) {
    assert.ok(!clean.includes(secret), `${secret} in ${clean}`);
  }
  const error = classifyAwsError(
    sdkError(
      "SignatureDoesNotMatch",
      "The request signature ... Credential=AKIAIOSFODNN7EXAMPLE/20260101",
    ),
    role,
  );
  assert.doesNotMatch(error.message, /AKIAIOSFODNN7EXAMPLE/);
  assert.match(error.message, /<access key id>/);
});
