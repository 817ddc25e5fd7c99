import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { BucketLocationConstraint } from "@aws-sdk/client-s3";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** Static or session credentials for an SDK client. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The emulator's endpoint and base keys (`MotoServer.env` of test/helpers/moto.ts). */
export type EmulatorEnv = Readonly<Record<string, string>>;

function baseKeys(env: EmulatorEnv): TestCredentials {
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
  };
}

function clientConfig(env: EmulatorEnv, credentials: TestCredentials, region = "us-east-1") {
  return { region, endpoint: env.AWS_ENDPOINT_URL ?? "", credentials };
}

/** Credentials of a session of `role` in `accountId`, assumed with `from` (default: the base keys). */
export async function sessionIn(
  env: EmulatorEnv,
  accountId: string,
  role = "OrganizationAccountAccessRole",
  from?: TestCredentials,
): Promise<TestCredentials> {
  const sts = new STSClient(clientConfig(env, from ?? baseKeys(env)));
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${role}`,
        RoleSessionName: "crossform-test",
      }),
    );
    const c = out.Credentials;
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

/** How to create one state bucket in the emulator. */
export interface TestBucket {
  bucket: string;
  /** The account whose session creates (and so owns) the bucket. */
  ownerId: string;
  /** @default "us-east-1" */
  region?: string;
  /** @default true */
  versioning?: boolean;
  /** All four public access block settings on. @default true */
  publicAccessBlock?: boolean;
  /** Default encryption SSE-S3. @default true */
  encryption?: boolean;
  /** Credentials acting in `ownerId`; default: a session of its OrganizationAccountAccessRole. */
  credentials?: TestCredentials;
}

/** Creates a bucket in its owner's account with the requested hardening. */
export async function createTestBucket(env: EmulatorEnv, spec: TestBucket): Promise<void> {
  const region = spec.region ?? "us-east-1";
  const credentials = spec.credentials ?? (await sessionIn(env, spec.ownerId));
  const s3 = new S3Client(clientConfig(env, credentials, region));
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: spec.bucket,
        ...(region === "us-east-1"
          ? {}
          : {
              CreateBucketConfiguration: {
                LocationConstraint: region as BucketLocationConstraint,
              },
            }),
      }),
    );
    if (spec.versioning !== false) {
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket: spec.bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
    }
    if (spec.publicAccessBlock !== false) {
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: spec.bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
    }
    if (spec.encryption !== false) {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: spec.bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
          },
        }),
      );
    }
  } finally {
    s3.destroy();
  }
}

/** What {@link enforceIam} set up. */
export interface EnforcedIam {
  /** Keys of the IAM user `ci` in the base account: the base identity of the test. */
  user: TestCredentials;
  /** A session of `role` in each account, usable after enforcement (the role allows everything). */
  sessions: Map<string, TestCredentials>;
}

const ALLOW_ALL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
});

/**
 * Sets up IAM enforcement on a moto_server started with `INITIAL_NO_AUTH_ACTION_COUNT` (see
 * TESTING.md): while calls are still unauthenticated, creates `role` in every account with an
 * allow-all policy (calls through a role are authorised against its own policies), and an IAM user
 * `ci` in the base account allowed `sts:AssumeRole` on the role in `allowed` accounts only. Then
 * spends the remaining unauthenticated calls until the emulator refuses the base keys, so that
 * every later call is checked. Needs `accounts.length * 3 + 3` unauthenticated calls at least.
 */
export async function enforceIam(
  env: EmulatorEnv,
  options: { accounts: string[]; allowed: string[]; role: string },
): Promise<EnforcedIam> {
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "sts:AssumeRole",
      },
    ],
  });
  const sessions = new Map<string, TestCredentials>();
  for (const id of options.accounts) {
    const session = await sessionIn(env, id, options.role);
    const iam = new IAMClient(clientConfig(env, session));
    try {
      await iam.send(
        new CreateRoleCommand({ RoleName: options.role, AssumeRolePolicyDocument: trust }),
      );
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: options.role,
          PolicyName: "allow-all",
          PolicyDocument: ALLOW_ALL,
        }),
      );
    } finally {
      iam.destroy();
    }
    sessions.set(id, session);
  }
  const iam = new IAMClient(clientConfig(env, baseKeys(env)));
  try {
    await iam.send(new CreateUserCommand({ UserName: "ci" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "ci" }))).AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey)
      throw new Error("CreateAccessKey returned no key");
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "ci",
        PolicyName: "assume-some",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "sts:AssumeRole",
              Resource: options.allowed.map((id) => `arn:aws:iam::${id}:role/${options.role}`),
            },
          ],
        }),
      }),
    );
    // The emulator's base keys belong to no IAM user: once enforcement starts they are refused.
    for (let i = 0; i < 500; i += 1) {
      try {
        await iam.send(new ListUsersCommand({}));
      } catch {
        return {
          user: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
          sessions,
        };
      }
    }
    throw new Error("IAM enforcement did not start: is INITIAL_NO_AUTH_ACTION_COUNT set?");
  } finally {
    iam.destroy();
  }
}

/** One request the emulator recorded: its service and action. */
export interface RecordedRequest {
  /** The query action (`AssumeRole`), the JSON target (`DescribeTable`), or `HEAD /bucket/` for S3. */
  operation: string;
  /** The request body as text. */
  body: string;
}

/** The emulator's request recorder (`/moto-api/recorder/`): start, then read what was sent. */
export class EmulatorRecorder {
  readonly #endpoint: string;

  constructor(endpoint: string) {
    this.#endpoint = endpoint;
  }

  async start(): Promise<void> {
    await this.#post("reset-recording");
    await this.#post("start-recording");
  }

  /** Stops recording and returns the requests made since {@link EmulatorRecorder.start}. */
  async stop(): Promise<RecordedRequest[]> {
    await this.#post("stop-recording");
    const response = await fetch(`${this.#endpoint}/moto-api/recorder/download-recording`);
    const text = await response.text();
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const entry = JSON.parse(line) as {
          method: string;
          url: string;
          body: string | null;
          body_encoded?: boolean;
          headers: Record<string, string>;
        };
        const raw = entry.body ?? "";
        const body =
          entry.body_encoded === true ? Buffer.from(raw, "base64").toString("utf8") : raw;
        const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
        const target = entry.headers["X-Amz-Target"]?.split(".").pop();
        const path = new URL(entry.url).pathname;
        return {
          operation:
            action !== undefined
              ? action
              : target !== undefined
                ? target
                : `${entry.method} ${path}`,
          body,
        };
      });
  }

  async #post(what: string): Promise<void> {
    const response = await fetch(`${this.#endpoint}/moto-api/recorder/${what}`, { method: "POST" });
    await response.arrayBuffer();
  }
}
