// The demo's out-of-band change: one Terraform state object edited behind crossform's back, the
// way a console click or a stray `terraform state push` would. It reads and writes the object
// through a session of the account that owns the bucket, with the SDK, like an operator would.
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

/** `AWS_ENDPOINT_URL`, the base keys and `AWS_REGION`, as the emulator's environment holds them. */
export type EndpointEnv = Readonly<Record<string, string | undefined>>;

/** Where one state object lives and which account owns its bucket. */
export interface StateObject {
  bucket: string;
  key: string;
  region: string;
  accountId: string;
}

/** What {@link editStateOutput} changed. */
export interface StateEdit {
  output: string;
  before: unknown;
  after: unknown;
  serialBefore: number;
  serialAfter: number;
}

function required(env: EndpointEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set in the emulator's environment`);
  }
  return value;
}

/** An S3 client acting in `accountId` through `roleName`, assumed with the base keys of `env`. */
async function accountS3(
  env: EndpointEnv,
  accountId: string,
  region: string,
  roleName: string,
): Promise<S3Client> {
  const endpoint = required(env, "AWS_ENDPOINT_URL");
  const sts = new STSClient({
    region: env.AWS_REGION ?? region,
    endpoint,
    credentials: {
      accessKeyId: required(env, "AWS_ACCESS_KEY_ID"),
      secretAccessKey: required(env, "AWS_SECRET_ACCESS_KEY"),
    },
  });
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
        RoleSessionName: "crossform-demo-edit",
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error(`AssumeRole of ${roleName} in ${accountId} returned no credentials`);
    }
    // An IP endpoint makes the SDK address buckets path-style by itself.
    return new S3Client({
      region,
      endpoint,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
      },
    });
  } finally {
    sts.destroy();
  }
}

interface StateDocument {
  serial?: unknown;
  outputs?: Record<string, { value?: unknown }>;
}

/**
 * Sets the root output `output` of the state at `location` to `value` and bumps the state's
 * `serial`, as a foreign write would, through `roleName` in the account that owns the bucket.
 */
export async function editStateOutput(
  env: EndpointEnv,
  location: StateObject,
  roleName: string,
  output: string,
  value: unknown,
): Promise<StateEdit> {
  const s3 = await accountS3(env, location.accountId, location.region, roleName);
  const where = `s3://${location.bucket}/${location.key}`;
  try {
    const { Body } = await s3.send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    if (!Body) throw new Error(`${where} has no body`);
    const state = JSON.parse(await Body.transformToString("utf8")) as StateDocument;
    const current = state.outputs?.[output];
    if (current === undefined) {
      throw new Error(`${where} has no output "${output}"; apply the stack first`);
    }
    if (typeof state.serial !== "number") throw new Error(`${where} has no numeric serial`);
    const edit: StateEdit = {
      output,
      before: current.value,
      after: value,
      serialBefore: state.serial,
      serialAfter: state.serial + 1,
    };
    current.value = value;
    state.serial = edit.serialAfter;
    await s3.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: `${JSON.stringify(state, null, 2)}\n`,
        ContentType: "application/json",
      }),
    );
    return edit;
  } finally {
    s3.destroy();
  }
}
