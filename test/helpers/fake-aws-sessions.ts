import { accountIdOfArn } from "../../src/core/config/arn.ts";
import { CrossformError } from "../../src/core/errors.ts";
import type {
  AccountTarget,
  AwsClients,
  AwsSessions,
  BaseIdentity,
  PublicAccessBlock,
} from "../../src/ports/aws.ts";

/** A state bucket of {@link FakeAwsSessions}. */
export interface FakeBucket {
  owner: string;
  region: string;
  versioning: "Enabled" | "Suspended" | "Disabled";
  block: PublicAccessBlock | undefined;
  encryption: string | undefined;
  /** HEAD refused even for the owner (a permission problem). */
  headRefused?: boolean;
}

/** A public access block with every setting on. */
export const ALL_BLOCKED: PublicAccessBlock = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

/** A bucket as `crossform bootstrap` leaves it: versioned, public access blocked, encrypted. */
export function hardened(owner: string, region = "us-east-1"): FakeBucket {
  return { owner, region, versioning: "Enabled", block: ALL_BLOCKED, encryption: "AES256" };
}

function notUsed(): never {
  throw new Error("not used by verify (nor by the preflight of the run commands)");
}

/**
 * An in-memory AWS: a role ARN acts in the account its ARN names (as the emulator does), buckets
 * belong to one account, tables live per account and region. Records every call.
 */
export class FakeAwsSessions implements AwsSessions {
  base: BaseIdentity | CrossformError = {
    account: "123456789012",
    arn: "arn:aws:iam::123456789012:user/ci",
    userId: "AIDAEXAMPLE",
    expiration: undefined,
    source: "environment",
  };
  readonly buckets = new Map<string, FakeBucket>();
  readonly tables = new Map<string, { status: string; hashKey: string | undefined }>();
  /** Role ARN (or profile) -> error thrown by forAccount. */
  readonly refused = new Map<string, CrossformError>();
  /** `account/region` -> error thrown by GetCallerIdentity there. */
  readonly regionErrors = new Map<string, CrossformError>();
  /** Profile -> the account it really reaches (a stale profile). */
  readonly profileAccounts = new Map<string, string>();
  /** Account name -> milliseconds forAccount takes. */
  readonly delays = new Map<string, number>();
  /** Object texts by `bucket/key`, readable by the bucket's owner. */
  readonly objects = new Map<string, string>();
  /**
   * What a write stores instead of the text given (a storage that damages writes), by
   * `bucket/key`; absent keys store what was written.
   */
  readonly damagedWrites = new Map<string, string>();
  /** DynamoDB items by `table/LockID`, with their attributes. */
  readonly items = new Map<string, Record<string, string>>();
  readonly calls: string[] = [];
  readonly targets: AccountTarget[] = [];
  readonly finished: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  async baseIdentity(): Promise<BaseIdentity> {
    this.calls.push("baseIdentity");
    if (this.base instanceof CrossformError) throw this.base;
    return this.base;
  }

  baseClients(): AwsClients {
    return this.clients(this.base instanceof CrossformError ? "" : this.base.account, "us-east-1");
  }

  async forAccount(target: AccountTarget): Promise<AwsClients> {
    this.calls.push(`forAccount ${target.name} ${target.region}`);
    this.targets.push(target);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, this.delays.get(target.name) ?? 2));
    this.inFlight -= 1;
    this.finished.push(target.name);
    const refusal = this.refused.get(target.profile ?? target.roleArn);
    if (refusal) throw refusal;
    const account =
      (target.profile !== undefined ? this.profileAccounts.get(target.profile) : undefined) ??
      accountIdOfArn(target.roleArn) ??
      "";
    return this.clients(account, target.region);
  }

  clients(account: string, region: string): AwsClients {
    const calls = this.calls;
    const buckets = this.buckets;
    const tables = this.tables;
    const regionErrors = this.regionErrors;
    const objects = this.objects;
    const damaged = this.damagedWrites;
    const items = this.items;
    const bucketOf = (name: string): FakeBucket => {
      const b = buckets.get(name);
      if (!b) throw new CrossformError("aws/bucket-missing", "external", `no bucket ${name}`);
      return b;
    };
    return {
      sts: {
        async getCallerIdentity() {
          calls.push(`sts ${account} ${region}`);
          const error = regionErrors.get(`${account}/${region}`);
          if (error) throw error;
          return {
            account,
            arn: `arn:aws:sts::${account}:assumed-role/TerraformDeploy/crossform`,
            userId: "AROA:crossform",
          };
        },
      },
      s3: {
        async headBucket(name: string, expectedOwner?: string) {
          calls.push(`headBucket ${account} ${name}`);
          const b = bucketOf(name);
          if (b.headRefused) {
            throw new CrossformError("aws/bucket-not-owned", "external", `head refused ${name}`, {
              hint: "owned elsewhere?",
            });
          }
          // Like the emulator, ExpectedBucketOwner is not enforced here.
          void expectedOwner;
          return { region: b.region };
        },
        async listBuckets() {
          calls.push(`listBuckets ${account}`);
          return [...buckets].filter(([, b]) => b.owner === account).map(([n]) => n);
        },
        async getVersioning(name: string) {
          return bucketOf(name).versioning;
        },
        async getPublicAccessBlock(name: string) {
          return bucketOf(name).block;
        },
        async getEncryption(name: string) {
          const algorithm = bucketOf(name).encryption;
          return algorithm === undefined ? undefined : { algorithm };
        },
        createBucket: notUsed,
        putVersioning: notUsed,
        putPublicAccessBlock: notUsed,
        putEncryption: notUsed,
        getPolicy: notUsed,
        putPolicy: notUsed,
        getOwnershipControls: notUsed,
        putOwnershipControls: notUsed,
        getLifecycleRules: notUsed,
        putLifecycleRules: notUsed,
        async listObjectKeys(name: string, prefix = "") {
          calls.push(`listObjectKeys ${account} ${name} ${prefix}`);
          if (bucketOf(name).owner !== account)
            throw new CrossformError("aws/access-denied", "external", `access denied to ${name}`);
          return [...objects.keys()]
            .filter((k) => k.startsWith(`${name}/${prefix}`))
            .map((k) => k.slice(name.length + 1))
            .sort();
        },
        async getObjectText(name: string, key: string) {
          calls.push(`getObjectText ${account} ${name} ${key}`);
          const text = objects.get(`${name}/${key}`);
          if (text === undefined || bucketOf(name).owner !== account)
            throw new CrossformError("aws/object-missing", "external", `no object ${key}`);
          return text;
        },
        async headObject(name: string, key: string) {
          calls.push(`headObject ${account} ${name} ${key}`);
          if (bucketOf(name).owner !== account)
            throw new CrossformError("aws/access-denied", "external", `access denied to ${name}`);
          return objects.has(`${name}/${key}`) ? { etag: '"fake"' } : undefined;
        },
        async putObjectText(name: string, key: string, text: string) {
          calls.push(`putObjectText ${account} ${name} ${key}`);
          if (bucketOf(name).owner !== account)
            throw new CrossformError("aws/access-denied", "external", `access denied to ${name}`);
          objects.set(`${name}/${key}`, damaged.get(`${name}/${key}`) ?? text);
          return { versionId: undefined };
        },
        async createObjectIfAbsent(name: string, key: string, text: string) {
          calls.push(`createObjectIfAbsent ${account} ${name} ${key}`);
          if (objects.has(`${name}/${key}`)) return false;
          objects.set(`${name}/${key}`, text);
          return true;
        },
        async deleteLockObject(name: string, key: string) {
          calls.push(`deleteLockObject ${account} ${name} ${key}`);
          if (!key.endsWith(".tflock")) throw new Error(`not a lock: ${key}`);
          objects.delete(`${name}/${key}`);
        },
        async getObjectBytes(name: string, key: string) {
          calls.push(`getObjectBytes ${account} ${name} ${key}`);
          const text = objects.get(`${name}/${key}`);
          if (text === undefined || bucketOf(name).owner !== account)
            throw new CrossformError("aws/object-missing", "external", `no object ${key}`);
          return Buffer.from(text, "latin1");
        },
        async putReviewedPlanObject(name: string, key: string, body: Uint8Array | string) {
          calls.push(`putReviewedPlanObject ${account} ${name} ${key}`);
          if (bucketOf(name).owner !== account)
            throw new CrossformError("aws/access-denied", "external", `access denied to ${name}`);
          objects.set(
            `${name}/${key}`,
            typeof body === "string" ? body : Buffer.from(body).toString("latin1"),
          );
        },
        async deleteReviewedPlanObject(name: string, key: string) {
          calls.push(`deleteReviewedPlanObject ${account} ${name} ${key}`);
          if (!key.includes(".crossform-reviewed/")) throw new Error(`not a reviewed plan: ${key}`);
          objects.delete(`${name}/${key}`);
        },
      },
      dynamodb: {
        async describeTable(table: string) {
          calls.push(`describeTable ${account} ${region} ${table}`);
          return tables.get(`${account}/${region}/${table}`);
        },
        createLockTable: notUsed,
        async acquireLock(table: string, lockId: string, info: string) {
          calls.push(`acquireLock ${account} ${table} ${lockId}`);
          if (items.has(`${table}/${lockId}`)) return false;
          items.set(`${table}/${lockId}`, { Info: info });
          return true;
        },
        async releaseLock(table: string, lockId: string) {
          calls.push(`releaseLock ${account} ${table} ${lockId}`);
          items.delete(`${table}/${lockId}`);
        },
        async putStateDigest(table: string, digestId: string, digest: string) {
          calls.push(`putStateDigest ${account} ${table} ${digestId}`);
          items.set(`${table}/${digestId}`, { Digest: digest });
        },
      },
      iam: {
        getRole: notUsed,
        createRole: notUsed,
        updateTrustPolicy: notUsed,
        listAttachedPolicyArns: notUsed,
        attachPolicy: notUsed,
      },
      organizations: {
        listRoots: notUsed,
        listOrganizationalUnitsForParent: notUsed,
        listAccountsForParent: notUsed,
      },
      cloudformation: { createStack: notUsed, describeStackStatus: notUsed },
    };
  }
}
