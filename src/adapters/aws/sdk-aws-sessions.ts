/**
 * The AWS port on the AWS SDK for JavaScript v3. One object per run:
 * - base credentials from the standard chain, or from `base.profile` (`fromNodeProviderChain`:
 *   environment, SSO, `source_profile` chains, web identity, container and instance roles);
 * - per account one `AssumeRole` (session name, external id, duration), cached per target for the
 *   run, in memory only, refreshed five minutes before it expires; or, for `--via-profiles`, the
 *   account's AWS CLI profile (`fromIni`);
 * - endpoints from `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`, which the SDK reads itself;
 * - the SDK's adaptive retry mode: jittered exponential backoff for throttling and transient
 *   network errors, and a client-side token bucket that slows a client down once it is throttled;
 * - a connection timeout per attempt, and one deadline per call for its answer, retries
 *   included (answer-deadline.ts): a hung endpoint fails the call with the endpoint named, and
 *   the operator is told while it waits;
 * - one keep-alive socket pool shared by every client.
 * Credentials are never written and never logged; no SDK logger is configured.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { STSClientConfig } from "@aws-sdk/client-sts";
import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { durationSeconds } from "../../core/config/durations.ts";
import { DEFAULTS } from "../../core/config/normalize-defaults.ts";
import { CrossformError } from "../../core/errors.ts";
import type {
  AccountTarget,
  AwsClients,
  AwsSessions,
  BaseIdentity,
  CloudFormationApi,
  DynamoDbApi,
  IamApi,
  OrganizationsApi,
  S3Api,
  StsApi,
} from "../../ports/aws.ts";
import { addAnswerDeadline } from "./answer-deadline.ts";
import type { WaitingNotice } from "./answer-deadline.ts";
import { awsCall } from "./aws-call.ts";
import type { AwsCallScope } from "./aws-call.ts";
import {
  awsErrorCode,
  awsErrorHint,
  awsErrorName,
  classifyAwsError,
  redactSecrets,
} from "./classify-aws-error.ts";
import { describeCredentialSource } from "./credential-source.ts";
import { SdkCloudFormationApi } from "./sdk-cloudformation-api.ts";
import { SdkDynamoDbApi } from "./sdk-dynamodb-api.ts";
import { SdkIamApi } from "./sdk-iam-api.ts";
import { SdkOrganizationsApi } from "./sdk-organizations-api.ts";
import { SdkS3Api } from "./sdk-s3-api.ts";
import { SdkStsApi } from "./sdk-sts-api.ts";

/** Credentials as the SDK's providers resolve them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

/** A function that resolves credentials, as every SDK credential provider is. */
export type CredentialProvider = () => Promise<AwsCredentials>;

/** The HTTP handler (or its options) every SDK client is built with. */
export type AwsRequestHandler = NonNullable<STSClientConfig["requestHandler"]>;

/** Options of {@link SdkAwsSessions}. */
export interface SdkAwsSessionsOptions {
  /** `base.profile`; undefined = the default credential chain. */
  profile?: string | undefined;
  /**
   * `AWS_PROFILE`, which the default chain uses when `profile` is undefined; named in messages.
   * @default process.env.AWS_PROFILE
   */
  envProfile?: string | undefined;
  /** `base.region`: the region of the base identity's own calls. */
  region: string;
  /**
   * Attempts per call, the first included (the SDK's `maxAttempts`); without it,
   * `AWS_MAX_ATTEMPTS` when set, else 5.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Sockets per host in the shared keep-alive pool.
   * @default 64
   */
  maxSockets?: number;
  /** Replaces the HTTP transport of every client (a scripted transport in tests). */
  requestHandler?: AwsRequestHandler;
  /**
   * Seconds to wait for a connection to an AWS endpoint, per attempt (`aws.connect_timeout`).
   * @default 10
   */
  connectTimeoutSeconds?: number;
  /**
   * Seconds one AWS call waits for an answer, its retries included (`aws.request_timeout`); then
   * it fails with "no answer from <endpoint> in N s". @default 30
   */
  requestTimeoutSeconds?: number;
  /** Told while a call waits for an answer (a progress line). */
  onWaiting?: (notice: WaitingNotice) => void;
  /** Replaces the base credential chain. */
  baseCredentials?: CredentialProvider;
  /**
   * The clock, in milliseconds, for expiry decisions.
   * @default Date.now
   */
  now?: () => number;
}

/** Assumed-role and profile sessions are refreshed this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** AWS caps a role session assumed from another role session (role chaining) at one hour. */
const CHAINED_SESSION_SECONDS = 3600;
const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_MAX_ATTEMPTS = 5;
/** `aws.connect_timeout` and `aws.request_timeout` when not written (docs/config.md). */
const DEFAULT_CONNECT_TIMEOUT_SECONDS = durationSeconds(DEFAULTS.awsConnectTimeout);
const DEFAULT_REQUEST_TIMEOUT_SECONDS = durationSeconds(DEFAULTS.awsRequestTimeout);

type SdkClient =
  STSClient | S3Client | DynamoDBClient | IAMClient | OrganizationsClient | CloudFormationClient;

interface ClientConfig {
  region: string;
  credentials: CredentialProvider;
  maxAttempts?: number;
  retryMode?: "adaptive";
  requestHandler: AwsRequestHandler;
}

/** One set of credentials and the scope its calls are reported in. */
interface Identity {
  key: string;
  credentials: CredentialProvider;
  scope: AwsCallScope;
}

/**
 * Memoizes a credential source for the run: one fetch, shared by every client of the identity,
 * fetched again once the credentials are within five minutes of their expiry; a failed fetch is
 * not kept, so the next call tries again.
 */
function memoizedCredentials(fetch: CredentialProvider, now: () => number): CredentialProvider {
  let current: Promise<AwsCredentials> | undefined;
  const load = (): Promise<AwsCredentials> => {
    const pending = fetch();
    current = pending;
    pending.catch(() => {
      if (current === pending) current = undefined;
    });
    return pending;
  };
  return async () => {
    const pending = current ?? load();
    const credentials = await pending;
    const expiry = credentials.expiration?.getTime();
    if (expiry !== undefined && expiry - now() <= REFRESH_MARGIN_MS) {
      return current === pending || current === undefined ? load() : current;
    }
    return credentials;
  };
}

/** Role session names allow `[\w+=,.@-]`, 2 to 64 characters. */
function safeSessionName(name: string): string {
  const cleaned = name.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `crossform-${cleaned}`.slice(0, 64);
}

/** The clients of one identity in one region, each built on first use. */
class LazyAwsClients implements AwsClients {
  readonly #make: { [K in keyof AwsClients]: () => AwsClients[K] };
  #sts: StsApi | undefined;
  #s3: S3Api | undefined;
  #dynamodb: DynamoDbApi | undefined;
  #iam: IamApi | undefined;
  #organizations: OrganizationsApi | undefined;
  #cloudformation: CloudFormationApi | undefined;

  constructor(make: { [K in keyof AwsClients]: () => AwsClients[K] }) {
    this.#make = make;
  }

  get sts(): StsApi {
    return (this.#sts ??= this.#make.sts());
  }
  get s3(): S3Api {
    return (this.#s3 ??= this.#make.s3());
  }
  get dynamodb(): DynamoDbApi {
    return (this.#dynamodb ??= this.#make.dynamodb());
  }
  get iam(): IamApi {
    return (this.#iam ??= this.#make.iam());
  }
  get organizations(): OrganizationsApi {
    return (this.#organizations ??= this.#make.organizations());
  }
  get cloudformation(): CloudFormationApi {
    return (this.#cloudformation ??= this.#make.cloudformation());
  }
}

/** {@link AwsSessions} on the AWS SDK v3; call {@link SdkAwsSessions.destroy} when the run ends. */
export class SdkAwsSessions implements AwsSessions {
  readonly #profile: string | undefined;
  /** `AWS_PROFILE` when the default chain reads it (no `base.profile`), for messages only. */
  readonly #envProfile: string | undefined;
  readonly #region: string;
  readonly #retry: { maxAttempts?: number; retryMode?: "adaptive" };
  readonly #now: () => number;
  readonly #requestHandler: AwsRequestHandler;
  readonly #agents: { http: HttpAgent; https: HttpsAgent } | undefined;
  readonly #base: Identity;
  readonly #sessions = new Map<string, { identity: Identity; ready: Promise<void> }>();
  readonly #clients = new Map<string, AwsClients>();
  readonly #sdkClients = new Map<string, SdkClient>();
  #baseIdentity: Promise<BaseIdentity> | undefined;
  readonly #requestTimeoutSeconds: number;
  readonly #onWaiting: ((notice: WaitingNotice) => void) | undefined;

  constructor(options: SdkAwsSessionsOptions) {
    this.#requestTimeoutSeconds = options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
    this.#onWaiting = options.onWaiting;
    this.#profile = options.profile;
    this.#region = options.region;
    // The SDK's own variables win over crossform's defaults: AWS_MAX_ATTEMPTS, AWS_RETRY_MODE.
    const env = process.env;
    const envProfile = "envProfile" in options ? options.envProfile : env.AWS_PROFILE;
    this.#envProfile =
      this.#profile === undefined && envProfile !== undefined && envProfile !== ""
        ? envProfile
        : undefined;
    const maxAttempts =
      options.maxAttempts ?? (env.AWS_MAX_ATTEMPTS ? undefined : DEFAULT_MAX_ATTEMPTS);
    this.#retry = {
      ...(maxAttempts !== undefined ? { maxAttempts } : {}),
      ...(env.AWS_RETRY_MODE ? {} : { retryMode: "adaptive" as const }),
    };
    this.#now = options.now ?? Date.now;
    if (options.requestHandler !== undefined) {
      this.#requestHandler = options.requestHandler;
      this.#agents = undefined;
    } else {
      const maxSockets = options.maxSockets ?? 64;
      this.#agents = {
        http: new HttpAgent({ keepAlive: true, maxSockets }),
        https: new HttpsAgent({ keepAlive: true, maxSockets }),
      };
      this.#requestHandler = {
        httpAgent: this.#agents.http,
        httpsAgent: this.#agents.https,
        connectionTimeout:
          (options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
        // The call's deadline (answer-deadline.ts) fails the call first; this ends the socket of
        // the attempt it gave up on.
        requestTimeout: this.#requestTimeoutSeconds * 1000 + 1000,
        throwOnRequestTimeout: true,
      };
    }
    // The credential providers' own clients (SSO, web identity, profiles) get the same timeouts.
    const chain =
      options.baseCredentials ??
      fromNodeProviderChain({
        ...(this.#profile !== undefined ? { profile: this.#profile } : {}),
        clientConfig: { requestHandler: this.#requestHandler },
      });
    this.#base = {
      key: "base",
      credentials: memoizedCredentials(chain, this.#now),
      scope: { identity: "base", baseProfile: this.#profile, envProfile: this.#envProfile },
    };
  }

  baseIdentity(): Promise<BaseIdentity> {
    if (this.#baseIdentity === undefined) {
      const pending = this.#resolveBaseIdentity();
      this.#baseIdentity = pending;
      pending.catch(() => {
        if (this.#baseIdentity === pending) this.#baseIdentity = undefined;
      });
    }
    return this.#baseIdentity;
  }

  baseClients(region: string): AwsClients {
    return this.#clientsFor(this.#base, region);
  }

  async forAccount(target: AccountTarget): Promise<AwsClients> {
    const key =
      target.profile !== undefined
        ? `profile:${target.profile}`
        : `role:${target.roleArn}|${target.externalId ?? ""}|${target.sessionName}|${target.durationSeconds ?? DEFAULT_DURATION_SECONDS}`;
    let session = this.#sessions.get(key);
    if (session === undefined) {
      const fetch: CredentialProvider =
        target.profile !== undefined
          ? this.#profileCredentials(target, target.profile)
          : () => this.#assumeRole(target);
      const credentials = memoizedCredentials(fetch, this.#now);
      const identity: Identity = {
        key,
        credentials,
        scope:
          target.profile !== undefined
            ? {
                identity: "profile",
                profile: target.profile,
                account: target.name,
                accountId: target.accountId,
                roleArn: target.roleArn,
              }
            : {
                identity: "role",
                baseProfile: this.#profile,
                envProfile: this.#envProfile,
                account: target.name,
                accountId: target.accountId,
                roleArn: target.roleArn,
                externalId: target.externalId !== undefined,
              },
      };
      const created = { identity, ready: credentials().then(() => undefined) };
      this.#sessions.set(key, created);
      created.ready.catch(() => {
        if (this.#sessions.get(key) === created) this.#sessions.delete(key);
      });
      session = created;
    }
    await session.ready;
    return this.#clientsFor(session.identity, target.region);
  }

  /** Closes the shared socket pool; the sessions are dropped with it. */
  destroy(): void {
    this.#sdkClients.clear();
    this.#clients.clear();
    this.#sessions.clear();
    this.#agents?.http.destroy();
    this.#agents?.https.destroy();
  }

  async #resolveBaseIdentity(): Promise<BaseIdentity> {
    const scope = this.#base.scope;
    let credentials: AwsCredentials;
    try {
      credentials = await this.#base.credentials();
    } catch (error) {
      const code = awsErrorCode(error, {});
      const name = awsErrorName(error);
      const from =
        this.#profile !== undefined
          ? `profile ${this.#profile}`
          : this.#envProfile !== undefined
            ? `profile ${this.#envProfile} (AWS_PROFILE)`
            : "the default chain";
      throw new CrossformError(
        code,
        "external",
        `cannot load the base credentials from ${from}: ${name}: ${redactSecrets(error instanceof Error ? error.message : String(error))}`,
        { hint: awsErrorHint(code, { ...scope, operation: "credentials" }), cause: error },
      );
    }
    const source = describeCredentialSource(credentials, this.#profile ?? this.#envProfile);
    const expiry = credentials.expiration?.getTime();
    if (expiry !== undefined && expiry <= this.#now()) {
      throw new CrossformError(
        "aws/expired-token",
        "external",
        `the base credentials (${source}) expired at ${new Date(expiry).toISOString()}`,
        { hint: awsErrorHint("aws/expired-token", { ...scope, operation: "credentials" }) },
      );
    }
    const identity = await this.baseClients(this.#region).sts.getCallerIdentity();
    return { ...identity, expiration: credentials.expiration, source };
  }

  async #assumeRole(target: AccountTarget): Promise<AwsCredentials> {
    const sts = this.#sdkClient(STSClient, this.#base, target.region);
    const call = awsCall({
      ...this.#base.scope,
      account: target.name,
      accountId: target.accountId,
      roleArn: target.roleArn,
      externalId: target.externalId !== undefined,
      region: target.region,
    });
    const duration = target.durationSeconds ?? DEFAULT_DURATION_SECONDS;
    const assume = (seconds: number) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: safeSessionName(target.sessionName),
          DurationSeconds: seconds,
          ...(target.externalId !== undefined ? { ExternalId: target.externalId } : {}),
        }),
      );
    const out = await call("sts:AssumeRole", async () => {
      try {
        return await assume(duration);
      } catch (error) {
        // A base identity that is itself a role session may hold the new one for an hour at most.
        if (duration > CHAINED_SESSION_SECONDS && awsErrorName(error) === "ValidationError") {
          return assume(CHAINED_SESSION_SECONDS);
        }
        throw error;
      }
    });
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
      throw new CrossformError(
        "aws/unknown",
        "external",
        `sts:AssumeRole of ${target.roleArn} for account ${target.name} returned no credentials`,
        { hint: "run again; report it if it persists" },
      );
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  #profileCredentials(target: AccountTarget, profile: string): CredentialProvider {
    const provider = fromIni({
      profile,
      clientConfig: { region: target.region, requestHandler: this.#requestHandler },
    });
    const scope: AwsCallScope = {
      identity: "profile",
      profile,
      account: target.name,
      accountId: target.accountId,
      roleArn: target.roleArn,
      region: target.region,
    };
    return async () => {
      try {
        return await provider();
      } catch (error) {
        throw classifyAwsError(error, { ...scope, operation: "sts:AssumeRole" });
      }
    };
  }

  #clientsFor(identity: Identity, region: string): AwsClients {
    const key = `${identity.key}@${region}`;
    let clients = this.#clients.get(key);
    if (clients === undefined) {
      const call = awsCall({ ...identity.scope, region });
      const scope = { ...identity.scope, region };
      clients = new LazyAwsClients({
        sts: () => new SdkStsApi(this.#sdkClient(STSClient, identity, region), call),
        s3: () => new SdkS3Api(this.#sdkClient(S3Client, identity, region), call, scope),
        dynamodb: () => new SdkDynamoDbApi(this.#sdkClient(DynamoDBClient, identity, region), call),
        iam: () => new SdkIamApi(this.#sdkClient(IAMClient, identity, region), call),
        organizations: () =>
          new SdkOrganizationsApi(this.#sdkClient(OrganizationsClient, identity, region), call),
        cloudformation: () =>
          new SdkCloudFormationApi(this.#sdkClient(CloudFormationClient, identity, region), call),
      });
      this.#clients.set(key, clients);
    }
    return clients;
  }

  #sdkClient<C extends SdkClient>(
    Client: new (config: ClientConfig) => C,
    identity: Identity,
    region: string,
  ): C {
    const key = `${Client.name}:${identity.key}@${region}`;
    let client = this.#sdkClients.get(key) as C | undefined;
    if (client === undefined) {
      client = new Client({
        region,
        credentials: identity.credentials,
        ...this.#retry,
        requestHandler: this.#requestHandler,
      });
      const account = identity.scope.account;
      addAnswerDeadline(client, {
        timeoutSeconds: this.#requestTimeoutSeconds,
        onWaiting: this.#onWaiting,
        about: account === undefined ? `in ${region}` : `for account ${account} in ${region}`,
      });
      this.#sdkClients.set(key, client);
    }
    return client;
  }
}
