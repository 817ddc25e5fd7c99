// CI applies what was reviewed (`crossform ci gitlab --apply-reviewed-plans`), run by gitlab-ci-local
// with its shell executor against moto_server, the jobs reaching AWS through the ID token alone:
// the quickstart of built-in resources (test/fixtures/run/builtin-quickstart) in a git repository,
// under live/. A merge request changes the network stack; its plan job stores network/dev's plan
// beside the unit's state; the main branch's wave-1 job applies exactly that plan (the state's
// resources are the reviewed ones) and stops app/dev, which no review planned and which has
// changes, saying why; the manual re-plan job applies it; the wave job passes once nothing is left.
// A second merge request is reviewed, then the unit's state changes behind it: the main-branch
// job refuses the reviewed plan, plans again, and asks for approval again, naming the serials.
import assert from "node:assert/strict";
import { appendFile, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { listStateObjects, getStateObject } from "../helpers/aws-accounts.ts";
import { runBuiltCli, showResult } from "../helpers/cli.ts";
import { parseGithubWorkflow } from "../helpers/ci-validators.ts";
import type { GitlabCiLocalResult } from "../helpers/ci-validators.ts";
import {
  ciMachineEnv,
  gitIn,
  requireRsync,
  runGitlabJobs,
  writeCrossformShim,
} from "../helpers/gitlab-jobs.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const checkout = fileURLToPath(new URL("../..", import.meta.url));
const quickstart = join(checkout, "test/fixtures/run/builtin-quickstart");

const root = await makeTempDir("ci-reviewed");
const repo = join(root, "repo");
const home = join(root, "home");
const shim = join(root, "shim");
const tfrc = join(root, "empty.tfrc");
await mkdir(join(repo, "live"), { recursive: true });
await mkdir(home);
await mkdir(join(root, "tmp"));

const DEV_STATE = {
  bucket: "crossform-quickstart-111111111111-us-east-1",
  key: "network/terraform.tfstate",
  region: "us-east-1",
  accountId: "111111111111",
};

function git(...args: string[]): string {
  return gitIn(repo, home, ...args);
}

function offlineEnv(): NodeJS.ProcessEnv {
  return ciMachineEnv(home);
}

let moto: MotoServer;
let base = "";

before(async () => {
  requireRsync();
  git("init", "-q", "-b", "main");
  await cp(quickstart, join(repo, "live"), {
    recursive: true,
    filter: (source) => ![".crossform", ".terraform", "ci"].includes(basename(source)),
  });
  await writeFile(join(repo, ".gitignore"), ".crossform/\n.crossform-ci/\n.gitlab-ci-local/\n");
  await writeFile(join(repo, ".gitlab-ci.yml"), "include:\n  - local: crossform.gitlab-ci.yml\n");
  git("remote", "add", "origin", "https://gitlab.com/acme/infra.git");
  const written = await runBuiltCli(
    ["ci", "gitlab", "--config", "live/crossform.yaml", "--apply-reviewed-plans"],
    { cwd: repo, env: offlineEnv() },
  );
  assert.equal(written.code, 0, showResult(written));
  git("add", "-A");
  git("commit", "-q", "-m", "quickstart and its pipeline");
  base = git("rev-parse", "HEAD");
  moto = await startMoto();
  const bootstrap = await runBuiltCli(["bootstrap", "--create-role"], {
    cwd: join(repo, "live"),
    env: terraformEnv({ ...offlineEnv(), ...moto.env, AWS_CONFIG_FILE: join(root, "aws-config") }),
  });
  assert.equal(bootstrap.code, 0, showResult(bootstrap));
  await writeCrossformShim(shim);
  await writeFile(tfrc, "");
});
after(() => moto?.stop());

/** Runs jobs of a pipeline with these predefined variables (`--manual` jobs among them). */
function pipeline(variables: Record<string, string>, jobs: string[]): Promise<GitlabCiLocalResult> {
  return runGitlabJobs(
    {
      repo,
      home,
      shim,
      tfrc,
      awsConfig: join(root, "aws-config"),
      endpoint: moto.endpoint,
      // Not the machine's: test/e2e/ci.test.ts counts the token directories there.
      tmpdir: join(root, "tmp"),
    },
    variables,
    jobs,
  );
}

/** A merge request's plan of network/dev, branched off `from`. */
function reviewNetworkDev(from: string): Promise<GitlabCiLocalResult> {
  return pipeline(
    { CI_PIPELINE_SOURCE: "merge_request_event", CI_MERGE_REQUEST_DIFF_BASE_SHA: from },
    ["crossform-plan: [network/dev/us-east-1]"],
  );
}

const push = { CI_PIPELINE_SOURCE: "push" };

async function devResources(): Promise<string[]> {
  const state = JSON.parse(await getStateObject(moto.env, DEV_STATE)) as {
    resources: { type: string; name: string }[];
  };
  return state.resources.map((r) => `${r.type}.${r.name}`).sort();
}

async function storedReviews(): Promise<string[]> {
  const keys = await listStateObjects(moto.env, DEV_STATE);
  return keys.filter((k) => k.includes(".crossform-reviewed/")).sort();
}

/** Adds a resource to the network stack and commits it. */
async function changeNetwork(name: string): Promise<void> {
  await appendFile(
    join(repo, "live/stacks/network/main.tf"),
    `\nresource "terraform_data" "${name}" {\n  input = "${name}"\n}\n`,
  );
  git("commit", "-q", "-am", `network: ${name}`);
}

test("the GitHub workflow with --apply-reviewed-plans passes GitHub's workflow parser", async () => {
  const written = await runBuiltCli(
    [
      "ci",
      "github",
      "--config",
      "live/crossform.yaml",
      "--apply-reviewed-plans",
      "--output",
      "../github-reviewed.yml",
    ],
    { cwd: repo, env: offlineEnv() },
  );
  assert.equal(written.code, 0, showResult(written));
  const text = await readFile(join(root, "github-reviewed.yml"), "utf8");
  const parsed = await parseGithubWorkflow("crossform.yml", text);
  assert.deepEqual(parsed.errors, []);
  assert.match(text, /^ {2}workflow_dispatch: \{\}$/m);
  assert.match(text, /--store-plans/);
  assert.match(text, /\$\{\{ github\.event_name == 'push' && '--reviewed-plans' \|\| '' \}\}/);
});

test("the merge request's plan is stored beside the unit's state, and the main branch applies exactly it", async () => {
  await changeNetwork("reviewed_one");
  const review = await reviewNetworkDev(base);
  assert.equal(review.code, 0, review.output);
  assert.match(review.output, /--store-plans/);
  assert.match(
    review.output,
    /stored for apply --reviewed-plans in s3:\/\/crossform-quickstart-111111111111-us-east-1\/network\/terraform\.tfstate\.crossform-reviewed\/[0-9a-f]{64}\//,
  );
  const stored = await storedReviews();
  assert.equal(stored.length, 4, stored.join("\n"));

  const wave = await pipeline(push, ["crossform-apply-1-tier-dev"]);
  assert.notEqual(wave.code, 0, "app/dev, which no review planned, stops the job");
  assert.match(wave.output, /--reviewed-plans/);
  assert.match(
    wave.output,
    /apply network\/dev\/us-east-1: ok: applied the plan reviewed at [0-9a-f]{12} \(run \S+\)/,
  );
  assert.match(
    wave.output,
    /app\/dev\/us-east-1[^\n]*not applied: no plan was reviewed for this unit's code at [0-9a-f]{12} .*; planned again \(\+1 ~0 -0\), and that plan needs approval again/,
  );
  assert.deepEqual(await devResources(), ["terraform_data.network", "terraform_data.reviewed_one"]);
  assert.deepEqual(await storedReviews(), [], "an applied reviewed plan is removed");

  const replan = await pipeline(push, [
    "--manual",
    "crossform-replan-1-tier-dev",
    "crossform-replan-1-tier-dev",
  ]);
  assert.equal(replan.code, 0, replan.output);
  assert.doesNotMatch(replan.output, /--reviewed-plans/);
  assert.match(replan.output, /apply app\/dev\/us-east-1: ok: \+1 ~0 -0/);

  const again = await pipeline(push, ["crossform-apply-1-tier-dev"]);
  assert.equal(again.code, 0, again.output);
  assert.match(again.output, /PASS\s+crossform-apply-1-tier-dev/);
});

test("a reviewed plan whose state changed since the review is not applied: planned again, it needs approval again", async () => {
  const from = git("rev-parse", "HEAD");
  await changeNetwork("reviewed_two");
  const review = await reviewNetworkDev(from);
  assert.equal(review.code, 0, review.output);
  assert.equal((await storedReviews()).length, 4);
  // Behind the review's back, the unit's state moves on (a taint, as an operator would).
  const taint = await runBuiltCli(
    [
      "exec",
      "network",
      "--target",
      "dev",
      "--approve",
      "dev",
      "--",
      "taint",
      "terraform_data.network",
    ],
    {
      cwd: join(repo, "live"),
      env: terraformEnv({
        ...offlineEnv(),
        ...moto.env,
        AWS_CONFIG_FILE: join(root, "aws-config"),
      }),
    },
  );
  assert.equal(taint.code, 0, showResult(taint));
  const wave = await pipeline(push, ["crossform-apply-1-tier-dev"]);
  assert.notEqual(wave.code, 0, wave.output);
  assert.match(
    wave.output,
    /network\/dev\/us-east-1[^\n]*not applied: its state changed since the review \(serial \d+ then, serial \d+ now\); planned again \(\+1 ~0 -0 ±1\), and that plan needs approval again/,
  );
  assert.deepEqual(
    await devResources(),
    ["terraform_data.network", "terraform_data.reviewed_one"],
    "nothing of the second review was applied",
  );
  const report = JSON.parse(
    await readFile(join(repo, ".crossform-ci/apply-1/apply.json"), "utf8"),
  ) as { units: { id: string; status: string }[] };
  assert.equal(report.units.find((u) => u.id === "network/dev/us-east-1")?.status, "needs-replan");
});
