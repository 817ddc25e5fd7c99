/**
 * The hardened state bucket: what each setting should be, and whether the setting read back from
 * AWS already satisfies it. Each check returns the value to write, or undefined when nothing has
 * to change; existing policy statements and lifecycle rules of the operator are kept.
 */
import type { PolicyDocument, PolicyStatement } from "./policy-document.ts";
import { hasStatement, parsePolicy } from "./policy-document.ts";

/** The settings bootstrap hardens on a state bucket, in the order it applies them. */
export const BUCKET_SETTINGS = [
  "versioning",
  "encryption",
  "public-access-block",
  "ownership",
  "policy",
  "lifecycle",
] as const;

/** One hardened setting of a state bucket. */
export type BucketSetting = (typeof BUCKET_SETTINGS)[number];

/** Sid of the statement that denies requests without TLS. */
export const TLS_STATEMENT_SID = "DenyInsecureTransport";

/** ID of the lifecycle rule that expires noncurrent state versions. */
export const LIFECYCLE_RULE_ID = "crossform-noncurrent-versions";

/** Public access block flags, all of which bootstrap turns on. */
export interface PublicAccessFlags {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** The public access block bootstrap wants: every flag on. */
export const PUBLIC_ACCESS_BLOCKED: PublicAccessFlags = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

/** The object ownership bootstrap wants: ACLs disabled, the bucket owner owns every object. */
export const OWNERSHIP = "BucketOwnerEnforced";

/** The default encryption bootstrap writes when a bucket has none. */
export const DEFAULT_ENCRYPTION = "AES256";

/** The S3 ARN of a bucket: `arn:<partition>:s3:::<bucket>`. */
export function bucketArn(bucket: string, partition: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/** The statement denying every S3 action on the bucket and its objects when TLS is not used. */
export function tlsOnlyStatement(bucket: string, partition: string): PolicyStatement {
  const arn = bucketArn(bucket, partition);
  return {
    Sid: TLS_STATEMENT_SID,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Versioning: anything but `Enabled` is enabled. */
export function versioningChange(actual: string): true | undefined {
  return actual === "Enabled" ? undefined : true;
}

/** Public access block: the whole block to write when any flag is off or the block is missing. */
export function publicAccessBlockChange(
  actual: PublicAccessFlags | undefined,
): PublicAccessFlags | undefined {
  if (
    actual &&
    actual.blockPublicAcls &&
    actual.ignorePublicAcls &&
    actual.blockPublicPolicy &&
    actual.restrictPublicBuckets
  )
    return undefined;
  return { ...PUBLIC_ACCESS_BLOCKED };
}

/**
 * Default encryption: a bucket without one gets AES256 (SSE-S3). A bucket already encrypted by
 * default, with AES256 or with a KMS key the operator chose, is left as it is: bootstrap never
 * weakens or replaces a key.
 */
export function encryptionChange(
  actual: { algorithm: string } | undefined,
): typeof DEFAULT_ENCRYPTION | undefined {
  return actual && actual.algorithm !== "" ? undefined : DEFAULT_ENCRYPTION;
}

/** Object ownership: anything but `BucketOwnerEnforced` is changed to it. */
export function ownershipChange(actual: string | undefined): typeof OWNERSHIP | undefined {
  return actual === OWNERSHIP ? undefined : OWNERSHIP;
}

/** The outcome of comparing a bucket policy with the TLS-only statement. */
export type BucketPolicyChange =
  { kind: "unchanged" } | { kind: "put"; policy: string } | { kind: "unreadable" };

/**
 * Bucket policy: unchanged when it already holds a statement equal in meaning to the TLS-only
 * statement; otherwise the policy to write: the existing statements (a statement with our Sid is
 * replaced) plus ours. An existing policy that is not JSON is reported, never overwritten.
 */
export function bucketPolicyChange(
  actual: string | undefined,
  bucket: string,
  partition: string,
): BucketPolicyChange {
  const statement = tlsOnlyStatement(bucket, partition);
  if (actual === undefined || actual.trim() === "") {
    return { kind: "put", policy: renderPolicy({ Version: "2012-10-17", Statement: [statement] }) };
  }
  const document = parsePolicy(actual);
  if (!document) return { kind: "unreadable" };
  if (hasStatement(document, statement)) return { kind: "unchanged" };
  const kept = document.Statement.filter((s) => s["Sid"] !== TLS_STATEMENT_SID);
  const merged: PolicyDocument = {
    ...document,
    Version: document.Version ?? "2012-10-17",
    Statement: [...kept, statement],
  };
  return { kind: "put", policy: renderPolicy(merged) };
}

/** The lifecycle rule expiring noncurrent versions after `days`, over the whole bucket. */
export function noncurrentVersionRule(days: number): Record<string, unknown> {
  return {
    ID: LIFECYCLE_RULE_ID,
    Status: "Enabled",
    Filter: { Prefix: "" },
    NoncurrentVersionExpiration: { NoncurrentDays: days },
  };
}

/**
 * Lifecycle: unchanged when an enabled rule over the whole bucket already expires noncurrent
 * versions after exactly `days`; otherwise the rules to write: the existing ones (without an
 * older rule of ours) plus ours.
 */
export function lifecycleChange(
  actual: Record<string, unknown>[],
  days: number,
): Record<string, unknown>[] | undefined {
  if (actual.some((rule) => expiresNoncurrentAfter(rule, days))) return undefined;
  const kept = actual.filter((rule) => rule["ID"] !== LIFECYCLE_RULE_ID);
  return [...kept, noncurrentVersionRule(days)];
}

function expiresNoncurrentAfter(rule: Record<string, unknown>, days: number): boolean {
  if (rule["Status"] !== "Enabled") return false;
  if (!coversWholeBucket(rule)) return false;
  const expiration = rule["NoncurrentVersionExpiration"];
  if (typeof expiration !== "object" || expiration === null) return false;
  const record = expiration as Record<string, unknown>;
  // A rule that keeps some newer noncurrent versions regardless of age is not the same rule.
  if (record["NewerNoncurrentVersions"] !== undefined) return false;
  return Number(record["NoncurrentDays"]) === days;
}

function coversWholeBucket(rule: Record<string, unknown>): boolean {
  const prefix = rule["Prefix"];
  if (prefix !== undefined && prefix !== "") return false;
  const filter = rule["Filter"];
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== "object") return false;
  const entries = Object.entries(filter as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && v !== null,
  );
  return entries.every(([k, v]) => k === "Prefix" && v === "");
}

function renderPolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}
