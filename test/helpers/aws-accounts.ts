import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { BucketLocationConstraint } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/**
 * The environment that points AWS clients at an emulator (or at AWS): `AWS_ENDPOINT_URL`, the
 * base keys and `AWS_REGION`, as `MotoServer.env` of test/helpers/moto.ts holds them.
 */
export type EndpointEnv = Readonly<Record<string, string | undefined>>;

/** Where one state object lives and which account owns its bucket. */
export interface StateLocation {
  bucket: string;
  key: string;
  region: string;
  accountId: string;
}

/** One state bucket, in the account that owns it. */
export type StateBucket = Omit<StateLocation, "key">;

/** The role assumed in each account, as an organization's management account can. */
export const ADMIN_ROLE = "OrganizationAccountAccessRole";

interface AccountCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

function required(env: EndpointEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set in the endpoint environment; pass the emulator's env`);
  }
  return value;
}

/** Assumes `OrganizationAccountAccessRole` in `accountId` with the base keys of `env`. */
async function assumeAdmin(env: EndpointEnv, accountId: string): Promise<AccountCredentials> {
  const sts = new STSClient({
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: required(env, "AWS_ENDPOINT_URL"),
    credentials: {
      accessKeyId: required(env, "AWS_ACCESS_KEY_ID"),
      secretAccessKey: required(env, "AWS_SECRET_ACCESS_KEY"),
    },
  });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${ADMIN_ROLE}`,
        RoleSessionName: "crossform-test",
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error(`AssumeRole into ${accountId} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    };
  } finally {
    sts.destroy();
  }
}

/** Runs `use` with an S3 client acting in `accountId` (through its admin role) in `region`. */
async function withAccountS3<T>(
  env: EndpointEnv,
  accountId: string,
  region: string,
  use: (s3: S3Client) => Promise<T>,
): Promise<T> {
  // An IP endpoint makes the SDK address buckets path-style by itself: no forcePathStyle here.
  const s3 = new S3Client({
    region,
    endpoint: required(env, "AWS_ENDPOINT_URL"),
    credentials: await assumeAdmin(env, accountId),
  });
  try {
    return await use(s3);
  } finally {
    s3.destroy();
  }
}

/** The distinct state buckets of `units`, in first-seen order. */
export function stateBucketsOf(units: readonly { state: StateLocation }[]): StateBucket[] {
  const buckets = new Map<string, StateBucket>();
  for (const { state } of units) {
    const seen = buckets.get(state.bucket);
    if (seen && (seen.accountId !== state.accountId || seen.region !== state.region)) {
      throw new Error(
        `bucket ${state.bucket} is used in ${seen.accountId}/${seen.region} and ${state.accountId}/${state.region}`,
      );
    }
    buckets.set(state.bucket, {
      bucket: state.bucket,
      region: state.region,
      accountId: state.accountId,
    });
  }
  return [...buckets.values()];
}

/**
 * Creates every state bucket of `units` in the account that owns it (a session of that account's
 * `OrganizationAccountAccessRole`), in its region, with versioning enabled. Returns the buckets.
 */
export async function createStateBuckets(
  env: EndpointEnv,
  units: readonly { state: StateLocation }[],
): Promise<StateBucket[]> {
  const buckets = stateBucketsOf(units);
  for (const b of buckets) {
    await withAccountS3(env, b.accountId, b.region, async (s3) => {
      await s3.send(
        new CreateBucketCommand({
          Bucket: b.bucket,
          ...(b.region === "us-east-1"
            ? {}
            : {
                CreateBucketConfiguration: {
                  LocationConstraint: b.region as BucketLocationConstraint,
                },
              }),
        }),
      );
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: b.bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
    });
  }
  return buckets;
}

/** Names of the buckets `accountId` itself owns (its own `ListBuckets`). */
export function listOwnedBuckets(env: EndpointEnv, accountId: string): Promise<string[]> {
  return withAccountS3(env, accountId, env.AWS_REGION ?? "us-east-1", async (s3) => {
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    return (Buckets ?? []).map((b) => b.Name ?? "").filter((name) => name !== "");
  });
}

/** Keys of every object in a state bucket, listed through the owning account's session. */
export function listStateObjects(env: EndpointEnv, bucket: StateBucket): Promise<string[]> {
  return withAccountS3(env, bucket.accountId, bucket.region, async (s3) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket.bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  });
}

/** The text of one state object, read through the owning account's session. */
export function getStateObject(env: EndpointEnv, location: StateLocation): Promise<string> {
  return withAccountS3(env, location.accountId, location.region, async (s3) => {
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    if (!Body) throw new Error(`s3://${location.bucket}/${location.key} has no body`);
    return Body.transformToString("utf8");
  });
}

/** Writes one object of a state bucket through the owning account's session (a lock, an edit). */
export function putStateObject(
  env: EndpointEnv,
  location: StateLocation,
  body: string,
): Promise<void> {
  return withAccountS3(env, location.accountId, location.region, async (s3) => {
    await s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body }));
  });
}

/** Deletes a state bucket with every object version and delete marker in it (an outage). */
export function deleteStateBucket(env: EndpointEnv, bucket: StateBucket): Promise<void> {
  return withAccountS3(env, bucket.accountId, bucket.region, async (s3) => {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket.bucket }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      await s3.send(
        new DeleteObjectCommand({ Bucket: bucket.bucket, Key: v.Key, VersionId: v.VersionId }),
      );
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket.bucket }));
  });
}
