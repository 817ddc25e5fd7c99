/**
 * What `crossform exec` prints (docs/commands/exec.md, "Output"): each unit's terraform output
 * with the unit in front of every line (a terminal, several units), or as one block per unit (CI
 * and pipes: GitHub's and GitLab's collapsible groups), the summary table (unit, account, exit
 * code, status, duration), and the JSON document with each unit's exit code and output. Pure
 * functions returning strings.
 */
import { execExitCode } from "../core/report/run-report.ts";
import type { RunReport, UnitReport } from "../core/report/run-report.ts";
import { durationCell, formatDuration, statusLabel, unitTable } from "./run-summary.ts";

/** How a CI log groups a unit's block. */
export type GroupStyle = "github" | "gitlab" | "plain";

/** The group style of an environment: GitHub Actions, GitLab CI, or plain blocks. */
export function groupStyleOf(env: Readonly<Record<string, string | undefined>>): GroupStyle {
  if (env.GITHUB_ACTIONS === "true") return "github";
  if (env.GITLAB_CI === "true") return "gitlab";
  return "plain";
}

/** One output line with its unit in front, the units' ids padded to `width`. */
export function prefixedLine(unitId: string, width: number, text: string): string {
  return `${unitId.padEnd(width)} | ${text}\n`;
}

/** The heading of a unit's block: `network/dev/us-east-1 (dev, 111111111111): exit 0`. */
function heading(unit: Pick<UnitReport, "id" | "account" | "account_id">, how: string): string {
  return `${unit.id} (${unit.account}, ${unit.account_id}): ${how}`;
}

/**
 * One unit's output as a block: a collapsible group on GitHub (`::group::`) and GitLab (a
 * section; `at` is its Unix time in seconds, `index` makes its name unique), a heading line
 * elsewhere.
 */
export function groupedOutput(
  unit: Pick<UnitReport, "id" | "account" | "account_id">,
  how: string,
  lines: readonly string[],
  style: GroupStyle,
  at: number,
  index: number,
): string {
  const body = lines.map((line) => `${line}\n`).join("");
  const title = heading(unit, how);
  switch (style) {
    case "github":
      return `::group::${title}\n${body}::endgroup::\n`;
    case "gitlab": {
      const name = `crossform_exec_${index}`;
      return `\u001b[0Ksection_start:${at}:${name}\r\u001b[0K${title}\n${body}\u001b[0Ksection_end:${at}:${name}\r\u001b[0K\n`;
    }
    case "plain":
      return `==> ${title}\n${body}`;
  }
}

/** How a unit's command ended, in a few words: `exit 0`, `not started`, `failed`. */
export function execOutcome(unit: UnitReport): string {
  if (unit.exit_code !== undefined) return `exit ${unit.exit_code}`;
  return statusLabel("exec", unit);
}

const HEADER = ["UNIT", "ACCOUNT", "EXIT", "STATUS", "DURATION"];

/** The end-of-exec table, the reason under each unit whose command did not succeed, and totals. */
export function formatExecSummary(report: RunReport): string {
  const rows = report.units.map((unit) => [
    unit.id,
    `${unit.account} (${unit.account_id})`,
    unit.exit_code === undefined ? "-" : String(unit.exit_code),
    statusLabel("exec", unit),
    durationCell(unit),
  ]);
  const out = unitTable(HEADER, report.units, rows);
  const t = report.totals;
  const command = report.run.terraform_args?.join(" ") ?? "";
  out.push(
    [
      `${t.units} unit${t.units === 1 ? "" : "s"}: ${t.succeeded} exit 0${t.units > t.succeeded ? `, ${t.units - t.succeeded} not` : ""}`,
      `terraform ${command}`,
      `exit ${execExitCode(report)}`,
      formatDuration(report.run.duration_ms),
    ].join("; "),
  );
  return `${out.join("\n")}\n`;
}

/** Each unit's terraform output, by unit id. */
export type ExecOutputs = ReadonlyMap<string, { stdout: string; stderr: string }>;

/**
 * The JSON document of `exec --format json`: the run, its exit code (the worst unit's), and per
 * unit its placement, status, exit code (null when its command did not run) and output (stdout
 * and stderr, redacted; null when its command did not run or was attached to the terminal).
 */
export function formatExecJson(report: RunReport, outputs: ExecOutputs): string {
  const r = report.run;
  const doc = {
    version: 1,
    run: {
      id: r.id,
      command: r.command,
      terraform_args: r.terraform_args ?? [],
      started_at: r.started_at,
      finished_at: r.finished_at,
      duration_ms: r.duration_ms,
      user: r.user ?? null,
      git_commit: r.git_commit ?? null,
      terraform_version: r.terraform_version ?? null,
      interrupted: r.interrupted,
    },
    exit_code: execExitCode(report),
    units: report.units.map((u) => {
      const output = outputs.get(u.id);
      return {
        id: u.id,
        stack: u.stack,
        account: u.account,
        account_id: u.account_id,
        region: u.region,
        status: u.status,
        exit_code: u.exit_code ?? null,
        stdout: output?.stdout ?? null,
        stderr: output?.stderr ?? null,
        error: u.error?.message ?? null,
        reason: u.reason ?? null,
        log_path: u.log_path ?? null,
        duration_ms: u.duration_ms,
      };
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
