/**
 * The GitLab CI jobs of a pipeline model (docs/ci.md), written to a file of their own that the
 * project's `.gitlab-ci.yml` includes: merge-request plans (`parallel:matrix` per unit, or
 * shards) with one merged note, and main-branch applies per wave chained with `needs`, approval
 * waves as manual jobs behind a protected environment. It declares no `stages` and no
 * `workflow` (those belong to the including file): plans run in `test`, the note in `.post`,
 * applies in `deploy`, the default stages. Returns a plain object in key order.
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

/** The default image: Node.js 24 on Debian with git, curl and unzip. */
export const GITLAB_IMAGE = "node:24-bookworm";

/** The ID token's audience: the IAM OIDC provider's client id for gitlab.com. */
export const GITLAB_AUDIENCE = "https://gitlab.com";

/** Where the jobs keep their reports, under the project directory (artifacts must be there). */
export const GITLAB_REPORT_DIR = ".crossform-ci";

type Job = Record<string, unknown>;

const MR_RULE = { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' };

/** The environment of an approval wave: `crossform-<wave>`. */
export function gitlabEnvironment(wave: CiWave): string {
  return `crossform-${wave.slug}`;
}

function branchRule(model: CiPipelineModel, when: "manual" | "on_success"): Job {
  const branch = model.branch === undefined ? "$CI_DEFAULT_BRANCH" : JSON.stringify(model.branch);
  return { if: `$CI_COMMIT_BRANCH == ${branch} && $CI_PIPELINE_SOURCE == "push"`, when };
}

/**
 * The project directory seen from the config directory (`../../` for `infra/live`), so the
 * scripts name reports and the repository's crossform without `$CI_PROJECT_DIR`.
 */
function up(model: CiPipelineModel): string {
  return model.configDir === "." ? "" : "../".repeat(model.configDir.split("/").length);
}

/** The crossform executable, seen from the config directory. */
function crossformPath(model: CiPipelineModel): string {
  return model.install.kind === "npm-ci"
    ? `${up(model) || "./"}node_modules/.bin/crossform`
    : "crossform";
}

function cdCommand(model: CiPipelineModel): string[] {
  return model.configDir === "." ? [] : [`cd ${shellWord(model.configDir)}`];
}

function installTerraform(model: CiPipelineModel): string {
  const tofu = model.terraform.binary === "tofu";
  const url = tofu
    ? "https://github.com/opentofu/opentofu/releases/download/v${CROSSFORM_TERRAFORM_VERSION}/tofu_${CROSSFORM_TERRAFORM_VERSION}_linux_amd64.zip"
    : "https://releases.hashicorp.com/terraform/${CROSSFORM_TERRAFORM_VERSION}/terraform_${CROSSFORM_TERRAFORM_VERSION}_linux_amd64.zip";
  const bin = tofu ? "tofu" : "terraform";
  return [
    `if ! command -v ${bin} >/dev/null 2>&1; then`,
    `  curl -fsSL -o /tmp/crossform-${bin}.zip "${url}"`,
    `  unzip -o -q /tmp/crossform-${bin}.zip ${bin} -d /usr/local/bin`,
    `  rm -f /tmp/crossform-${bin}.zip`,
    "fi",
  ].join("\n");
}

// The ID token goes into a file only because the AWS SDKs read web identity from a file: a
// directory of this job alone (mode 0700, created fresh), removed by after_script.
const TOKEN_DIR = '"${TMPDIR:-/tmp}/crossform-oidc-${CI_JOB_ID}"';

const WRITE_TOKEN = [
  `CROSSFORM_OIDC_DIR=${TOKEN_DIR}`,
  'mkdir -m 700 "$CROSSFORM_OIDC_DIR"',
  `(umask 077 && printf '%s' "$CROSSFORM_ID_TOKEN" > "$CROSSFORM_OIDC_DIR/token")`,
  'export AWS_WEB_IDENTITY_TOKEN_FILE="$CROSSFORM_OIDC_DIR/token"',
  "unset CROSSFORM_ID_TOKEN",
].join("\n");

function templates(model: CiPipelineModel): Record<string, Job> {
  const base = [installTerraform(model), installCommand(model)];
  return {
    ".crossform": {
      image: GITLAB_IMAGE,
      variables: { CROSSFORM_TERRAFORM_VERSION: model.terraform.exactVersion },
      before_script: base,
    },
    ".crossform-aws": {
      extends: ".crossform",
      id_tokens: { CROSSFORM_ID_TOKEN: { aud: GITLAB_AUDIENCE } },
      variables: {
        AWS_ROLE_ARN: model.oidc.roleArn ?? "$CROSSFORM_ROLE_ARN",
        AWS_ROLE_SESSION_NAME: "crossform-${CI_PIPELINE_ID}-${CI_JOB_ID}",
        AWS_REGION: model.oidc.region,
      },
      ...(model.oidc.sessionSeconds !== undefined
        ? { timeout: `${Math.ceil(model.oidc.sessionSeconds / 60)} minutes` }
        : {}),
      before_script: [...base, WRITE_TOKEN],
      after_script: [`rm -rf ${TOKEN_DIR}`],
    },
  };
}

function checkJob(model: CiPipelineModel): Job {
  return {
    extends: ".crossform",
    stage: "test",
    needs: [],
    interruptible: true,
    rules: [MR_RULE],
    script: [
      `exec ${model.install.kind === "npm-ci" ? "./node_modules/.bin/crossform" : "crossform"} ${model.check.map(shellWord).join(" ")}`,
    ],
  };
}

function planJob(model: CiPipelineModel): Job {
  const plan = model.plan;
  const matrix =
    plan.kind === "units"
      ? { CROSSFORM_SELECTION: plan.units.map((u) => u.id) }
      : { CROSSFORM_SELECTION: plan.shards.map((i) => `${i}/${plan.count}`) };
  return {
    extends: ".crossform-aws",
    stage: "test",
    needs: [],
    interruptible: true,
    rules: [MR_RULE],
    variables: { GIT_DEPTH: "0" },
    parallel: { matrix: [matrix] },
    script: [
      `mkdir -p ${GITLAB_REPORT_DIR}/plan`,
      ...cdCommand(model),
      planCommand(
        model,
        crossformPath(model),
        '"$CROSSFORM_SELECTION"',
        '"$CI_MERGE_REQUEST_DIFF_BASE_SHA"',
        `"${up(model)}${GITLAB_REPORT_DIR}/plan/$CI_JOB_ID.json"`,
      ),
    ],
    artifacts: { when: "always", expire_in: "2 weeks", paths: [`${GITLAB_REPORT_DIR}/plan/`] },
  };
}

// Posts the merged report as one merge-request note, found again by its marker and updated.
const NOTE_SCRIPT = `node --input-type=module - <<'CROSSFORM_NOTE'
import { readFileSync } from "node:fs";
const marker = process.env.CROSSFORM_MARKER;
let body = readFileSync(process.env.CROSSFORM_NOTE, "utf8");
if (body.length > 60000) body = body.slice(0, 60000) + "\\n\\n(truncated: the whole report is this job's artifact)\\n";
body = marker + "\\n" + body;
const token = process.env.CROSSFORM_GITLAB_TOKEN;
if (!token) {
  console.log("CROSSFORM_GITLAB_TOKEN is not set: no note posted (docs/ci.md); the report:\\n" + body);
  process.exit(0);
}
const api = process.env.CI_API_V4_URL + "/projects/" + process.env.CI_PROJECT_ID + "/merge_requests/" + process.env.CI_MERGE_REQUEST_IID + "/notes";
const headers = { "PRIVATE-TOKEN": token, "Content-Type": "application/json" };
const call = async (url, init) => {
  const response = await fetch(url, { headers, ...init });
  if (!response.ok) throw new Error((init?.method ?? "GET") + " " + url + ": " + response.status + " " + (await response.text()));
  return response.json();
};
let previous;
for (let page = 1; !previous; page += 1) {
  const notes = await call(api + "?per_page=100&sort=asc&page=" + page);
  if (notes.length === 0) break;
  previous = notes.find((n) => typeof n.body === "string" && n.body.startsWith(marker));
}
if (previous) await call(api + "/" + previous.id, { method: "PUT", body: JSON.stringify({ body }) });
else await call(api, { method: "POST", body: JSON.stringify({ body }) });
console.log((previous ? "updated" : "posted") + " the crossform plan note");
CROSSFORM_NOTE`;

function noteJob(model: CiPipelineModel): Job {
  const note = `${up(model)}${GITLAB_REPORT_DIR}/plan-note.md`;
  return {
    extends: ".crossform",
    stage: ".post",
    interruptible: true,
    rules: [{ ...MR_RULE, when: "always" }],
    variables: { CROSSFORM_NOTE: note, CROSSFORM_MARKER: commentMarker(model) },
    script: [
      ...cdCommand(model),
      mergeReportsScript(
        model,
        crossformPath(model),
        `${up(model)}${GITLAB_REPORT_DIR}/plan`,
        note,
        false,
      ),
      NOTE_SCRIPT,
    ],
    artifacts: {
      when: "always",
      expire_in: "2 weeks",
      paths: [`${GITLAB_REPORT_DIR}/plan-note.md`],
    },
  };
}

/** The job names of a wave's apply: one, or one per occupied shard (`<name> i/n`). */
export function applyJobNames(wave: CiWave): string[] {
  const base = `crossform-apply-${wave.position}-${wave.slug}`;
  return wave.shards
    ? wave.shards.indices.map((i) => `${base} ${i}/${wave.shards?.count ?? 1}`)
    : [base];
}

/**
 * The manual re-plan jobs of a wave's apply (`--apply-reviewed-plans`), one per apply job: a plain
 * `apply` that plans again and applies, for the units whose reviewed plan no longer holds; running
 * it by hand is the approval of the new plan.
 */
export function replanJobNames(wave: CiWave): string[] {
  return applyJobNames(wave).map((name) => name.replace(/^crossform-apply-/, "crossform-replan-"));
}

function applyJobs(
  model: CiPipelineModel,
  wave: CiWave,
  previous: CiWave | undefined,
  replan = false,
): Record<string, Job> {
  const approval = wave.approve.length > 0;
  const jobs: Record<string, Job> = {};
  const names = replan ? replanJobNames(wave) : applyJobNames(wave);
  const reviewed = model.reviewedPlans && !replan;
  names.forEach((name, i) => {
    const shard = wave.shards ? `${wave.shards.indices[i]}/${wave.shards.count}` : undefined;
    const dir = `${GITLAB_REPORT_DIR}/${replan ? "replan" : "apply"}-${wave.position}${shard ? `-${wave.shards?.indices[i]}` : ""}`;
    jobs[name] = {
      extends: ".crossform-aws",
      stage: "deploy",
      ...(previous
        ? { needs: applyJobNames(previous).map((job) => ({ job, artifacts: false })) }
        : { dependencies: [] }),
      rules: [branchRule(model, approval || replan ? "manual" : "on_success")],
      allow_failure: replan,
      interruptible: false,
      resource_group: `crossform-${model.configKey}-apply-${wave.position}${shard ? `-${wave.shards?.indices[i]}` : ""}`,
      ...(approval ? { environment: { name: gitlabEnvironment(wave), action: "start" } } : {}),
      script: [
        `mkdir -p ${dir}`,
        ...cdCommand(model),
        applyCommand(
          model,
          crossformPath(model),
          wave,
          shard,
          [`${up(model)}${dir}/apply.json`, `${up(model)}${dir}/apply.md`],
          reviewed,
        ),
      ],
      artifacts: { when: "always", expire_in: "90 days", paths: [`${dir}/`] },
    };
  });
  return jobs;
}

/** The included file's jobs as a plain object, keys in the order they are written. */
export function gitlabPipeline(model: CiPipelineModel): Record<string, unknown> {
  const jobs: Record<string, unknown> = {
    ...templates(model),
    "crossform-check": checkJob(model),
    // A configuration without units has nothing to plan (and an empty matrix is an error).
    ...(model.unitCount > 0
      ? { "crossform-plan": planJob(model), "crossform-plan-note": noteJob(model) }
      : {}),
  };
  let previous: CiWave | undefined;
  for (const wave of model.waves) {
    Object.assign(jobs, applyJobs(model, wave, previous));
    if (model.reviewedPlans) Object.assign(jobs, applyJobs(model, wave, previous, true));
    previous = wave;
  }
  return jobs;
}
