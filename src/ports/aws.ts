/**
 * The AWS port: one factory hands out small per-service interfaces, per account (through its
 * role) or for the base identity. Only src/adapters/aws implements it (with the AWS SDK v3);
 * use cases and tests see these interfaces only. Every method resolves with plain data or rejects
 * with a CrossformError whose code classifies the failure (see {@link AwsErrorCode}).
 * Paginated AWS calls return whole arrays.
 */

/** Classification of AWS failures, by the SDK's error name, never by message text. */
export type AwsErrorCode =
  | "aws/no-credentials"
  | "aws/invalid-credentials"
  | "aws/expired-token"
  | "aws/access-denied"
  | "aws/role-in-other-account"
  | "aws/region-disabled"
  | "aws/bucket-missing"
  | "aws/bucket-not-owned"
  | "aws/not-found"
  | "aws/throttled"
  | "aws/network"
  | "aws/invalid-request"
  | "aws/unknown";

/** Who the caller is, from `sts:GetCallerIdentity`. */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** The base identity and what is known of its lifetime. */
export interface BaseIdentity extends CallerIdentity {
  /** When the base credentials expire; undefined when the environment does not say. */
  expiration: Date | undefined;
  /** Where the credentials came from, e.g. `profile org-admin`, `environment`, `web identity`. */
  source: string;
}

/** How to reach an account. */
export interface AccountTarget {
  /** Account name in crossform.yaml, for messages. */
  name: string;
  accountId: string;
  roleArn: string;
  externalId?: string | undefined;
  sessionName: string;
  /** @default 3600 */
  durationSeconds?: number;
  /** Region of the clients. */
  region: string;
  /**
   * An AWS CLI profile that assumes the role (`crossform verify --via-profiles`): the credentials
   * come from that profile of the AWS config file instead of an `AssumeRole` from the base identity.
   */
  profile?: string | undefined;
}

/** STS, narrowed. */
export interface StsApi {
  getCallerIdentity(): Promise<CallerIdentity>;
}

/** Public access block settings. */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** S3, narrowed to what state buckets need. */
export interface S3Api {
  /** Resolves with the bucket's region; rejects `aws/bucket-missing` or `aws/bucket-not-owned`. */
  headBucket(bucket: string, expectedOwner?: string): Promise<{ region: string | undefined }>;
  listBuckets(): Promise<string[]>;
  createBucket(bucket: string, region: string): Promise<void>;
  getVersioning(bucket: string): Promise<"Enabled" | "Suspended" | "Disabled">;
  putVersioning(bucket: string, enabled: boolean): Promise<void>;
  /** undefined when the bucket has no public access block configuration. */
  getPublicAccessBlock(bucket: string): Promise<PublicAccessBlock | undefined>;
  putPublicAccessBlock(bucket: string, block: PublicAccessBlock): Promise<void>;
  /** The default encryption algorithm (`AES256`, `aws:kms`, ...), undefined when none. */
  getEncryption(bucket: string): Promise<{ algorithm: string; kmsKeyId?: string } | undefined>;
  putEncryption(bucket: string, algorithm: "AES256" | "aws:kms", kmsKeyId?: string): Promise<void>;
  /** The bucket policy JSON text, undefined when none. */
  getPolicy(bucket: string): Promise<string | undefined>;
  putPolicy(bucket: string, policy: string): Promise<void>;
  /** The object ownership setting, undefined when none. */
  getOwnershipControls(bucket: string): Promise<string | undefined>;
  putOwnershipControls(bucket: string, ownership: "BucketOwnerEnforced"): Promise<void>;
  /** Lifecycle rules as the SDK returns them (plain JSON), empty when none. */
  getLifecycleRules(bucket: string): Promise<Record<string, unknown>[]>;
  putLifecycleRules(bucket: string, rules: Record<string, unknown>[]): Promise<void>;
  listObjectKeys(bucket: string, prefix?: string): Promise<string[]>;
  getObjectText(bucket: string, key: string): Promise<string>;
  /** The object's entity tag; undefined when the bucket has no object at `key`. */
  headObject(bucket: string, key: string): Promise<{ etag: string | undefined } | undefined>;
  /**
   * Writes `text` at `key`, encrypted with SSE-S3 when `encrypt` (what the S3 backend's
   * `encrypt = true` asks). Resolves with the new object's version id, when the bucket versions.
   */
  putObjectText(
    bucket: string,
    key: string,
    text: string,
    options: { encrypt: boolean },
  ): Promise<{ versionId: string | undefined }>;
  /**
   * Creates the object only when `key` holds none (a conditional write, as Terraform's
   * `use_lockfile` lock): false when one is there already.
   */
  createObjectIfAbsent(bucket: string, key: string, text: string): Promise<boolean>;
  /**
   * Deletes a state lock object (`<key>.tflock`) this process created; any other key is refused:
   * crossform deletes no state.
   */
  deleteLockObject(bucket: string, key: string): Promise<void>;
  /** An object's bytes (a saved plan, which is a zip file). */
  getObjectBytes(bucket: string, key: string): Promise<Uint8Array>;
  /**
   * Writes a reviewed plan's object (the bucket's default encryption applies); a key outside a
   * reviewed-plan prefix (`<state key>.crossform-reviewed/`) is refused, so that
   * this call never overwrites a state.
   */
  putReviewedPlanObject(bucket: string, key: string, body: Uint8Array | string): Promise<void>;
  /**
   * Deletes a reviewed plan's object (its earlier versions stay in a versioned bucket); a key
   * outside a reviewed-plan prefix is refused: crossform deletes no state.
   */
  deleteReviewedPlanObject(bucket: string, key: string): Promise<void>;
}

/** DynamoDB, narrowed to lock tables. */
export interface DynamoDbApi {
  /** undefined when the table does not exist. */
  describeTable(
    table: string,
  ): Promise<{ status: string; hashKey: string | undefined } | undefined>;
  createLockTable(table: string): Promise<void>;
  /**
   * Takes the lock `lockId` (Terraform's item: `LockID` and `Info`, the lock's JSON): false when an
   * item holds it already.
   */
  acquireLock(table: string, lockId: string, info: string): Promise<boolean>;
  /** Releases a lock this process took. */
  releaseLock(table: string, lockId: string): Promise<void>;
  /**
   * Records the MD5 digest of a state the S3 backend checks on read (item `<bucket>/<key>-md5`,
   * attribute `Digest`).
   */
  putStateDigest(table: string, digestId: string, digest: string): Promise<void>;
}

/** IAM, narrowed to the deploy role. */
export interface IamApi {
  /** undefined when the role does not exist. */
  getRole(name: string): Promise<{ arn: string; trustPolicy: string } | undefined>;
  createRole(name: string, trustPolicy: string, description: string): Promise<{ arn: string }>;
  updateTrustPolicy(name: string, trustPolicy: string): Promise<void>;
  listAttachedPolicyArns(name: string): Promise<string[]>;
  attachPolicy(name: string, policyArn: string): Promise<void>;
}

/** One account of an organization. */
export interface OrganizationAccount {
  id: string;
  name: string;
  email: string;
  status: string;
}

/** One organizational unit. */
export interface OrganizationalUnit {
  id: string;
  name: string;
}

/** Organizations, narrowed to walking the OU tree. */
export interface OrganizationsApi {
  listRoots(): Promise<{ id: string; name: string }[]>;
  listOrganizationalUnitsForParent(parentId: string): Promise<OrganizationalUnit[]>;
  listAccountsForParent(parentId: string): Promise<OrganizationAccount[]>;
}

/** CloudFormation, narrowed to what tests and `--emit cloudformation` checks need. */
export interface CloudFormationApi {
  createStack(name: string, templateBody: string, capabilities: string[]): Promise<void>;
  describeStackStatus(name: string): Promise<string | undefined>;
}

/** The clients of one identity (an account's role session, or the base identity). */
export interface AwsClients {
  sts: StsApi;
  s3: S3Api;
  dynamodb: DynamoDbApi;
  iam: IamApi;
  organizations: OrganizationsApi;
  cloudformation: CloudFormationApi;
}

/** The one factory of AWS access. Sessions are cached per target for the run, in memory only. */
export interface AwsSessions {
  /** The base identity; rejects `aws/no-credentials` or `aws/expired-token` with a hint. */
  baseIdentity(): Promise<BaseIdentity>;
  /** Clients acting as the base identity, in `region`. */
  baseClients(region: string): AwsClients;
  /** Assumes `target.roleArn` from the base identity (once per target) and returns its clients. */
  forAccount(target: AccountTarget): Promise<AwsClients>;
}
