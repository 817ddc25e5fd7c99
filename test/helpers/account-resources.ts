// What an account holds, read through a session of that account (or the base keys, for the base
// identity's own account) with the AWS SDK: the Parameter Store entries, buckets, IAM roles and
// hosted zones the quickstart creates, with their tags. The end-to-end tests and the demo use it
// to show that each resource landed in its own account and nowhere else.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { IAMClient, ListRoleTagsCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import {
  DescribeParametersCommand,
  GetParameterCommand,
  ListTagsForResourceCommand as ListParameterTagsCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand as ListZoneTagsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { sessionIn } from "./emulator-accounts.ts";
import type { EmulatorEnv, TestCredentials } from "./emulator-accounts.ts";

/** Tags as a plain map, keys sorted. */
export type Tags = Record<string, string>;

/** A Parameter Store entry. */
export interface Parameter {
  name: string;
  value: string;
  tags: Tags;
}

/** A bucket the account owns. */
export interface Bucket {
  name: string;
  tags: Tags;
}

/** An IAM role. */
export interface Role {
  name: string;
  arn: string;
  tags: Tags;
}

/** A Route 53 hosted zone with its NS records other than its own apex. */
export interface HostedZone {
  /** Without the trailing dot. */
  name: string;
  id: string;
  tags: Tags;
  /** Delegations: record name (no trailing dot) -> name servers. */
  delegations: Record<string, string[]>;
}

function sortedTags(pairs: readonly { Key?: string; Value?: string }[] | undefined): Tags {
  const tags: Tags = {};
  for (const { Key, Value } of [...(pairs ?? [])].sort((a, b) =>
    (a.Key ?? "").localeCompare(b.Key ?? ""),
  )) {
    if (Key !== undefined) tags[Key] = Value ?? "";
  }
  return tags;
}

function withoutDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** The SDK clients of one account, in one session. */
export class AccountResources {
  /** The account the session acts in, as GetCallerIdentity reports it. */
  readonly accountId: string;
  private readonly env: EmulatorEnv;
  private readonly credentials: TestCredentials;
  private readonly clients: { destroy(): void }[] = [];

  private constructor(env: EmulatorEnv, credentials: TestCredentials, accountId: string) {
    this.env = env;
    this.credentials = credentials;
    this.accountId = accountId;
  }

  /**
   * A session in `accountId` through `role` (default OrganizationAccountAccessRole, as an operator
   * would look), or the base keys themselves for `"base"`: the base identity's own account.
   */
  static async open(
    env: EmulatorEnv,
    account: string | "base",
    role?: string,
  ): Promise<AccountResources> {
    const credentials =
      account === "base"
        ? {
            accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
            secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
          }
        : await sessionIn(env, account, role);
    const sts = new STSClient({ ...clientConfig(env, credentials) });
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      return new AccountResources(env, credentials, identity.Account ?? "");
    } finally {
      sts.destroy();
    }
  }

  private client<T extends { destroy(): void }>(
    make: (config: ReturnType<typeof clientConfig>) => T,
    region = "us-east-1",
  ): T {
    const client = make(clientConfig(this.env, this.credentials, region));
    this.clients.push(client);
    return client;
  }

  /** Every Parameter Store entry of the account in `region`, with value and tags, by name. */
  async parameters(region: string): Promise<Parameter[]> {
    const ssm = this.client((c) => new SSMClient(c), region);
    const names: string[] = [];
    let next: string | undefined;
    do {
      const page = await ssm.send(new DescribeParametersCommand({ NextToken: next }));
      for (const p of page.Parameters ?? []) if (p.Name) names.push(p.Name);
      next = page.NextToken;
    } while (next);
    const out: Parameter[] = [];
    for (const name of names.sort()) {
      const got = await ssm.send(new GetParameterCommand({ Name: name }));
      const tags = await ssm.send(
        new ListParameterTagsCommand({ ResourceType: "Parameter", ResourceId: name }),
      );
      out.push({ name, value: got.Parameter?.Value ?? "", tags: sortedTags(tags.TagList) });
    }
    return out;
  }

  /** Overwrites a String parameter, as a console edit would. */
  async putParameter(region: string, name: string, value: string): Promise<void> {
    const ssm = this.client((c) => new SSMClient(c), region);
    await ssm.send(new PutParameterCommand({ Name: name, Value: value, Overwrite: true }));
  }

  /** The buckets the account owns whose name starts with `prefix`, with their tags. */
  async buckets(prefix = ""): Promise<Bucket[]> {
    const s3 = this.client((c) => new S3Client(c));
    const listed = await s3.send(new ListBucketsCommand({}));
    const out: Bucket[] = [];
    for (const b of listed.Buckets ?? []) {
      if (!b.Name?.startsWith(prefix)) continue;
      let tags: Tags = {};
      try {
        tags = sortedTags((await s3.send(new GetBucketTaggingCommand({ Bucket: b.Name }))).TagSet);
      } catch (error) {
        if ((error as { name?: string }).name !== "NoSuchTagSet") throw error;
      }
      out.push({ name: b.Name, tags });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The IAM roles of the account whose name starts with `prefix`, with their tags. */
  async roles(prefix = ""): Promise<Role[]> {
    const iam = this.client((c) => new IAMClient(c));
    const out: Role[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListRolesCommand({ Marker: marker }));
      for (const r of page.Roles ?? []) {
        if (!r.RoleName?.startsWith(prefix)) continue;
        const tags = await iam.send(new ListRoleTagsCommand({ RoleName: r.RoleName }));
        out.push({ name: r.RoleName, arn: r.Arn ?? "", tags: sortedTags(tags.Tags) });
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The account's hosted zones, with their tags and the NS records they delegate. */
  async hostedZones(): Promise<HostedZone[]> {
    const route53 = this.client((c) => new Route53Client(c));
    const listed = await route53.send(new ListHostedZonesCommand({}));
    const out: HostedZone[] = [];
    for (const zone of listed.HostedZones ?? []) {
      const id = (zone.Id ?? "").replace(/^\/hostedzone\//, "");
      const name = withoutDot(zone.Name ?? "");
      const tags = await route53.send(
        new ListZoneTagsCommand({ ResourceType: "hostedzone", ResourceId: id }),
      );
      const records = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }));
      const delegations: Record<string, string[]> = {};
      for (const record of records.ResourceRecordSets ?? []) {
        const recordName = withoutDot(record.Name ?? "");
        if (record.Type !== "NS" || recordName === name) continue;
        delegations[recordName] = (record.ResourceRecords ?? []).map((r) => r.Value ?? "").sort();
      }
      out.push({ name, id, tags: sortedTags(tags.ResourceTagSet?.Tags), delegations });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Closes every client this session opened. */
  close(): void {
    for (const client of this.clients.splice(0)) client.destroy();
  }
}

function clientConfig(env: EmulatorEnv, credentials: TestCredentials, region = "us-east-1") {
  return { region, endpoint: env.AWS_ENDPOINT_URL ?? "", credentials };
}
