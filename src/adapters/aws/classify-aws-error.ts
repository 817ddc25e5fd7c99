/**
 * Turns whatever the AWS SDK throws into one CrossformError: the code comes from the SDK's error
 * `name` (or Node's network error `code`, or the HTTP status), never from message text; the hint
 * says what to change, naming the account, role, bucket or profile involved.
 */
import { CrossformError } from "../../core/errors.ts";
import type { AwsErrorCode } from "../../ports/aws.ts";
import { NO_ANSWER } from "./answer-deadline.ts";

/** Where an AWS call was made, for messages and hints. */
export interface AwsCallContext {
  /** `service:Action`, e.g. `sts:AssumeRole`. */
  operation: string;
  /** Whose credentials: the base identity, an assumed role, or an AWS CLI profile. */
  identity: "base" | "role" | "profile";
  /** `base.profile`, when the base identity comes from one. */
  baseProfile?: string | undefined;
  /** `AWS_PROFILE`, when the default chain takes the base identity from it (no `base.profile`). */
  envProfile?: string | undefined;
  /** Account name in crossform.yaml. */
  account?: string | undefined;
  accountId?: string | undefined;
  roleArn?: string | undefined;
  /** Whether the role is assumed with an external id (never its value). */
  externalId?: boolean | undefined;
  /** The AWS CLI profile, for `--via-profiles`. */
  profile?: string | undefined;
  region?: string | undefined;
  bucket?: string | undefined;
  table?: string | undefined;
  /** Any other resource named in the call (a role name, a stack, a parent id). */
  resource?: string | undefined;
}

const NO_CREDENTIALS = new Set(["CredentialsProviderError"]);
const INVALID_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "InvalidToken",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "AuthFailure",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"]);
const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "UnauthorizedOperation",
  "AuthorizationError",
  "AuthorizationErrorException",
  "AllAccessDisabled",
]);
const REGION_DISABLED = new Set(["RegionDisabledException", "OptInRequired"]);
const BUCKET_MISSING = new Set(["NoSuchBucket"]);
const BUCKET_NOT_OWNED = new Set(["BucketAlreadyExists"]);
const NOT_FOUND = new Set([
  "NotFound",
  "NoSuchEntity",
  "NoSuchEntityException",
  "ResourceNotFoundException",
  "NoSuchKey",
  "AWSOrganizationsNotInUseException",
  "ParentNotFoundException",
  "AccountNotFoundException",
  "TargetNotFoundException",
]);
// The SDK's own list of throttling error names (it retries these before we ever see them).
const THROTTLED = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
  "EC2ThrottledException",
]);
const NETWORK_NAMES = new Set([
  NO_ANSWER,
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);
const INVALID_REQUEST = new Set([
  "ValidationError",
  "ValidationException",
  "InvalidParameterValue",
  "InvalidParameterCombination",
  "InvalidParameterException",
  "InvalidInput",
  "InvalidInputException",
  "MalformedPolicyDocument",
  "MalformedPolicyDocumentException",
  "InvalidRequest",
  "InvalidArgument",
  "InvalidBucketName",
  "IllegalLocationConstraintException",
  "InvalidLocationConstraint",
  "MalformedXML",
  "PermanentRedirect",
  "AuthorizationHeaderMalformed",
  "ConstraintViolationException",
  "PackedPolicyTooLarge",
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The SDK's error name (`AccessDenied`, `NoSuchBucket`...), or Node's error code for network failures. */
export function awsErrorName(error: unknown): string {
  if (typeof error !== "object" || error === null) return "UnknownError";
  const e = error as SdkErrorShape;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  if (typeof e.name === "string" && e.name !== "Error") return e.name;
  if (typeof e.code === "string") return e.code;
  if (e.cause !== undefined) {
    const inner = awsErrorName(e.cause);
    if (inner !== "UnknownError") return inner;
  }
  return typeof e.name === "string" ? e.name : "UnknownError";
}

/** HTTP status of the failed response, when there was one. */
export function awsErrorStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as SdkErrorShape).$metadata?.httpStatusCode;
}

/** How many attempts the SDK made (retries included), when it says. */
function attemptsOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as SdkErrorShape).$metadata?.attempts;
}

/** The classification of an SDK error by its name (and, for network failures, code or status). */
export function awsErrorCode(
  error: unknown,
  context: Pick<AwsCallContext, "bucket">,
): AwsErrorCode {
  const name = awsErrorName(error);
  const status = awsErrorStatus(error);
  if (NO_CREDENTIALS.has(name)) return "aws/no-credentials";
  if (EXPIRED.has(name)) return "aws/expired-token";
  if (INVALID_CREDENTIALS.has(name)) return "aws/invalid-credentials";
  if (REGION_DISABLED.has(name)) return "aws/region-disabled";
  if (ACCESS_DENIED.has(name)) return "aws/access-denied";
  if (BUCKET_MISSING.has(name)) return "aws/bucket-missing";
  if (name === "NotFound" && context.bucket !== undefined) return "aws/bucket-missing";
  if (BUCKET_NOT_OWNED.has(name)) return "aws/bucket-not-owned";
  if (NOT_FOUND.has(name)) return "aws/not-found";
  if (THROTTLED.has(name) || status === 429) return "aws/throttled";
  if (NETWORK_NAMES.has(name) || NETWORK_CODES.has(name)) return "aws/network";
  if (status !== undefined && status >= 500 && status <= 504) return "aws/network";
  if (INVALID_REQUEST.has(name)) return "aws/invalid-request";
  return "aws/unknown";
}

// Access key ids and anything that looks like a session token or signature never reach a message.
const SECRET_PATTERNS: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g, "<access key id>"],
  [/(X-Amz-Security-Token[=:]\s*)[^&\s"<]+/gi, "$1<redacted>"],
  [/(<SessionToken>)[^<]*(<\/SessionToken>)/g, "$1<redacted>$2"],
  [/("?(?:SessionToken|aws_session_token|sessionToken)"?\s*[:=]\s*"?)[^"\s,}]+/g, "$1<redacted>"],
  [/(Signature=)[0-9a-f]+/g, "$1<redacted>"],
];

/** Removes access key ids, session tokens and signatures from text meant for people. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** `role arn:... of account dev (111111111111)`, `bucket x`, ...: what the call was about. */
function subject(context: AwsCallContext): string {
  const parts: string[] = [];
  if (context.bucket !== undefined) parts.push(`on bucket ${context.bucket}`);
  if (context.table !== undefined) parts.push(`on table ${context.table}`);
  if (context.resource !== undefined) parts.push(`on ${context.resource}`);
  if (context.identity === "profile" && context.profile !== undefined) {
    parts.push(`through profile ${context.profile}`);
  } else if (context.roleArn !== undefined) {
    parts.push(`${context.identity === "role" ? "as" : "of"} ${context.roleArn}`);
  } else if (context.identity === "base") {
    parts.push("as the base identity");
  }
  if (context.account !== undefined) {
    parts.push(
      `for account ${context.account}${context.accountId !== undefined ? ` (${context.accountId})` : ""}`,
    );
  }
  if (context.region !== undefined) parts.push(`in ${context.region}`);
  return parts.join(" ");
}

function who(context: AwsCallContext): string {
  if (context.identity === "profile") return `profile ${context.profile ?? ""}`.trim();
  if (context.identity === "role") return `role session of ${context.account ?? "the account"}`;
  return "base";
}

function loginHint(context: AwsCallContext): string {
  const profile = context.baseProfile ?? context.envProfile;
  return profile !== undefined
    ? `log in again (aws sso login --profile ${profile} for SSO, or refresh the profile's keys or credential_process)`
    : "log in again or refresh the credentials in the environment (in CI: the OIDC role session)";
}

/** The one actionable hint of a failure class, for this call. */
export function awsErrorHint(
  code: AwsErrorCode,
  context: AwsCallContext,
  attempts?: number,
): string {
  const account = context.account ?? "the account";
  switch (code) {
    case "aws/no-credentials":
      if (context.identity === "profile") {
        return `the AWS CLI profile ${context.profile ?? ""} gives no credentials: write the account profiles with \`crossform profiles --write\` and check that AWS_CONFIG_FILE names that file`;
      }
      if (context.baseProfile !== undefined) {
        return `profile ${context.baseProfile} (base.profile) gives no credentials: log in (aws sso login --profile ${context.baseProfile} for SSO) or fix base.profile in crossform.yaml`;
      }
      if (context.envProfile !== undefined) {
        return `profile ${context.envProfile} (AWS_PROFILE) gives no credentials: log in (aws sso login --profile ${context.envProfile} for SSO), check that the profile exists and its credential_process or keys work, or export AWS_PROFILE with the profile you log in with`;
      }
      return "no base credentials in the default chain: set base.profile in crossform.yaml, export AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (in CI: a web identity token)";
    case "aws/invalid-credentials":
      return `the ${who(context)} credentials are not valid: ${loginHint(context)}${context.region !== undefined ? `; if ${context.region} is an opt-in region, enable it for ${account}` : ""}`;
    case "aws/expired-token":
      return `the ${who(context)} session expired: ${loginHint(context)}, then run again`;
    case "aws/access-denied":
      if (context.operation === "sts:AssumeRole") {
        return `let the base identity assume ${context.roleArn ?? "the role"}: allow sts:AssumeRole on it in the base identity's policies, and make the role's trust policy trust the base principal${context.externalId === true ? " with the configured external id" : ""}`;
      }
      return `grant ${context.operation}${context.bucket !== undefined ? ` on ${context.bucket}` : ""} to ${context.roleArn ?? (context.identity === "base" ? "the base identity" : (context.profile ?? "the role"))}${context.bucket !== undefined ? " (in its IAM policy, and in the bucket policy if there is one)" : " in its IAM policy"}`;
    case "aws/role-in-other-account":
      return `the role resolves to another account than configured: fix accounts.${account}.id or its role in crossform.yaml`;
    case "aws/region-disabled":
      return `enable ${context.region ?? "the region"} for ${account} (AWS console: Account, AWS Regions), or remove it from accounts.${account}.regions`;
    case "aws/bucket-missing":
      return `create it with \`crossform bootstrap${context.account !== undefined ? ` ${context.account}` : ""}\`, or fix state.bucket in crossform.yaml`;
    case "aws/bucket-not-owned":
      return `the bucket belongs to another account than ${account}${context.accountId !== undefined ? ` (${context.accountId})` : ""}: put {account_id} in state.bucket to get a name of its own, or set state.account to the account that owns it`;
    case "aws/not-found":
      return `check that ${context.resource ?? context.table ?? context.bucket ?? "the resource"} exists in ${account}${context.region !== undefined ? ` in ${context.region}` : ""}`;
    case "aws/throttled":
      return `AWS kept throttling ${context.operation}${attempts !== undefined ? ` after ${attempts} attempts with backoff` : ""}: lower --parallel or run again later`;
    case "aws/network":
      return "the AWS endpoint did not answer: check the network, HTTPS_PROXY, and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> if set";
    case "aws/invalid-request":
      return `AWS rejected the request as invalid: check the values crossform.yaml gives for ${account} (role, region, bucket, external id, session duration)`;
    case "aws/unknown":
      return "see the AWS error above; run again, and report it if it persists";
  }
}

/** Wraps any error of an AWS call into a classified CrossformError (a CrossformError passes through). */
export function classifyAwsError(error: unknown, context: AwsCallContext): CrossformError {
  if (error instanceof CrossformError) return error;
  const code = awsErrorCode(error, context);
  const name = awsErrorName(error);
  const raw =
    typeof error === "object" &&
    error !== null &&
    typeof (error as SdkErrorShape).message === "string"
      ? ((error as SdkErrorShape).message as string)
      : String(error);
  // HEAD responses have no body: the SDK's message is then just "UnknownError" or the name.
  const detail =
    raw === "" || raw === name || raw === "UnknownError" ? "" : `: ${redactSecrets(raw)}`;
  const where = subject(context);
  const call = `${context.operation}${where === "" ? "" : ` ${where}`}`;
  if (name === NO_ANSWER) {
    return new CrossformError(code, "external", `${call} failed: ${raw}`, {
      hint: "the endpoint accepted the connection but sent no answer: check the network, HTTPS_PROXY and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> if set; if it is only slow, raise aws.request_timeout in crossform.yaml",
    });
  }
  return new CrossformError(code, "external", `${call} failed: ${name}${detail}`, {
    hint: awsErrorHint(code, context, attemptsOf(error)),
  });
}
