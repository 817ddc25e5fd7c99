/**
 * Shell pieces shared by the GitHub and GitLab pipelines: how a job installs crossform, and the
 * command lines of its plan, apply and report steps. Every long-running step `exec`s crossform,
 * so the runner's stop signals reach crossform itself (which forwards them once to Terraform).
 */
import type { CiPipelineModel, CiWave } from "./pipeline-model.ts";

/** How long a run waits for a state lock another job holds (a plan of a pull request, say). */
export const CI_LOCK_TIMEOUT = "5m";

/** Quotes a word for sh when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The install command of crossform in a job. */
export function installCommand(model: CiPipelineModel): string {
  return model.install.kind === "npm-ci"
    ? "npm ci --no-audit --no-fund"
    : `npm install --global --no-audit --no-fund crossform@${model.install.version}`;
}

/** `--config <file>` when needed, then the given words, as one shell string. */
export function crossformArgs(model: CiPipelineModel, words: string[]): string {
  return [...words.slice(0, 1), ...model.configArgs, ...words.slice(1)]
    .map((w) => (w.startsWith('"') || w.startsWith("${{") ? w : shellWord(w)))
    .join(" ");
}

/**
 * The plan command of one pull-request job: `selection` is a shell expression of the unit id or
 * the shard (`"$CROSSFORM_SELECTION"`), `base` of the base commit, `report` of the report file.
 */
export function planCommand(
  model: CiPipelineModel,
  bin: string,
  selection: string,
  base: string,
  report: string,
): string {
  const select = model.plan.kind === "units" ? "--target" : "--shard";
  const store = model.reviewedPlans ? ["--store-plans"] : [];
  return `exec ${bin} ${crossformArgs(model, ["plan", select, selection, "--changed-since", base, "--lock-timeout", CI_LOCK_TIMEOUT, ...store, "--report", report])}`;
}

/**
 * The apply command of one wave (and shard): `shard` is a shell expression or undefined, `reports`
 * the shell expressions of its report files; `reviewed` adds `--reviewed-plans` (or, a shell
 * expression, what it expands to).
 */
export function applyCommand(
  model: CiPipelineModel,
  bin: string,
  wave: CiWave,
  shard: string | undefined,
  reports: string[],
  reviewed: boolean | string = false,
): string {
  const words = ["apply", "--wave", String(wave.position)];
  if (shard !== undefined) words.push("--shard", shard);
  if (reviewed === true) words.push("--reviewed-plans");
  else if (typeof reviewed === "string") words.push(reviewed);
  words.push("--auto-approve");
  if (wave.approve.length > 0) words.push("--approve", wave.approve.join(","));
  words.push("--lock-timeout", CI_LOCK_TIMEOUT);
  for (const report of reports) words.push("--report", report);
  return `exec ${bin} ${crossformArgs(model, words)}`;
}

/** The hidden marker that finds the pull-request comment (or merge-request note) again. */
export function commentMarker(model: CiPipelineModel): string {
  return `<!-- crossform-plan: ${model.configDir} -->`;
}

/**
 * The script that merges the plan reports under `dir` into one Markdown file `out`: an empty
 * merge (no unit changed) writes a short note instead. `execLast`: exec crossform (a step of its
 * own) or run it (a later command of the same script posts the note).
 */
export function mergeReportsScript(
  model: CiPipelineModel,
  bin: string,
  dir: string,
  out: string,
  execLast: boolean,
): string {
  return [
    `set -- $(find "${dir}" -type f -name '*.json' 2>/dev/null | sort)`,
    `if [ "$#" -eq 0 ]; then`,
    `  printf '%s\\n\\n%s\\n' '### crossform plan' 'No unit changed since the base of this change.' > "${out}"`,
    ...(execLast ? ["  exit 0", "fi"] : ["else"]),
    `${execLast ? "exec " : "  "}${bin} ${crossformArgs(model, ["report", "--merge"])} "$@" --format md > "${out}"`,
    ...(execLast ? [] : ["fi"]),
  ].join("\n");
}
