// The S3 adapter's object writes and deletes against a real moto_server: crossform writes and
// deletes reviewed plans (beside a unit's state, under `<state key>.crossform-reviewed/`) and its
// own lock objects, and the adapter refuses any other key for those calls, so that no caller can
// overwrite or delete a state through them. The SDK reads AWS_ENDPOINT_URL and the keys from the
// process environment, as it does for users, so this file sets them for its own process.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SdkAwsSessions } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import { reviewedPlanPrefix } from "../../../../src/core/run/reviewed-plan.ts";
import type { S3Api } from "../../../../src/ports/aws.ts";
import { startMoto } from "../../../helpers/moto.ts";
import type { MotoServer } from "../../../helpers/moto.ts";

const BUCKET = "acme-tfstate-111111111111";
const STATE_KEY = "network/us-east-1/terraform.tfstate";
const STATE = '{"version":4,"serial":7,"lineage":"l-1","resources":[]}\n';

let moto: MotoServer;
let sessions: SdkAwsSessions;
let s3: S3Api;
const saved = { ...process.env };

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env, { AWS_EC2_METADATA_DISABLED: "true" });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  sessions = new SdkAwsSessions({ region: "us-east-1" });
  s3 = sessions.baseClients("us-east-1").s3;
  await s3.createBucket(BUCKET, "us-east-1");
  await s3.putObjectText(BUCKET, STATE_KEY, STATE, { encrypt: true });
});

after(async () => {
  sessions?.destroy();
  process.env = saved;
  await moto?.stop();
});

test("a reviewed plan's object is written, read back byte for byte and deleted beside the state", async () => {
  const key = `${reviewedPlanPrefix(STATE_KEY, "ab".repeat(32))}plan.tfplan`;
  const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x10]);
  await s3.putReviewedPlanObject(BUCKET, key, bytes);
  assert.deepEqual([...(await s3.getObjectBytes(BUCKET, key))], [...bytes]);
  await s3.deleteReviewedPlanObject(BUCKET, key);
  assert.equal(await s3.headObject(BUCKET, key), undefined);
  assert.equal(await s3.getObjectText(BUCKET, STATE_KEY), STATE);
});

test("writing or deleting a state through the reviewed-plan calls is refused, and the state is unchanged", async () => {
  await assert.rejects(s3.putReviewedPlanObject(BUCKET, STATE_KEY, "{}"), (error: Error) => {
    assert.match(error.message, /refusing to write s3:\/\/acme-tfstate-111111111111\/network/);
    assert.match(error.message, /\.crossform-reviewed\//);
    return true;
  });
  await assert.rejects(s3.deleteReviewedPlanObject(BUCKET, STATE_KEY), /refusing to delete/);
  assert.equal(await s3.getObjectText(BUCKET, STATE_KEY), STATE);
});

test("deleting a state through the lock-object call is refused, and the state is unchanged", async () => {
  await assert.rejects(
    s3.deleteLockObject(BUCKET, STATE_KEY),
    /state lock objects \(\*\.tflock\) only/,
  );
  assert.equal(await s3.getObjectText(BUCKET, STATE_KEY), STATE);
});
