import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { classifyExisting, renderCiFile } from "../../../../src/core/ci/ci-file.ts";
import { githubWorkflow } from "../../../../src/core/ci/github-workflow.ts";
import { applyJobNames, gitlabPipeline } from "../../../../src/core/ci/gitlab-pipeline.ts";
import {
  ciPipelineModel,
  constraintAsRange,
  defaultShardCount,
  lowestVersion,
  slugOf,
} from "../../../../src/core/ci/pipeline-model.ts";
import type { CiModelOptions, CiPlatform } from "../../../../src/core/ci/pipeline-model.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import { shardOf } from "../../../../src/core/units/shard.ts";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const QUICKSTART_LIKE = `version: 1
base: { region: eu-central-1 }
defaults: { regions: [us-east-1] }
accounts:
  dev: { id: "111111111111", tier: dev }
  staging: { id: "222222222222", tier: staging }
  prod: { id: "333333333333", tier: prod, approval: required, regions: [us-east-1, eu-west-1] }
  shared: { id: "444444444444", tier: shared }
stacks:
  network: { path: stacks/network, accounts: ["tier:dev", "tier:staging", "tier:prod"] }
  app: { path: stacks/app, accounts: [dev, staging, prod], depends_on: [network] }
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }
waves:
  - ["tier:dev"]
  - ["tier:staging"]
  - { name: prod, select: ["tier:prod"] }
  - ["tier:shared"]
ci: { role_arn: "arn:aws:iam::999999999999:role/crossform-ci", session_duration: 2h }
terraform: { version: ">= 1.10" }
`;

function load(text: string) {
  const read = readConfigText(text, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
  return read;
}

function model(text: string, platform: CiPlatform, extra: Partial<CiModelOptions> = {}) {
  const read = load(text);
  return ciPipelineModel(read.config, read.units, {
    platform,
    configDir: "infra",
    configFile: "crossform.yaml",
    install: { kind: "global", version: "1.2.3" },
    output: platform === "github" ? ".github/workflows/crossform.yml" : "crossform.gitlab-ci.yml",
    command: ["ci", platform, "--config", "infra/crossform.yaml"],
    ...extra,
  });
}

/** A fleet of `n` accounts with one stack: n units, one wave. */
function fleet(n: number, wave = ""): string {
  const names = Array.from({ length: n }, (_, i) => `a${String(i).padStart(3, "0")}`);
  return [
    "version: 1",
    "accounts:",
    ...names.map((name, i) => `  ${name}: { id: "${String(100000000000 + i)}" }`),
    "stacks:",
    `  app: { path: stacks/app, accounts: [${names.join(", ")}] }`,
    ...(wave ? ["waves:", wave] : []),
    "",
  ].join("\n");
}

type Job = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function ghJobs(text: string, extra: Partial<CiModelOptions> = {}): Record<string, Job> {
  return githubWorkflow(model(text, "github", extra)).jobs as Record<string, Job>;
}

function glJobs(text: string, extra: Partial<CiModelOptions> = {}): Record<string, Job> {
  return gitlabPipeline(model(text, "gitlab", extra)) as Record<string, Job>;
}

function runOf(job: Job, name: string): string {
  const step = (job.steps as Job[]).find((s) => s.name === name);
  assert.ok(step, `step ${name}`);
  return step.run as string;
}

describe("the pipeline model", () => {
  test("plans one job per unit up to the matrix limit (256 GitHub, 200 GitLab), in config order", () => {
    const gh = model(fleet(256), "github");
    assert.equal(gh.plan.kind, "units");
    assert.equal(gh.plan.kind === "units" && gh.plan.units.length, 256);
    assert.deepEqual(gh.plan.kind === "units" && gh.plan.units.slice(0, 2), [
      { id: "app/a000/us-east-1", key: "app.a000.us-east-1" },
      { id: "app/a001/us-east-1", key: "app.a001.us-east-1" },
    ]);
    assert.equal(model(fleet(200), "gitlab").plan.kind, "units");
    assert.equal(model(fleet(201), "gitlab").plan.kind, "shards");
  });

  test("beyond the limit, shards: about 4 x run.parallel units each, only occupied ones get a job", () => {
    const m = model(fleet(257), "github");
    assert.equal(m.plan.kind, "shards");
    if (m.plan.kind !== "shards") return;
    assert.equal(m.plan.count, Math.ceil(257 / 16));
    const read = load(fleet(257));
    const occupied = new Set(
      read.units.units.map((u) => shardOf(u, m.plan.kind === "shards" ? m.plan.count : 1)),
    );
    assert.deepEqual(
      m.plan.shards,
      [...occupied].sort((a, b) => a - b),
    );
    assert.equal(defaultShardCount(10_000, 4, 256), 256, "never more than the matrix limit");
    assert.equal(defaultShardCount(3, 4, 256), 1);
  });

  test("--shards n shards the plan even under the limit, and every large wave's apply", () => {
    const m = model(fleet(40), "github", { shards: 4 });
    assert.equal(m.plan.kind, "shards");
    assert.equal(m.plan.kind === "shards" && m.plan.count, 4);
    assert.equal(m.waves[0]?.shards?.count, 4);
  });

  test("waves in order with their approval accounts; a multi-account unit needs the approvals of every account it touches", () => {
    const m = model(QUICKSTART_LIKE, "github");
    assert.deepEqual(
      m.waves.map((w) => [w.position, w.name, w.slug, w.approve, w.units.length]),
      [
        [1, "tier:dev", "tier-dev", [], 2],
        [2, "tier:staging", "tier-staging", [], 2],
        [3, "prod", "prod", ["prod"], 4],
        [4, "tier:shared", "tier-shared", ["prod"], 1],
      ],
    );
  });

  test("a wave of many units is sharded unless it has a canary", () => {
    const names = Array.from({ length: 100 }, (_, i) => `a${String(i).padStart(3, "0")}`);
    const text =
      fleet(100) + `waves:\n  - { name: fleet, select: [${names.join(", ")}], canary: 2 }\n`;
    const rings = model(text, "github");
    assert.equal(rings.waves[0]?.shards, undefined);
    assert.match(rings.waves[0]?.singleJobReason ?? "", /canary/);
    const plain = model(fleet(100), "github");
    assert.equal(plain.waves[0]?.shards?.count, Math.ceil(100 / 16));
    assert.equal(plain.waves[0]?.singleJobReason, undefined);
  });

  test("a Terraform constraint as the range the setup actions resolve; the lowest admitted version", () => {
    assert.equal(constraintAsRange(">= 1.10"), ">=1.10.0");
    assert.equal(constraintAsRange(">= 1.6, < 2.0"), ">=1.6.0 <2.0.0");
    assert.equal(constraintAsRange("~> 1.10"), ">=1.10.0 <2.0.0");
    assert.equal(constraintAsRange("~> 1.11.2"), ">=1.11.2 <1.12.0");
    assert.equal(constraintAsRange("1.11.4"), "1.11.4");
    assert.equal(constraintAsRange(">= 1.10, != 1.10.1"), ">=1.10.0");
    assert.equal(lowestVersion(">= 1.10"), "1.10.0");
    assert.equal(lowestVersion("~> 1.11.2"), "1.11.2");
  });
});

describe("the GitHub workflow", () => {
  const jobs = ghJobs(QUICKSTART_LIKE);

  test("pull requests: a check job, a per-unit plan matrix, one comment job; pushes: one apply job per wave", () => {
    assert.deepEqual(Object.keys(jobs), [
      "check",
      "plan",
      "comment",
      "apply-1",
      "apply-2",
      "apply-3",
      "apply-4",
    ]);
    assert.equal(jobs.plan?.if, "github.event_name == 'pull_request'");
    assert.equal(jobs["apply-1"]?.if, "github.event_name == 'push'");
    assert.equal(jobs.plan?.strategy["fail-fast"], false);
    assert.deepEqual(
      (jobs.plan?.strategy.matrix.include as { id: string }[]).map((u) => u.id),
      [
        "network/dev/us-east-1",
        "network/staging/us-east-1",
        "network/prod/us-east-1",
        "network/prod/eu-west-1",
        "app/dev/us-east-1",
        "app/staging/us-east-1",
        "app/prod/us-east-1",
        "app/prod/eu-west-1",
        "dns/shared/us-east-1",
      ],
    );
    assert.equal(
      runOf(jobs.plan!, "crossform plan"),
      'exec crossform plan --target "$CROSSFORM_SELECTION" --changed-since "$CROSSFORM_BASE" --lock-timeout 5m --report plan.json',
    );
  });

  test("each plan job uploads its report; the comment job merges them all into one comment found by a marker", () => {
    const upload = (jobs.plan?.steps as Job[]).find((s) => s.uses === "actions/upload-artifact@v4");
    assert.equal(upload?.with.name, "crossform-plan-${{ matrix.key }}");
    assert.equal(upload?.with.path, "infra/plan.json");
    assert.deepEqual(jobs.comment?.needs, ["plan"]);
    assert.match(
      runOf(jobs.comment!, "merge the plan reports"),
      /exec crossform report --merge "\$@" --format md > "\$CROSSFORM_COMMENT"/,
    );
    const post = (jobs.comment?.steps as Job[]).find((s) => s.uses === "actions/github-script@v7");
    assert.equal(post?.env.CROSSFORM_MARKER, "<!-- crossform-plan: infra -->");
    assert.match(post?.with.script as string, /updateComment[\s\S]*createComment/);
    assert.deepEqual(jobs.comment?.permissions, { contents: "read", "pull-requests": "write" });
  });

  test("OIDC: id-token write on plan and apply only, the base role, session name and duration from ci", () => {
    const workflow = githubWorkflow(model(QUICKSTART_LIKE, "github"));
    assert.deepEqual(workflow.permissions, {});
    for (const id of ["plan", "apply-1", "apply-3"]) {
      assert.deepEqual(jobs[id]?.permissions, { contents: "read", "id-token": "write" });
      const aws = (jobs[id]?.steps as Job[]).find(
        (s) => s.uses === "aws-actions/configure-aws-credentials@v4",
      );
      assert.deepEqual(aws?.with, {
        "role-to-assume": "arn:aws:iam::999999999999:role/crossform-ci",
        "role-session-name": "crossform-${{ github.run_id }}-${{ github.run_attempt }}",
        "role-duration-seconds": 7200,
        "aws-region": "eu-central-1",
      });
    }
    assert.equal(jobs.check?.permissions["id-token"], undefined);
    const noRole = ghJobs(QUICKSTART_LIKE.replace(/^ci:.*\n/m, ""));
    const aws = (noRole.plan?.steps as Job[]).find(
      (s) => s.uses === "aws-actions/configure-aws-credentials@v4",
    );
    assert.equal(aws?.with["role-to-assume"], "${{ vars.CROSSFORM_ROLE_ARN }}");
    assert.equal(aws?.with["role-duration-seconds"], undefined);
  });

  test("terraform from the config's constraint, without the wrapper; OpenTofu through its own action", () => {
    const tf = (jobs.plan?.steps as Job[]).find((s) => s.uses === "hashicorp/setup-terraform@v3");
    assert.deepEqual(tf?.with, { terraform_version: ">=1.10.0", terraform_wrapper: false });
    const tofu = ghJobs(
      QUICKSTART_LIKE.replace(
        'terraform: { version: ">= 1.10" }',
        'terraform: { binary: tofu, version: ">= 1.10" }',
      ),
    );
    const step = (tofu.plan?.steps as Job[]).find((s) => s.uses === "opentofu/setup-opentofu@v1");
    assert.deepEqual(step?.with, { tofu_version: ">=1.10.0", tofu_wrapper: false });
  });

  test("applies: chained with needs, approval waves behind an environment with --approve, all exec crossform", () => {
    assert.equal(jobs["apply-1"]?.needs, undefined);
    assert.deepEqual(jobs["apply-2"]?.needs, ["apply-1"]);
    assert.deepEqual(jobs["apply-3"]?.needs, ["apply-2"]);
    assert.deepEqual(jobs["apply-4"]?.needs, ["apply-3"]);
    assert.equal(jobs["apply-1"]?.environment, undefined);
    assert.equal(jobs["apply-3"]?.environment, "crossform-prod");
    assert.equal(jobs["apply-4"]?.environment, "crossform-tier-shared");
    assert.equal(
      runOf(jobs["apply-1"]!, "crossform apply"),
      "exec crossform apply --wave 1 --auto-approve --lock-timeout 5m --report apply.json --report apply.md",
    );
    const prod = runOf(jobs["apply-3"]!, "crossform apply");
    assert.match(
      prod,
      /if \[ "\$CROSSFORM_ENVIRONMENT" != crossform-prod \]; then[\s\S]*exit 1\nfi\n/,
    );
    assert.match(
      prod,
      /\nexec crossform apply --wave 3 --auto-approve --approve prod --lock-timeout 5m/,
    );
    for (const job of Object.values(jobs)) {
      const runs = (job.steps as Job[]).filter(
        (s) =>
          typeof s.run === "string" && /crossform (plan|apply|report|ci)/.test(s.run as string),
      );
      for (const s of runs)
        assert.match(s.run as string, /(^|\n)exec crossform /, `${s.name} execs crossform`);
    }
  });

  test("concurrency: one apply run at a time and never cancelled; a newer push cancels a pull request's plans", () => {
    const workflow = githubWorkflow(model(QUICKSTART_LIKE, "github"));
    assert.deepEqual(workflow.concurrency, {
      group:
        "crossform-infra-${{ github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number) || 'apply' }}",
      "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    });
  });

  test("sharded waves are a matrix of occupied shards, not fail-fast", () => {
    const sharded = ghJobs(fleet(300));
    const apply = sharded["apply-1"];
    assert.equal(apply?.strategy["fail-fast"], false);
    const shards = apply?.strategy.matrix.shard as string[];
    assert.ok(shards.length > 1 && shards.every((s) => /^\d+\/19$/.test(s)), shards.join(" "));
    assert.match(
      runOf(apply!, "crossform apply"),
      /--wave 1 --shard "\$CROSSFORM_SHARD" --auto-approve/,
    );
    assert.match(runOf(sharded.plan!, "crossform plan"), /plan --shard "\$CROSSFORM_SELECTION"/);
  });

  test("npm ci when the repository pins crossform: its own bin, not a global install", () => {
    const pinned = ghJobs(QUICKSTART_LIKE, { install: { kind: "npm-ci" } });
    assert.equal(runOf(pinned.plan!, "install crossform"), "npm ci --no-audit --no-fund");
    assert.match(
      runOf(pinned.plan!, "crossform plan"),
      /^exec "\$GITHUB_WORKSPACE\/node_modules\/.bin\/crossform" plan /,
    );
    assert.equal(
      runOf(jobs.plan!, "install crossform"),
      "npm install --global --no-audit --no-fund crossform@1.2.3",
    );
  });
});

describe("the GitLab pipeline", () => {
  const jobs = glJobs(QUICKSTART_LIKE);

  test("merge requests: a parallel:matrix plan per unit, interruptible, and one note job after it", () => {
    const plan = jobs["crossform-plan"];
    assert.deepEqual(plan?.rules, [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    assert.equal(plan?.interruptible, true);
    assert.equal(plan?.parallel.matrix[0].CROSSFORM_SELECTION.length, 9);
    assert.deepEqual(plan?.script, [
      "mkdir -p .crossform-ci/plan",
      "cd infra",
      'exec crossform plan --target "$CROSSFORM_SELECTION" --changed-since "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --lock-timeout 5m --report "../.crossform-ci/plan/$CI_JOB_ID.json"',
    ]);
    const note = jobs["crossform-plan-note"];
    assert.equal(note?.stage, ".post");
    assert.deepEqual(note?.rules, [
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: "always" },
    ]);
    assert.match(note?.script[1] as string, /crossform report --merge "\$@" --format md/);
    assert.match(
      note?.script[2] as string,
      /PRIVATE-TOKEN[\s\S]*method: "PUT"[\s\S]*method: "POST"/,
    );
    assert.equal(note?.variables.CROSSFORM_MARKER, "<!-- crossform-plan: infra -->");
  });

  test("OIDC: an ID token with an audience, the base role through web identity, the token in a job-private directory", () => {
    const aws = jobs[".crossform-aws"];
    assert.deepEqual(aws?.id_tokens, { CROSSFORM_ID_TOKEN: { aud: "https://gitlab.com" } });
    assert.equal(aws?.variables.AWS_ROLE_ARN, "arn:aws:iam::999999999999:role/crossform-ci");
    assert.equal(aws?.variables.AWS_ROLE_SESSION_NAME, "crossform-${CI_PIPELINE_ID}-${CI_JOB_ID}");
    assert.equal(aws?.timeout, "120 minutes");
    const token = (aws?.before_script as string[]).at(-1) ?? "";
    assert.match(token, /mkdir -m 700 "\$CROSSFORM_OIDC_DIR"/);
    assert.match(token, /umask 077/);
    assert.match(token, /export AWS_WEB_IDENTITY_TOKEN_FILE="\$CROSSFORM_OIDC_DIR\/token"/);
    assert.deepEqual(aws?.after_script, ['rm -rf "${TMPDIR:-/tmp}/crossform-oidc-${CI_JOB_ID}"']);
    assert.equal(jobs["crossform-plan"]?.extends, ".crossform-aws");
    assert.equal(jobs["crossform-check"]?.extends, ".crossform");
    const noRole = glJobs(QUICKSTART_LIKE.replace(/^ci:.*\n/m, ""));
    assert.equal(noRole[".crossform-aws"]?.variables.AWS_ROLE_ARN, "$CROSSFORM_ROLE_ARN");
  });

  test("applies: chained with needs (no artifacts: a clean tree), manual approval waves, never interruptible, one resource group each", () => {
    const names = Object.keys(jobs).filter((n) => n.startsWith("crossform-apply-"));
    assert.deepEqual(names, [
      "crossform-apply-1-tier-dev",
      "crossform-apply-2-tier-staging",
      "crossform-apply-3-prod",
      "crossform-apply-4-tier-shared",
    ]);
    const [first, second, prod, shared] = names.map((n) => jobs[n]!);
    assert.deepEqual(first?.dependencies, []);
    assert.deepEqual(second?.needs, [{ job: "crossform-apply-1-tier-dev", artifacts: false }]);
    assert.deepEqual(shared?.needs, [{ job: "crossform-apply-3-prod", artifacts: false }]);
    assert.deepEqual(first?.rules, [
      {
        if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"',
        when: "on_success",
      },
    ]);
    assert.equal(prod?.rules[0].when, "manual");
    assert.equal(prod?.allow_failure, false);
    assert.deepEqual(prod?.environment, { name: "crossform-prod", action: "start" });
    for (const job of [first, second, prod, shared]) {
      assert.equal(job?.interruptible, false);
      assert.equal(job?.stage, "deploy");
      assert.match(job?.script.at(-1) as string, /^exec crossform apply --wave \d/);
    }
    assert.equal(prod?.resource_group, "crossform-infra-apply-3");
    assert.match(
      prod?.script.at(-1) as string,
      /--approve prod --lock-timeout 5m --report \.\.\/\.crossform-ci\/apply-3\/apply\.json/,
    );
  });

  test("sharded waves are one job per occupied shard, each its own resource group; the next wave needs them all", () => {
    const text =
      fleet(120) +
      "waves:\n  - [" +
      Array.from({ length: 60 }, (_, i) => `a${String(i).padStart(3, "0")}`).join(", ") +
      "]\n  - [" +
      Array.from({ length: 60 }, (_, i) => `a${String(i + 60).padStart(3, "0")}`).join(", ") +
      "]\n";
    const m = model(text, "gitlab");
    const sharded = gitlabPipeline(m) as Record<string, Job>;
    const first = applyJobNames(m.waves[0]!);
    assert.ok(first.length > 1);
    assert.ok(
      first.every((n) => /^crossform-apply-1-[a-z0-9-]+ \d+\/4$/.test(n)),
      first.join(" | "),
    );
    const groups = first.map((n) => sharded[n]?.resource_group as string);
    assert.equal(new Set(groups).size, first.length);
    const second = applyJobNames(m.waves[1]!)[0]!;
    assert.deepEqual(
      sharded[second]?.needs,
      first.map((job) => ({ job, artifacts: false })),
    );
  });

  test("a configuration without units gets only the check job, on both platforms", () => {
    const empty = 'version: 1\naccounts:\n  dev: { id: "111111111111" }\n';
    assert.deepEqual(Object.keys(ghJobs(empty)), ["check"]);
    assert.deepEqual(Object.keys(glJobs(empty)), [
      ".crossform",
      ".crossform-aws",
      "crossform-check",
    ]);
  });

  test("declares no stages or workflow (the including .gitlab-ci.yml owns those)", () => {
    assert.equal("stages" in jobs, false);
    assert.equal("workflow" in jobs, false);
    assert.equal("variables" in jobs, false);
  });
});

describe("the file", () => {
  test("is stable: the same config renders the same bytes, with a header and the digest of its body", () => {
    for (const platform of ["github", "gitlab"] as const) {
      const a = renderCiFile(model(QUICKSTART_LIKE, platform), "infra/crossform.yaml", sha256);
      const b = renderCiFile(model(QUICKSTART_LIKE, platform), "infra/crossform.yaml", sha256);
      assert.equal(a, b);
      assert.match(
        a,
        /^# Generated by crossform from infra\/crossform.yaml; do not edit.\n# Regenerate with: crossform ci \w+ --config infra\/crossform.yaml\n/,
      );
      assert.equal(classifyExisting(a, sha256), "generated");
      assert.equal(
        classifyExisting(a.replace("--lock-timeout 5m", "--lock-timeout 9m"), sha256),
        "edited",
      );
      assert.equal(classifyExisting("on: push\n", sha256), "foreign");
      assert.doesNotMatch(a, /&a\d|\*a\d/, "no YAML anchors or aliases");
      assert.ok(parse(a), "valid YAML");
    }
  });
});

describe("GitHub's workflow parser", () => {
  test("accepts every shape of the workflow: per-unit, sharded, sharded approval waves, npm ci, OpenTofu", async () => {
    const { parseGithubWorkflow } = await import("../../../helpers/ci-validators.ts");
    const names = Array.from({ length: 300 }, (_, i) => `a${String(i).padStart(3, "0")}`);
    const approvalFleet = fleet(300)
      .replace(
        '  a000: { id: "100000000000" }',
        '  a000: { id: "100000000000", approval: required }',
      )
      .concat(
        `waves:\n  - [${names.slice(0, 150).join(", ")}]\n  - [${names.slice(150).join(", ")}]\n`,
      );
    const shapes: [string, string, Partial<CiModelOptions>][] = [
      ["per-unit", QUICKSTART_LIKE, {}],
      ["sharded", fleet(300), {}],
      ["sharded approval waves", approvalFleet, {}],
      ["npm ci", QUICKSTART_LIKE, { install: { kind: "npm-ci" }, branch: "trunk" }],
      [
        "OpenTofu",
        QUICKSTART_LIKE.replace('version: ">= 1.10"', 'binary: tofu, version: "~> 1.10"'),
        {},
      ],
      ["--shards 3", QUICKSTART_LIKE, { shards: 3 }],
    ];
    for (const [shape, text, extra] of shapes) {
      const file = renderCiFile(model(text, "github", extra), "infra/crossform.yaml", sha256);
      const parsed = await parseGithubWorkflow(`${shape}.yml`, file);
      assert.deepEqual(parsed.errors, [], shape);
      assert.ok(
        parsed.jobs.some((j) => j.id === "apply-1"),
        shape,
      );
    }
    const sharded = ghJobs(approvalFleet);
    const environment = sharded["apply-1"]?.environment as string;
    assert.match(
      environment,
      /^crossform-a000-a001-a002-a003-a004-a005-a-[0-9a-f]{8}$/,
      "a long wave name is cut and hashed",
    );
    assert.notEqual(sharded["apply-2"]?.environment, environment);
    assert.equal(slugOf("tier:prod"), "tier-prod");
  });
});

describe("--apply-reviewed-plans", () => {
  test("GitHub: plans store, pushes apply the reviewed plans, a run started by hand on the branch plans again", () => {
    const workflow = githubWorkflow(
      model(QUICKSTART_LIKE, "github", { reviewedPlans: true }),
    ) as Job;
    const jobs = workflow.jobs as Record<string, Job>;
    assert.deepEqual(Object.keys(workflow.on as Job), [
      "pull_request",
      "push",
      "workflow_dispatch",
    ]);
    assert.match(runOf(jobs.plan!, "crossform plan"), / --store-plans --report /);
    assert.equal(
      jobs["apply-1"]?.if,
      "${{ github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main') }}",
    );
    assert.equal(
      runOf(jobs["apply-1"]!, "crossform apply"),
      "exec crossform apply --wave 1 ${{ github.event_name == 'push' && '--reviewed-plans' || '' }} --auto-approve --lock-timeout 5m --report apply.json --report apply.md",
    );
    const plain = githubWorkflow(model(QUICKSTART_LIKE, "github")) as Job;
    assert.deepEqual(Object.keys(plain.on as Job), ["pull_request", "push"]);
    assert.doesNotMatch(JSON.stringify(plain), /reviewed-plans|store-plans/);
  });

  test("GitLab: plans store, wave jobs apply the reviewed plans, each has a manual re-plan job that plans again", () => {
    const jobs = glJobs(QUICKSTART_LIKE, { reviewedPlans: true });
    assert.match(jobs["crossform-plan"]?.script.at(-1) as string, / --store-plans --report /);
    const apply = jobs["crossform-apply-1-tier-dev"]!;
    assert.match(
      apply.script.at(-1) as string,
      /^exec crossform apply --wave 1 --reviewed-plans --auto-approve /,
    );
    assert.equal(apply.rules[0].when, "on_success");
    const replan = jobs["crossform-replan-1-tier-dev"]!;
    assert.match(replan.script.at(-1) as string, /^exec crossform apply --wave 1 --auto-approve /);
    assert.doesNotMatch(replan.script.at(-1) as string, /reviewed-plans/);
    assert.equal(replan.rules[0].when, "manual");
    assert.equal(replan.allow_failure, true);
    assert.equal(
      replan.resource_group,
      apply.resource_group,
      "never at once with the wave's apply",
    );
    assert.deepEqual(replan.needs, apply.needs);
    const prodReplan = jobs["crossform-replan-3-prod"]!;
    assert.deepEqual(prodReplan.environment, { name: "crossform-prod", action: "start" });
    assert.match(prodReplan.script.at(-1) as string, /--approve prod/);
    assert.equal(glJobs(QUICKSTART_LIKE)["crossform-replan-1-tier-dev"], undefined);
  });
});
