import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { SdkAwsSessions } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import type { AwsRequestHandler } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import { verify } from "../../../../src/app/verify.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { selectVerifyTargets } from "../../../../src/core/identity/verify-selection.ts";

// Throttling, connection resets and expired tokens cannot be produced by the emulator (moto
// never throttles and accepts expired sessions), so these tests put a scripted HTTP transport
// under the real SDK clients: the SDK's own retry strategy, parsing and error names are exercised,
// only the network is replaced.

interface SeenRequest {
  action: string;
  /** The SDK's attempt header: `attempt=2; max=5`. */
  attempt: string;
  at: number;
}

type Reply = { status: number; body: string } | { networkError: string };

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

function stsError(code: string, message: string): Reply {
  return {
    status: code === "Throttling" ? 400 : 403,
    body: `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  };
}

function callerIdentity(account: string): Reply {
  return {
    status: 200,
    body: `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  };
}

/** An HTTP transport that answers each request with the next scripted reply for its action. */
class ScriptedTransport {
  readonly seen: SeenRequest[] = [];
  readonly #script: (action: string, index: number) => Reply;

  constructor(script: (action: string, index: number) => Reply) {
    this.#script = script;
  }

  async handle(request: {
    body?: unknown;
    headers: Record<string, string>;
  }): Promise<{ response: unknown }> {
    const body = typeof request.body === "string" ? request.body : "";
    const action = new URLSearchParams(body).get("Action") ?? "unknown";
    const index = this.seen.filter((s) => s.action === action).length;
    this.seen.push({ action, attempt: request.headers["amz-sdk-request"] ?? "", at: Date.now() });
    const reply = this.#script(action, index);
    if ("networkError" in reply) {
      throw Object.assign(new Error(`socket hang up (${reply.networkError})`), {
        code: reply.networkError,
      });
    }
    return {
      response: {
        statusCode: reply.status,
        headers: { "content-type": "text/xml" },
        body: Readable.from([Buffer.from(reply.body)]),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

const staticKeys = async () => ({
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "secret-that-must-not-leak",
});

function sessionsOver(transport: ScriptedTransport, maxAttempts: number): SdkAwsSessions {
  return new SdkAwsSessions({
    region: "us-east-1",
    maxAttempts,
    requestHandler: transport as unknown as AwsRequestHandler,
    baseCredentials: staticKeys,
  });
}

async function rejection(promise: Promise<unknown>): Promise<CrossformError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CrossformError, `expected a CrossformError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("retries and error classification through the real SDK over a scripted transport", () => {
  test("throttling is retried with backoff, and the client then slows down (adaptive mode)", async () => {
    const transport = new ScriptedTransport((_action, i) =>
      i < 2 ? stsError("Throttling", "Rate exceeded") : callerIdentity("123456789012"),
    );
    const sessions = sessionsOver(transport, 5);
    const identity = await sessions.baseIdentity();
    assert.equal(identity.account, "123456789012");
    assert.deepEqual(
      transport.seen.map((s) => s.attempt),
      ["attempt=1; max=5", "attempt=2; max=5", "attempt=3; max=5"],
    );
    const gaps = transport.seen.slice(1).map((s, i) => s.at - (transport.seen[i]?.at ?? 0));
    assert.ok(
      gaps.every((gap) => gap < 5_000) && gaps.reduce((a, b) => a + b, 0) >= 100,
      `the retries waited: ${gaps.join(", ")} ms`,
    );

    // Once throttled, the client's token bucket paces even successful calls...
    const paced = Date.now();
    for (let i = 0; i < 4; i += 1) await sessions.baseClients("us-east-1").sts.getCallerIdentity();
    const pacedMs = Date.now() - paced;
    // ...while a client that was never throttled sends at once.
    const calm = new ScriptedTransport(() => callerIdentity("123456789012"));
    const calmSessions = sessionsOver(calm, 5);
    const free = Date.now();
    for (let i = 0; i < 4; i += 1) {
      await calmSessions.baseClients("us-east-1").sts.getCallerIdentity();
    }
    const freeMs = Date.now() - free;
    assert.ok(pacedMs >= 500, `throttled client took ${pacedMs} ms for 4 calls`);
    assert.ok(freeMs < pacedMs / 2, `unthrottled ${freeMs} ms, throttled ${pacedMs} ms`);
  });

  test("throttling that persists ends as aws/throttled after the last attempt", async () => {
    const transport = new ScriptedTransport(() => stsError("Throttling", "Rate exceeded"));
    const error = await rejection(sessionsOver(transport, 3).baseIdentity());
    assert.equal(error.code, "aws/throttled");
    assert.equal(transport.seen.length, 3);
    assert.equal(
      error.message,
      "sts:GetCallerIdentity as the base identity in us-east-1 failed: Throttling: Rate exceeded",
    );
    assert.equal(
      error.hint,
      "AWS kept throttling sts:GetCallerIdentity after 3 attempts with backoff: lower --parallel or run again later",
    );
  });

  test("a connection reset is retried; a persistent one is aws/network", async () => {
    const flaky = new ScriptedTransport((_action, i) =>
      i === 0 ? { networkError: "ECONNRESET" } : callerIdentity("123456789012"),
    );
    assert.equal((await sessionsOver(flaky, 3).baseIdentity()).account, "123456789012");
    assert.equal(flaky.seen.length, 2);

    const down = new ScriptedTransport(() => ({ networkError: "ECONNREFUSED" }));
    const error = await rejection(sessionsOver(down, 2).baseIdentity());
    assert.equal(error.code, "aws/network");
    assert.equal(down.seen.length, 2);
    assert.match(error.hint ?? "", /AWS_ENDPOINT_URL/);
  });

  test("an expired token is one clear error: no retry, and verify makes no other call", async () => {
    const transport = new ScriptedTransport(() =>
      stsError("ExpiredToken", "The security token included in the request is expired"),
    );
    const sessions = sessionsOver(transport, 5);
    const error = await rejection(sessions.baseIdentity());
    assert.equal(error.code, "aws/expired-token");
    assert.equal(transport.seen.length, 1, "an expired token is not retried");
    assert.match(error.hint ?? "", /^the base session expired: log in again/);

    const read = readConfigText(
      [
        "version: 1",
        "accounts:",
        '  dev: { id: "111111111111" }',
        '  prod: { id: "222222222222" }',
        "stacks:",
        "  app: { path: app, accounts: [dev, prod] }",
        "",
      ].join("\n"),
      "crossform.yaml",
    );
    assert.ok(read.ok);
    const selection = selectVerifyTargets(read.config, read.units, {});
    assert.ok(selection.ok);
    const report = await verify(
      { aws: sessionsOver(transport, 5), now: () => new Date() },
      { config: read.config, selection, user: "ci" },
    );
    assert.equal(report.ok, false);
    assert.equal(report.base.problem?.code, "aws/expired-token");
    assert.deepEqual(
      report.accounts.map((a) => [a.name, a.status]),
      [
        ["dev", "skipped"],
        ["prod", "skipped"],
      ],
    );
    assert.deepEqual(
      transport.seen.map((s) => s.action),
      ["GetCallerIdentity", "GetCallerIdentity"],
      "one call per verify run, and no AssumeRole",
    );
  });

  test("access denied on AssumeRole is not retried and names the role and the trust policy", async () => {
    const transport = new ScriptedTransport((action) =>
      action === "AssumeRole"
        ? stsError(
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole",
          )
        : callerIdentity("123456789012"),
    );
    const error = await rejection(
      sessionsOver(transport, 5).forAccount({
        name: "prod",
        accountId: "222222222222",
        roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
        externalId: "acme-prod",
        sessionName: "crossform-ci",
        region: "eu-west-1",
      }),
    );
    assert.equal(error.code, "aws/access-denied");
    assert.equal(transport.seen.length, 1);
    assert.match(
      error.message,
      /^sts:AssumeRole of arn:aws:iam::222222222222:role\/TerraformDeploy for account prod \(222222222222\) in eu-west-1 failed: AccessDenied: User: arn:aws:iam::123456789012:user\/ci is not authorized/,
    );
    assert.equal(
      error.hint,
      "let the base identity assume arn:aws:iam::222222222222:role/TerraformDeploy: allow sts:AssumeRole on it in the base identity's policies, and make the role's trust policy trust the base principal with the configured external id",
    );
    assert.doesNotMatch(`${error.message} ${error.hint}`, /acme-prod/);
  });

  test("a region not enabled for the account is aws/region-disabled, naming both", async () => {
    const transport = new ScriptedTransport(() =>
      stsError("RegionDisabledException", "STS is not activated in this region for account"),
    );
    const error = await rejection(
      sessionsOver(transport, 5).forAccount({
        name: "prod",
        accountId: "222222222222",
        roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
        sessionName: "crossform-ci",
        region: "ap-east-1",
      }),
    );
    assert.equal(error.code, "aws/region-disabled");
    assert.equal(
      error.hint,
      "enable ap-east-1 for prod (AWS console: Account, AWS Regions), or remove it from accounts.prod.regions",
    );
  });

  test("a role session longer than an hour falls back to one hour when AWS refuses it (role chaining)", async () => {
    const durations: string[] = [];
    const transport = new ScriptedTransport((action, i) => {
      if (action !== "AssumeRole") return callerIdentity("222222222222");
      return i === 0
        ? {
            status: 400,
            body: `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          }
        : {
            status: 200,
            body: `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE12</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/TerraformDeploy/crossform-ci</Arn><AssumedRoleId>AROA:crossform-ci</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
          };
    });
    const original = transport.handle.bind(transport);
    transport.handle = async (request) => {
      const body = typeof request.body === "string" ? request.body : "";
      const duration = new URLSearchParams(body).get("DurationSeconds");
      if (duration !== null) durations.push(duration);
      return original(request);
    };
    const clients = await sessionsOver(transport, 5).forAccount({
      name: "prod",
      accountId: "222222222222",
      roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
      sessionName: "crossform-ci",
      durationSeconds: 4 * 3600,
      region: "us-east-1",
    });
    assert.equal((await clients.sts.getCallerIdentity()).account, "222222222222");
    assert.deepEqual(durations, ["14400", "3600"]);
  });
});
