// Running the jobs of a generated GitLab pipeline with gitlab-ci-local's shell executor against
// moto_server, as the CI end-to-end tests do: the environment of a CI machine (no AWS_* or TF_*
// variables), git with an author, the `npm install --global crossform` of the jobs answered by a
// shim that runs this checkout's build, and the job variables that stand in for GitLab's (the base
// role, a stand-in ID token, the emulator's endpoints).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { builtCli } from "./cli.ts";
import { runGitlabCiLocal } from "./ci-validators.ts";
import type { GitlabCiLocalResult } from "./ci-validators.ts";

/** The environment of a CI machine: the operator's without AWS_*, TF_* or GCL_*, `CI=true`. */
export function ciMachineEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("TF_") && !key.startsWith("GCL_"))
      env[key] = value;
  }
  return { ...env, HOME: home, CI: "true" };
}

/** Runs git in `cwd` (argv only) as the author `e2e`; its trimmed stdout. */
export function gitIn(cwd: string, home: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...ciMachineEnv(home),
      GIT_AUTHOR_NAME: "e2e",
      GIT_COMMITTER_NAME: "e2e",
      GIT_AUTHOR_EMAIL: "e2e@example.com",
      GIT_COMMITTER_EMAIL: "e2e@example.com",
    },
  }).trim();
}

/** Fails the test, saying what to install, when gitlab-ci-local cannot run (it copies with rsync). */
export function requireRsync(): void {
  const rsync = (process.env.PATH ?? "")
    .split(":")
    .some((dir) => dir !== "" && existsSync(join(dir, "rsync")));
  assert.ok(rsync, "gitlab-ci-local needs rsync on the PATH (Debian: apt-get install rsync)");
}

/**
 * Writes `npm` and `crossform` into `dir`: the jobs' `npm install --global crossform@<version>`
 * succeeds without a registry, and `crossform` is this checkout's build.
 */
export async function writeCrossformShim(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "npm"),
    '#!/bin/sh\ncase "$*" in *"--global"*crossform@*) echo "npm shim: crossform is the checkout\'s build"; exit 0;; esac\necho "npm shim: unexpected npm $*" >&2; exit 1\n',
  );
  await writeFile(
    join(dir, "crossform"),
    `#!/bin/sh\nexec "${process.execPath}" "${builtCli}" "$@"\n`,
  );
  await chmod(join(dir, "npm"), 0o755);
  await chmod(join(dir, "crossform"), 0o755);
}

/** Where the jobs run and what they reach. */
export interface GitlabJobsSetup {
  /** The repository (its `.gitlab-ci.yml` includes crossform's file). */
  repo: string;
  home: string;
  /** The directory of {@link writeCrossformShim}. */
  shim: string;
  /** An empty Terraform CLI configuration file. */
  tfrc: string;
  /** The AWS config file of the jobs. */
  awsConfig: string;
  /** The emulator's endpoint. */
  endpoint: string;
  /**
   * The jobs' TMPDIR (their ID token directories go there): a test that counts those directories
   * gives its jobs one of its own. @default the environment's
   */
  tmpdir?: string;
}

/** Runs jobs (`--manual` among them) of a pipeline with these predefined variables. */
export function runGitlabJobs(
  setup: GitlabJobsSetup,
  pipeline: Record<string, string>,
  jobs: readonly string[],
): Promise<GitlabCiLocalResult> {
  const env = {
    ...ciMachineEnv(setup.home),
    GCL_IGNORE_PREDEFINED_VARS: "CI_PIPELINE_SOURCE",
    PATH: [setup.shim, dirname(process.execPath), process.env.PATH].join(":"),
    TF_CLI_CONFIG_FILE: setup.tfrc,
    AWS_CONFIG_FILE: setup.awsConfig,
    ...(setup.tmpdir !== undefined ? { TMPDIR: setup.tmpdir } : {}),
  };
  // No AWS keys at all: the jobs reach AWS through the ID token and AWS_ROLE_ARN alone.
  const variables = {
    ...pipeline,
    CROSSFORM_ROLE_ARN: "arn:aws:iam::123456789012:role/crossform-ci",
    // gitlab-ci-local does not mint ID tokens: this stands in for GitLab's JWT (moto accepts any).
    CROSSFORM_ID_TOKEN: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0X3BhdGg6YWNtZS9pbmZyYSJ9.c2ln",
    AWS_ENDPOINT_URL: setup.endpoint,
    // Terraform's web identity provider calls STS at AWS_ENDPOINT_URL_STS, not AWS_ENDPOINT_URL.
    AWS_ENDPOINT_URL_STS: setup.endpoint,
  };
  return runGitlabCiLocal(
    [
      "--force-shell-executor",
      "--concurrency",
      "1",
      ...Object.entries(variables).flatMap(([k, v]) => ["--variable", `${k}=${v}`]),
      ...jobs,
    ],
    { cwd: setup.repo, env },
  );
}
