/** S3, narrowed to state buckets, on the AWS SDK v3 client. */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  paginateListBuckets,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import type { BucketLocationConstraint, LifecycleRule, S3Client } from "@aws-sdk/client-s3";
import { CrossformError } from "../../core/errors.ts";
import type { PublicAccessBlock, S3Api } from "../../ports/aws.ts";
import { REVIEWED_PLAN_KEY_MARKER } from "../../core/run/reviewed-plan.ts";
import { absentOn } from "./aws-call.ts";
import type { AwsCall } from "./aws-call.ts";
import { awsErrorHint, awsErrorName, awsErrorStatus } from "./classify-aws-error.ts";
import type { AwsCallScope } from "./aws-call.ts";

/** {@link S3Api} on one SDK client. */
export class SdkS3Api implements S3Api {
  readonly #client: S3Client;
  readonly #call: AwsCall;
  readonly #scope: AwsCallScope;

  constructor(client: S3Client, call: AwsCall, scope: AwsCallScope) {
    this.#client = client;
    this.#call = call;
    this.#scope = scope;
  }

  async headBucket(
    bucket: string,
    expectedOwner?: string,
  ): Promise<{ region: string | undefined }> {
    return this.#call(
      "s3:HeadBucket",
      async () => {
        try {
          const out = await this.#client.send(
            new HeadBucketCommand({
              Bucket: bucket,
              ...(expectedOwner !== undefined ? { ExpectedBucketOwner: expectedOwner } : {}),
            }),
          );
          return { region: out.BucketRegion };
        } catch (error) {
          // With an expected owner, AWS answers 403 for a bucket of another account.
          const name = awsErrorName(error);
          if (
            expectedOwner !== undefined &&
            (name === "Forbidden" || name === "AccessDenied" || awsErrorStatus(error) === 403)
          ) {
            const context = { ...this.#scope, operation: "s3:HeadBucket", bucket };
            throw new CrossformError(
              "aws/bucket-not-owned",
              "external",
              `s3:HeadBucket on bucket ${bucket} with expected owner ${expectedOwner} was refused (${name}): the bucket belongs to another account, or ${this.#scope.roleArn ?? "this identity"} may not read it`,
              { hint: awsErrorHint("aws/bucket-not-owned", context), cause: error },
            );
          }
          throw error;
        }
      },
      { bucket },
    );
  }

  async listBuckets(): Promise<string[]> {
    return this.#call("s3:ListBuckets", async () => {
      const names: string[] = [];
      for await (const page of paginateListBuckets({ client: this.#client }, {})) {
        for (const b of page.Buckets ?? []) if (b.Name !== undefined) names.push(b.Name);
      }
      return names;
    });
  }

  async createBucket(bucket: string, region: string): Promise<void> {
    await this.#call(
      "s3:CreateBucket",
      () =>
        absentOn(["BucketAlreadyOwnedByYou"], () =>
          this.#client.send(
            new CreateBucketCommand({
              Bucket: bucket,
              ...(region === "us-east-1"
                ? {}
                : {
                    CreateBucketConfiguration: {
                      LocationConstraint: region as BucketLocationConstraint,
                    },
                  }),
            }),
          ),
        ),
      { bucket },
    );
  }

  async getVersioning(bucket: string): Promise<"Enabled" | "Suspended" | "Disabled"> {
    const out = await this.#call(
      "s3:GetBucketVersioning",
      () => this.#client.send(new GetBucketVersioningCommand({ Bucket: bucket })),
      { bucket },
    );
    return out.Status === "Enabled" || out.Status === "Suspended" ? out.Status : "Disabled";
  }

  async putVersioning(bucket: string, enabled: boolean): Promise<void> {
    await this.#call(
      "s3:PutBucketVersioning",
      () =>
        this.#client.send(
          new PutBucketVersioningCommand({
            Bucket: bucket,
            VersioningConfiguration: { Status: enabled ? "Enabled" : "Suspended" },
          }),
        ),
      { bucket },
    );
  }

  async getPublicAccessBlock(bucket: string): Promise<PublicAccessBlock | undefined> {
    const out = await this.#call(
      "s3:GetPublicAccessBlock",
      () =>
        absentOn(["NoSuchPublicAccessBlockConfiguration"], () =>
          this.#client.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
        ),
      { bucket },
    );
    const c = out?.PublicAccessBlockConfiguration;
    if (c === undefined) return undefined;
    return {
      blockPublicAcls: c.BlockPublicAcls === true,
      ignorePublicAcls: c.IgnorePublicAcls === true,
      blockPublicPolicy: c.BlockPublicPolicy === true,
      restrictPublicBuckets: c.RestrictPublicBuckets === true,
    };
  }

  async putPublicAccessBlock(bucket: string, block: PublicAccessBlock): Promise<void> {
    await this.#call(
      "s3:PutPublicAccessBlock",
      () =>
        this.#client.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            PublicAccessBlockConfiguration: {
              BlockPublicAcls: block.blockPublicAcls,
              IgnorePublicAcls: block.ignorePublicAcls,
              BlockPublicPolicy: block.blockPublicPolicy,
              RestrictPublicBuckets: block.restrictPublicBuckets,
            },
          }),
        ),
      { bucket },
    );
  }

  async getEncryption(
    bucket: string,
  ): Promise<{ algorithm: string; kmsKeyId?: string } | undefined> {
    const out = await this.#call(
      "s3:GetBucketEncryption",
      () =>
        absentOn(["ServerSideEncryptionConfigurationNotFoundError"], () =>
          this.#client.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
        ),
      { bucket },
    );
    const rule = out?.ServerSideEncryptionConfiguration?.Rules?.find(
      (r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined,
    );
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    if (byDefault?.SSEAlgorithm === undefined) return undefined;
    return {
      algorithm: byDefault.SSEAlgorithm,
      ...(byDefault.KMSMasterKeyID !== undefined ? { kmsKeyId: byDefault.KMSMasterKeyID } : {}),
    };
  }

  async putEncryption(
    bucket: string,
    algorithm: "AES256" | "aws:kms",
    kmsKeyId?: string,
  ): Promise<void> {
    await this.#call(
      "s3:PutBucketEncryption",
      () =>
        this.#client.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: {
                    SSEAlgorithm: algorithm,
                    ...(kmsKeyId !== undefined ? { KMSMasterKeyID: kmsKeyId } : {}),
                  },
                  BucketKeyEnabled: algorithm === "aws:kms",
                },
              ],
            },
          }),
        ),
      { bucket },
    );
  }

  async getPolicy(bucket: string): Promise<string | undefined> {
    const out = await this.#call(
      "s3:GetBucketPolicy",
      () =>
        absentOn(["NoSuchBucketPolicy"], () =>
          this.#client.send(new GetBucketPolicyCommand({ Bucket: bucket })),
        ),
      { bucket },
    );
    return out?.Policy;
  }

  async putPolicy(bucket: string, policy: string): Promise<void> {
    await this.#call(
      "s3:PutBucketPolicy",
      () => this.#client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy })),
      { bucket },
    );
  }

  async getOwnershipControls(bucket: string): Promise<string | undefined> {
    const out = await this.#call(
      "s3:GetBucketOwnershipControls",
      () =>
        absentOn(["OwnershipControlsNotFoundError"], () =>
          this.#client.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })),
        ),
      { bucket },
    );
    return out?.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
  }

  async putOwnershipControls(bucket: string, ownership: "BucketOwnerEnforced"): Promise<void> {
    await this.#call(
      "s3:PutBucketOwnershipControls",
      () =>
        this.#client.send(
          new PutBucketOwnershipControlsCommand({
            Bucket: bucket,
            OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] },
          }),
        ),
      { bucket },
    );
  }

  async getLifecycleRules(bucket: string): Promise<Record<string, unknown>[]> {
    const out = await this.#call(
      "s3:GetBucketLifecycleConfiguration",
      () =>
        absentOn(["NoSuchLifecycleConfiguration"], () =>
          this.#client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
        ),
      { bucket },
    );
    // Plain JSON for callers: the SDK's objects may carry Date values and class instances.
    return (out?.Rules ?? []).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);
  }

  async putLifecycleRules(bucket: string, rules: Record<string, unknown>[]): Promise<void> {
    await this.#call(
      "s3:PutBucketLifecycleConfiguration",
      () =>
        this.#client.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            LifecycleConfiguration: { Rules: rules as unknown as LifecycleRule[] },
          }),
        ),
      { bucket },
    );
  }

  async listObjectKeys(bucket: string, prefix?: string): Promise<string[]> {
    return this.#call(
      "s3:ListObjectsV2",
      async () => {
        const keys: string[] = [];
        const input = { Bucket: bucket, ...(prefix !== undefined ? { Prefix: prefix } : {}) };
        for await (const page of paginateListObjectsV2({ client: this.#client }, input)) {
          for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        }
        return keys;
      },
      { bucket },
    );
  }

  async getObjectText(bucket: string, key: string): Promise<string> {
    return this.#call(
      "s3:GetObject",
      async () => {
        const out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body === undefined ? "" : out.Body.transformToString("utf8");
      },
      { bucket, resource: `s3://${bucket}/${key}` },
    );
  }

  async headObject(bucket: string, key: string): Promise<{ etag: string | undefined } | undefined> {
    const out = await this.#call(
      "s3:HeadObject",
      () =>
        absentOn(["NotFound", "NoSuchKey"], () =>
          this.#client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
        ),
      { bucket, resource: `s3://${bucket}/${key}` },
    );
    return out === undefined ? undefined : { etag: out.ETag };
  }

  async putObjectText(
    bucket: string,
    key: string,
    text: string,
    options: { encrypt: boolean },
  ): Promise<{ versionId: string | undefined }> {
    const out = await this.#call(
      "s3:PutObject",
      () =>
        this.#client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: text,
            ContentType: "application/json",
            ...(options.encrypt ? { ServerSideEncryption: "AES256" as const } : {}),
          }),
        ),
      { bucket, resource: `s3://${bucket}/${key}` },
    );
    return { versionId: out.VersionId };
  }

  async createObjectIfAbsent(bucket: string, key: string, text: string): Promise<boolean> {
    const written = await this.#call(
      "s3:PutObject",
      () =>
        absentOn(["PreconditionFailed", "ConditionalRequestConflict"], () =>
          this.#client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: text,
              ContentType: "application/json",
              IfNoneMatch: "*",
            }),
          ),
        ),
      { bucket, resource: `s3://${bucket}/${key}` },
    );
    return written !== undefined;
  }

  async deleteLockObject(bucket: string, key: string): Promise<void> {
    if (!key.endsWith(".tflock")) {
      throw new CrossformError(
        "internal",
        "internal",
        `refusing to delete s3://${bucket}/${key}: crossform deletes state lock objects (*.tflock) only`,
      );
    }
    await this.#call(
      "s3:DeleteObject",
      () => this.#client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
      { bucket, resource: `s3://${bucket}/${key}` },
    );
  }

  async getObjectBytes(bucket: string, key: string): Promise<Uint8Array> {
    return this.#call(
      "s3:GetObject",
      async () => {
        const out = await this.#client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return out.Body === undefined ? new Uint8Array() : out.Body.transformToByteArray();
      },
      { bucket, resource: `s3://${bucket}/${key}` },
    );
  }

  async putReviewedPlanObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
  ): Promise<void> {
    refuseOutsideReviewedPlans(bucket, key, "write");
    await this.#call(
      "s3:PutObject",
      async () => {
        await this.#client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      },
      { bucket, resource: `s3://${bucket}/${key}` },
    );
  }

  async deleteReviewedPlanObject(bucket: string, key: string): Promise<void> {
    refuseOutsideReviewedPlans(bucket, key, "delete");
    await this.#call(
      "s3:DeleteObject",
      async () => {
        await this.#client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      },
      { bucket, resource: `s3://${bucket}/${key}` },
    );
  }
}

/** Refuses a reviewed plan's write or delete at a key outside a reviewed-plan prefix. */
function refuseOutsideReviewedPlans(bucket: string, key: string, verb: string): void {
  if (key.includes(REVIEWED_PLAN_KEY_MARKER)) return;
  throw new CrossformError(
    "internal",
    "internal",
    `refusing to ${verb} s3://${bucket}/${key}: reviewed plans are written and deleted under <state key>${REVIEWED_PLAN_KEY_MARKER} only, never over a state`,
  );
}
