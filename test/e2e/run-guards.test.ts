// The guards of an apply, with the built CLI, real git, real terraform and one moto_server: the
// unit cap and an uncommitted working tree refuse the run before any terraform process starts;
// plans destroying more than a unit's cap (stricter in an approval account) are refused before
// any apply, the state untouched; --max-units, a commit and --allow-destroy let the run through.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { appendFile, cp, readFile, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { recordingTerraform, terraformEnv } from "../helpers/terraform.ts";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("../fixtures/run/guards/", import.meta.url));
const root = await makeTempDir("run-guards");
const home = join(root, "home");
const dir = join(root, "repo");

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

const git = (...args: string[]) =>
  run("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: dir });

/** Item count of the fleet state of an account. */
async function items(accountId: string): Promise<number> {
  const state = JSON.parse(
    await getStateObject(moto.env, {
      bucket: `run-guards-${accountId}-us-east-1`,
      key: "fleet/terraform.tfstate",
      accountId,
      region: "us-east-1",
    }),
  ) as { resources: { instances: unknown[] }[] };
  return state.resources.reduce((n, r) => n + r.instances.length, 0);
}

test("guards: unit cap, a dirty tree, destroy caps; each refusal changes nothing", async (t) => {
  const terraform = await recordingTerraform(root, "guards");
  const crossform = (...args: string[]): Promise<CliResult> => {
    const env = emulatorCliEnv(moto.env, { home, root });
    env.PATH = [terraform.bin, process.env.PATH ?? ""].join(delimiter);
    return runBuiltCli(args, { cwd: dir, env: terraformEnv(env) });
  };
  const show = showResult;
  const applyArgs = ["apply", "--all", "--auto-approve", "--approve", "prod"];

  await cp(fixture, dir, { recursive: true });
  await writeFile(join(dir, ".gitignore"), ".crossform/\n");
  assert.equal((await crossform("generate")).code, 0);
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-qm", "fleet");
  const boot = await crossform("bootstrap", "--create-role");
  assert.equal(boot.code, 0, show(boot));

  await t.test("two units over guards.max_units 1: exit 1, no terraform process", async () => {
    const result = await crossform(...applyArgs);
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /the selection has 2 units, more than guards\.max_units \(1\)/);
    assert.match(result.stderr, /--max-units 2/);
    assert.deepEqual(await terraform.calls(), []);
  });

  await t.test("an uncommitted change: exit 1 naming the file, no terraform process", async () => {
    const main = join(dir, "stacks", "fleet", "main.tf");
    await appendFile(main, "# an edit not yet committed\n");
    const result = await crossform(...applyArgs, "--max-units", "2");
    assert.equal(result.code, 1, show(result));
    assert.match(result.stderr, /uncommitted changes \(stacks\/fleet\/main\.tf\)/);
    assert.match(result.stderr, /--allow-dirty/);
    assert.deepEqual(await terraform.calls(), []);
    await git("checkout", "--", "stacks/fleet/main.tf");
  });

  await t.test("committed and within the caps: both accounts applied", async () => {
    const result = await crossform(...applyArgs, "--max-units", "2");
    assert.equal(result.code, 0, show(result));
    assert.equal(await items("760000000001"), 3);
    assert.equal(await items("760000000002"), 3);
  });

  // dev shrinks to 1 (2 destroys, cap 1); prod to 2 (1 destroy, approval cap 0).
  const config = join(dir, "crossform.yaml");
  await writeFile(
    config,
    (await readFile(config, "utf8")).replace(
      "      size: 3\n",
      "      size: 3\n    targets:\n      dev: { vars: { size: 1 } }\n      prod: { vars: { size: 2 } }\n",
    ),
  );
  assert.equal((await crossform("generate")).code, 0);
  await git("add", "-A");
  await git("commit", "-qm", "shrink the fleet");

  await t.test("destroys over the caps: refused after the plan, nothing applied", async () => {
    const before = (await terraform.calls()).length;
    const result = await crossform(...applyArgs, "--max-units", "2");
    assert.equal(result.code, 1, show(result));
    assert.match(
      result.stderr,
      /apply refused by guards: fleet\/dev\/us-east-1 would destroy 2 resources \(cap 1, guards\.max_destroy\); fleet\/prod\/us-east-1 would destroy 1 resource \(cap 0, guards\.max_destroy_approval: an approval account\); nothing was applied/,
    );
    const calls = (await terraform.calls()).slice(before);
    assert.ok(
      calls.some((c) => c.startsWith("plan")),
      calls.join("\n"),
    );
    assert.deepEqual(
      calls.filter((c) => c.startsWith("apply")),
      [],
    );
    assert.equal(await items("760000000001"), 3);
    assert.equal(await items("760000000002"), 3);
  });

  await t.test("--allow-destroy applies the destroys", async () => {
    const result = await crossform(...applyArgs, "--max-units", "2", "--allow-destroy");
    assert.equal(result.code, 0, show(result));
    assert.equal(await items("760000000001"), 1);
    assert.equal(await items("760000000002"), 2);
  });
});

test("role allow-list from an S3 object: a role not on it is refused in preflight, before any unit's terraform", async () => {
  const terraform = await recordingTerraform(root, "allowlist");
  const s3 = new S3Client({
    region: "us-east-1",
    endpoint: moto.env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: moto.env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY as string,
    },
  });
  const put = (key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: "platform-allowlist", Key: key, Body: body }));
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "platform-allowlist" }));
    await put(
      "narrow.yaml",
      '"760000000001": [arn:aws:iam::760000000001:role/TerraformDeploy]\n"760000000002": [arn:aws:iam::760000000002:role/ReadOnly]\n',
    );
    await put(
      "full.yaml",
      '"760000000001": [arn:aws:iam::760000000001:role/TerraformDeploy]\n"760000000002": [arn:aws:iam::760000000002:role/TerraformDeploy]\n',
    );
  } finally {
    s3.destroy();
  }
  const plan = (allowlist: string): Promise<CliResult> => {
    const env = emulatorCliEnv(moto.env, { home, root });
    env.PATH = [terraform.bin, process.env.PATH ?? ""].join(delimiter);
    env.CROSSFORM_ROLE_ALLOWLIST = allowlist;
    return runBuiltCli(["plan"], { cwd: dir, env: terraformEnv(env) });
  };
  const refused = await plan("s3://platform-allowlist/narrow.yaml");
  assert.equal(refused.code, 1, showResult(refused));
  assert.match(
    refused.stderr,
    /fleet\/prod\/us-east-1: role arn:aws:iam::760000000002:role\/TerraformDeploy is not allowed for account prod \(760000000002\) by the role allow-list s3:\/\/platform-allowlist\/narrow\.yaml/,
  );
  assert.match(refused.stderr, /allowed there: arn:aws:iam::760000000002:role\/ReadOnly/);
  assert.deepEqual(
    (await terraform.calls()).filter((c) => !c.startsWith("version")),
    [],
    "no unit's terraform ran",
  );
  const inside = await plan(join(dir, "allowlist.yaml"));
  assert.equal(inside.code, 1, showResult(inside));
  assert.match(inside.stderr, /is inside the repository/);
  const allowed = await plan("s3://platform-allowlist/full.yaml");
  assert.equal(allowed.code, 0, showResult(allowed));
});

test("--changed-since: one tfvars file selects one unit; a shared module selects every unit of every stack calling it", async () => {
  const repo = join(root, "changed");
  await cp(fileURLToPath(new URL("../fixtures/run/changed/", import.meta.url)), repo, {
    recursive: true,
  });
  await writeFile(join(repo, ".gitignore"), ".crossform/\n");
  const env = terraformEnv(emulatorCliEnv(moto.env, { home, root }));
  const cli = (...args: string[]) => runBuiltCli(args, { cwd: repo, env });
  const inRepo = (...args: string[]) =>
    run("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: repo });
  assert.equal((await cli("generate")).code, 0);
  await inRepo("init", "-q");
  await inRepo("add", "-A");
  await inRepo("commit", "-qm", "base");
  assert.equal((await cli("bootstrap", "--create-role")).code, 0);
  const planned = async (): Promise<string[]> => {
    const result = await cli("plan", "--changed-since", "HEAD", "--format", "json");
    assert.equal(result.code, 0, showResult(result));
    return result.stdout.trim() === ""
      ? []
      : (JSON.parse(result.stdout) as { units: { id: string }[] }).units.map((u) => u.id).sort();
  };

  const none = await cli("plan", "--changed-since", "HEAD");
  assert.equal(none.code, 0, showResult(none));
  assert.match(none.stderr, /no selected unit changed since HEAD: nothing to plan/);

  const config = join(repo, "crossform.yaml");
  const original = await readFile(config, "utf8");
  await writeFile(
    config,
    original.replace(
      "vars: { size: 1 } }",
      "vars: { size: 1 }, targets: { prod: { vars: { size: 2 } } } }",
    ),
  );
  assert.equal((await cli("generate")).code, 0);
  assert.deepEqual(await planned(), ["app/prod/us-east-1"]);

  await writeFile(config, original);
  assert.equal((await cli("generate")).code, 0);
  await appendFile(
    join(repo, "modules", "shared", "main.tf"),
    '\noutput "name" {\n  value = var.name\n}\n',
  );
  assert.deepEqual(await planned(), [
    "app/dev/us-east-1",
    "app/prod/us-east-1",
    "web/dev/us-east-1",
    "web/prod/us-east-1",
  ]);

  const unknown = await cli("plan", "--changed-since", "no-such-branch");
  assert.equal(unknown.code, 2, showResult(unknown));
  assert.match(unknown.stderr, /--changed-since no-such-branch: git knows no commit by that name/);
});
