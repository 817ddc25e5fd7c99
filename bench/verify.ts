// Benchmark of `crossform verify` against a local AWS API emulator (moto_server). Run it with the
// project's Node 24: `node bench/verify.ts [--accounts 200] [--rounds 3]` (npx node, or
// node_modules/.bin/node). It compares, in one run and against one emulator:
//   - verify() at the default parallelism (16),
//   - verify() at --parallel 1,
//   - a minimal SDK loop making the same calls at the same parallelism: what the emulator allows,
// and prints the median of each and the ratios. Not part of `npm test`.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import {
  HeadBucketCommand,
  ListBucketsCommand,
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SdkAwsSessions } from "../src/adapters/aws/sdk-aws-sessions.ts";
import { DEFAULT_VERIFY_PARALLEL, verify } from "../src/app/verify.ts";
import { readConfigText } from "../src/core/config/read-config.ts";
import { mapWithWindow } from "../src/core/concurrency/sliding-window.ts";
import { selectVerifyTargets } from "../src/core/identity/verify-selection.ts";
import { createTestBucket } from "../test/helpers/emulator-accounts.ts";
import { startMoto } from "../test/helpers/moto.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
  },
});
const ACCOUNTS = Number(values.accounts);
const ROUNDS = Number(values.rounds);
const ROLE = "OrganizationAccountAccessRole";

const ids = Array.from({ length: ACCOUNTS }, (_, i) => String(100_000_000_000 + i));
const names = ids.map((_, i) => `a${i}`);
const read = readConfigText(
  [
    "version: 1",
    "base: { region: us-east-1 }",
    `defaults: { role: ${ROLE}, regions: [us-east-1] }`,
    'state: { bucket: "bench-tfstate-{account_id}", key: "{stack}/terraform.tfstate" }',
    "accounts:",
    ...ids.map((id, i) => `  a${i}: { id: "${id}" }`),
    "stacks:",
    `  app: { path: app, accounts: [${names.join(", ")}] }`,
    "",
  ].join("\n"),
  "bench.yaml",
);
if (!read.ok) throw new Error(JSON.stringify(read.diagnostics, null, 2));
const config = read.config;
const selection = selectVerifyTargets(config, read.units, {});
if (!selection.ok) throw new Error(selection.message);

const moto = await startMoto();
Object.assign(process.env, moto.env, { AWS_EC2_METADATA_DISABLED: "true" });

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function crossformVerify(parallel: number): Promise<void> {
  const aws = new SdkAwsSessions({ region: "us-east-1" });
  try {
    const report = await verify(
      { aws, now: () => new Date() },
      {
        config,
        selection: selection.ok ? selection : { accounts: [], units: [] },
        parallel,
        user: "bench",
      },
    );
    if (!report.ok)
      throw new Error(`verify failed: ${JSON.stringify(report.accounts.find((a) => !a.ok))}`);
  } finally {
    aws.destroy();
  }
}

/** The same calls as verify, straight on the SDK with its defaults, in a window of `parallel`. */
async function minimalLoop(parallel: number): Promise<void> {
  const sts = new STSClient({ region: "us-east-1" });
  try {
    await mapWithWindow(ids, parallel, async (id) => {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${id}:role/${ROLE}`,
          RoleSessionName: "crossform-bench",
          DurationSeconds: 3600,
        }),
      );
      const c = out.Credentials;
      const credentials = {
        accessKeyId: c?.AccessKeyId ?? "",
        secretAccessKey: c?.SecretAccessKey ?? "",
        sessionToken: c?.SessionToken ?? "",
      };
      const account = new STSClient({ region: "us-east-1", credentials });
      const s3 = new S3Client({ region: "us-east-1", credentials });
      const bucket = `bench-tfstate-${id}`;
      try {
        const who = await account.send(new GetCallerIdentityCommand({}));
        if (who.Account !== id) throw new Error(`${id} is ${who.Account}`);
        await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: id }));
        const listed = await s3.send(new ListBucketsCommand({}));
        if (!listed.Buckets?.some((b) => b.Name === bucket))
          throw new Error(`${bucket} not listed`);
        await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
        await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
        await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      } finally {
        account.destroy();
        s3.destroy();
      }
    });
  } finally {
    sts.destroy();
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

try {
  process.stderr.write(`creating ${ACCOUNTS} hardened state buckets in ${ACCOUNTS} accounts...\n`);
  await mapWithWindow(ids, 16, (id) =>
    createTestBucket(moto.env, { bucket: `bench-tfstate-${id}`, ownerId: id }),
  );
  process.stderr.write("warming up...\n");
  await crossformVerify(DEFAULT_VERIFY_PARALLEL);
  await minimalLoop(DEFAULT_VERIFY_PARALLEL);

  const samples = { verify: [] as number[], serial: [] as number[], loop: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    process.stderr.write(`round ${round + 1} of ${ROUNDS}...\n`);
    samples.loop.push(await timed(() => minimalLoop(DEFAULT_VERIFY_PARALLEL)));
    samples.verify.push(await timed(() => crossformVerify(DEFAULT_VERIFY_PARALLEL)));
    samples.serial.push(await timed(() => crossformVerify(1)));
  }
  const loop = median(samples.loop);
  const fast = median(samples.verify);
  const serial = median(samples.serial);
  const calls = ACCOUNTS * 7;
  const row = (name: string, ms: number) =>
    `${name.padEnd(44)} ${(ms / 1000).toFixed(2).padStart(7)} s ${((calls / ms) * 1000).toFixed(0).padStart(6)} calls/s`;
  process.stdout.write(
    [
      `verify, ${ACCOUNTS} accounts, 7 calls each, median of ${ROUNDS} (${availableParallelism()} CPUs, moto_server)`,
      row(`minimal SDK loop, parallel ${DEFAULT_VERIFY_PARALLEL} (emulator limit)`, loop),
      row(`crossform verify, parallel ${DEFAULT_VERIFY_PARALLEL} (default)`, fast),
      row("crossform verify, parallel 1", serial),
      `verify / emulator limit: ${(fast / loop).toFixed(2)}x (goal: at most 1.30x)`,
      `parallel 1 / parallel ${DEFAULT_VERIFY_PARALLEL}: ${(serial / fast).toFixed(2)}x`,
      "",
    ].join("\n"),
  );
} finally {
  await moto.stop();
}
