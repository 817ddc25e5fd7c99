/**
 * The GitHub Actions workflow of a pipeline model (docs/ci.md): on pull requests, a check that
 * the workflow is current, the plan jobs (one per unit, or shards) and one comment; on pushes to
 * the branch, one apply job (or shard matrix) per wave, chained with `needs`, approval waves
 * behind an environment. Returns a plain object in key order; rendering to YAML is ci-file.ts's.
 */
import type { CiPipelineModel, CiWave } from "./pipeline-model.ts";
import {
  applyCommand,
  commentMarker,
  installCommand,
  mergeReportsScript,
  planCommand,
  shellWord,
} from "./shell.ts";

/** The actions the workflow uses, by major version. */
export const GITHUB_ACTIONS = {
  checkout: "actions/checkout@v4",
  setupNode: "actions/setup-node@v4",
  setupTerraform: "hashicorp/setup-terraform@v3",
  setupOpenTofu: "opentofu/setup-opentofu@v1",
  awsCredentials: "aws-actions/configure-aws-credentials@v4",
  uploadArtifact: "actions/upload-artifact@v4",
  downloadArtifact: "actions/download-artifact@v4",
  script: "actions/github-script@v7",
} as const;

/** The Node.js major version the jobs run crossform on. */
export const CI_NODE_VERSION = "24";

/** The runner label of every job. */
export const GITHUB_RUNNER = "ubuntu-latest";

/** The environment of an approval wave: `crossform-<wave>`. */
export function githubEnvironment(wave: CiWave): string {
  return `crossform-${wave.slug}`;
}

/** The crossform executable in a job: the repository's own install, or the global one. */
function crossformBin(model: CiPipelineModel): string {
  return model.install.kind === "npm-ci"
    ? '"$GITHUB_WORKSPACE/node_modules/.bin/crossform"'
    : "crossform";
}

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

const IS_PR = "github.event_name == 'pull_request'";
const IS_PUSH = "github.event_name == 'push'";
/** A run started by hand on the branch (`--apply-reviewed-plans`): plan again and apply. */
const IS_REPLAN = "github.event_name == 'workflow_dispatch'";

function workingDirectory(model: CiPipelineModel): Record<string, string> {
  return model.configDir === "." ? {} : { "working-directory": model.configDir };
}

function under(model: CiPipelineModel, file: string): string {
  return model.configDir === "." ? file : `${model.configDir}/${file}`;
}

function setupSteps(model: CiPipelineModel, fullHistory: boolean, terraform: boolean): Step[] {
  const steps: Step[] = [
    {
      uses: GITHUB_ACTIONS.checkout,
      with: fullHistory
        ? { "fetch-depth": 0, "persist-credentials": false }
        : { "persist-credentials": false },
    },
    {
      uses: GITHUB_ACTIONS.setupNode,
      with: {
        "node-version": CI_NODE_VERSION,
        ...(model.install.kind === "npm-ci" ? { cache: "npm" } : {}),
      },
    },
    { name: "install crossform", run: installCommand(model) },
  ];
  if (terraform) {
    steps.push(
      model.terraform.binary === "tofu"
        ? {
            uses: GITHUB_ACTIONS.setupOpenTofu,
            with: { tofu_version: model.terraform.range, tofu_wrapper: false },
          }
        : {
            uses: GITHUB_ACTIONS.setupTerraform,
            with: { terraform_version: model.terraform.range, terraform_wrapper: false },
          },
    );
  }
  return steps;
}

function awsStep(model: CiPipelineModel): Step {
  return {
    name: "assume the crossform base role (OIDC)",
    uses: GITHUB_ACTIONS.awsCredentials,
    with: {
      "role-to-assume": model.oidc.roleArn ?? "${{ vars.CROSSFORM_ROLE_ARN }}",
      "role-session-name": "crossform-${{ github.run_id }}-${{ github.run_attempt }}",
      ...(model.oidc.sessionSeconds !== undefined
        ? { "role-duration-seconds": model.oidc.sessionSeconds }
        : {}),
      "aws-region": model.oidc.region,
    },
  };
}

function planJob(model: CiPipelineModel): Job {
  const bin = crossformBin(model);
  const plan = model.plan;
  const byUnit = plan.kind === "units";
  const matrix =
    plan.kind === "units"
      ? { include: plan.units }
      : { shard: plan.shards.map((i) => `${i}/${plan.count}`) };
  return {
    name: byUnit ? "plan ${{ matrix.id }}" : "plan shard ${{ matrix.shard }}",
    if: IS_PR,
    "runs-on": GITHUB_RUNNER,
    permissions: { contents: "read", "id-token": "write" },
    strategy: { "fail-fast": false, matrix },
    steps: [
      ...setupSteps(model, true, true),
      awsStep(model),
      {
        name: "crossform plan",
        ...workingDirectory(model),
        env: {
          CROSSFORM_SELECTION: byUnit ? "${{ matrix.id }}" : "${{ matrix.shard }}",
          CROSSFORM_BASE: "${{ github.event.pull_request.base.sha }}",
        },
        run: planCommand(model, bin, '"$CROSSFORM_SELECTION"', '"$CROSSFORM_BASE"', "plan.json"),
      },
      {
        name: "upload the plan report",
        if: "${{ !cancelled() }}",
        uses: GITHUB_ACTIONS.uploadArtifact,
        with: {
          name: byUnit
            ? "crossform-plan-${{ matrix.key }}"
            : "crossform-plan-shard-${{ strategy.job-index }}",
          path: under(model, "plan.json"),
          "if-no-files-found": "ignore",
          "retention-days": 14,
        },
      },
    ],
  };
}

const COMMENT_SCRIPT = `const fs = require("node:fs");
const marker = process.env.CROSSFORM_MARKER;
const limit = 60000;
let body = fs.readFileSync(process.env.CROSSFORM_COMMENT, "utf8");
if (body.length > limit) {
  body = body.slice(0, limit) + "\\n\\n(truncated: the whole report is the crossform-plan-report artifact of this run)\\n";
}
body = marker + "\\n" + body;
const { owner, repo } = context.repo;
const issue_number = context.issue.number;
const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
const previous = comments.find((c) => c.user?.type === "Bot" && c.body?.startsWith(marker));
if (previous) {
  await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
} else {
  await github.rest.issues.createComment({ owner, repo, issue_number, body });
}
`;

function commentJob(model: CiPipelineModel): Job {
  const bin = crossformBin(model);
  const reports = "${{ runner.temp }}/crossform-reports";
  return {
    name: "plan comment",
    if: `\${{ ${IS_PR} && !cancelled() }}`,
    needs: ["plan"],
    "runs-on": GITHUB_RUNNER,
    permissions: { contents: "read", "pull-requests": "write" },
    steps: [
      ...setupSteps(model, false, false),
      {
        uses: GITHUB_ACTIONS.downloadArtifact,
        with: { pattern: "crossform-plan-*", path: reports },
      },
      {
        name: "merge the plan reports",
        ...workingDirectory(model),
        env: {
          CROSSFORM_REPORTS: reports,
          CROSSFORM_COMMENT: "${{ runner.temp }}/crossform-comment.md",
        },
        run: mergeReportsScript(model, bin, "$CROSSFORM_REPORTS", "$CROSSFORM_COMMENT", true),
      },
      {
        name: "upload the merged report",
        uses: GITHUB_ACTIONS.uploadArtifact,
        with: {
          name: "crossform-plan-report",
          path: "${{ runner.temp }}/crossform-comment.md",
          "retention-days": 14,
        },
      },
      {
        name: "post or update the pull-request comment",
        uses: GITHUB_ACTIONS.script,
        env: {
          CROSSFORM_COMMENT: "${{ runner.temp }}/crossform-comment.md",
          CROSSFORM_MARKER: commentMarker(model),
        },
        with: { script: COMMENT_SCRIPT },
      },
    ],
  };
}

function checkJob(model: CiPipelineModel): Job {
  const bin = crossformBin(model);
  return {
    name: "workflow is current",
    if: IS_PR,
    "runs-on": GITHUB_RUNNER,
    permissions: { contents: "read" },
    steps: [
      ...setupSteps(model, false, false),
      {
        name: "crossform ci github --check",
        run: `exec ${bin} ${model.check.map(shellWord).join(" ")}`,
      },
    ],
  };
}

function applyJobId(wave: CiWave): string {
  return `apply-${wave.position}`;
}

function applyJob(model: CiPipelineModel, wave: CiWave, previous: CiWave | undefined): Job {
  const bin = crossformBin(model);
  const shard = wave.shards
    ? { matrix: { shard: wave.shards.indices.map((i) => `${i}/${wave.shards?.count ?? 1}`) } }
    : undefined;
  const environment = wave.approve.length > 0 ? githubEnvironment(wave) : undefined;
  const guard = environment
    ? [
        `if [ "$CROSSFORM_ENVIRONMENT" != ${environment} ]; then`,
        `  echo "::error::environment ${environment} is not set up: give it required reviewers and the variable CROSSFORM_ENVIRONMENT=${environment} (docs/ci.md)"`,
        "  exit 1",
        "fi",
      ]
    : [];
  return {
    name: `apply wave ${wave.position} (${wave.name})${shard ? " shard ${{ matrix.shard }}" : ""}`,
    if: model.reviewedPlans
      ? `\${{ ${IS_PUSH} || (${IS_REPLAN} && github.ref == 'refs/heads/${model.branch ?? "main"}') }}`
      : IS_PUSH,
    ...(previous ? { needs: [applyJobId(previous)] } : {}),
    "runs-on": GITHUB_RUNNER,
    ...(environment ? { environment } : {}),
    permissions: { contents: "read", "id-token": "write" },
    ...(shard ? { strategy: { "fail-fast": false, ...shard } } : {}),
    steps: [
      ...setupSteps(model, false, true),
      awsStep(model),
      {
        name: "crossform apply",
        ...workingDirectory(model),
        ...(shard || environment
          ? {
              env: {
                ...(shard ? { CROSSFORM_SHARD: "${{ matrix.shard }}" } : {}),
                ...(environment
                  ? { CROSSFORM_ENVIRONMENT: "${{ vars.CROSSFORM_ENVIRONMENT }}" }
                  : {}),
              },
            }
          : {}),
        run: [
          ...guard,
          applyCommand(
            model,
            bin,
            wave,
            shard ? '"$CROSSFORM_SHARD"' : undefined,
            ["apply.json", "apply.md"],
            // A push applies the reviewed plans; a run started by hand plans again.
            model.reviewedPlans ? `\${{ ${IS_PUSH} && '--reviewed-plans' || '' }}` : false,
          ),
        ].join("\n"),
      },
      {
        name: "upload the apply report",
        if: "${{ always() }}",
        uses: GITHUB_ACTIONS.uploadArtifact,
        with: {
          name: `crossform-apply-${wave.position}${shard ? "-${{ strategy.job-index }}" : ""}`,
          path: [under(model, "apply.json"), under(model, "apply.md")].join("\n"),
          "if-no-files-found": "ignore",
          "retention-days": 90,
        },
      },
    ],
  };
}

/** The workflow as a plain object, keys in the order they are written. */
export function githubWorkflow(model: CiPipelineModel): Record<string, unknown> {
  const jobs: Record<string, Job> = {
    check: checkJob(model),
    // A configuration without units has nothing to plan (and an empty matrix is an error).
    ...(model.unitCount > 0 ? { plan: planJob(model), comment: commentJob(model) } : {}),
  };
  let previous: CiWave | undefined;
  for (const wave of model.waves) {
    jobs[applyJobId(wave)] = applyJob(model, wave, previous);
    previous = wave;
  }
  return {
    name: model.configDir === "." ? "crossform" : `crossform ${model.configDir}`,
    on: {
      pull_request: { branches: [model.branch ?? "main"] },
      push: { branches: [model.branch ?? "main"] },
      ...(model.reviewedPlans ? { workflow_dispatch: {} } : {}),
    },
    permissions: {},
    concurrency: {
      group: `crossform-${model.configKey}-\${{ ${IS_PR} && format('pr-{0}', github.event.pull_request.number) || 'apply' }}`,
      "cancel-in-progress": `\${{ ${IS_PR} }}`,
    },
    jobs,
  };
}
