/** `crossform verify` as a table and as JSON: pure functions of the report. */
import type {
  AccountVerification,
  IdentityVerification,
  StateCheck,
  StateVerification,
  VerifyReport,
} from "../app/verify.ts";
import { accountIdOfArn } from "../core/config/arn.ts";

const IDENTITY_WORDS: Record<string, string> = {
  "aws/access-denied": "access denied",
  "aws/no-credentials": "no credentials",
  "aws/invalid-credentials": "invalid credentials",
  "aws/expired-token": "expired token",
  "aws/region-disabled": "region disabled",
  "aws/throttled": "throttled",
  "aws/network": "unreachable",
};

function identityCell(identity: IdentityVerification): string {
  if (identity.status === "ok") return "ok";
  if (identity.status === "skipped") return "skipped";
  const code = identity.problem?.code ?? "";
  if (code === "aws/role-in-other-account") return `other account ${identity.account ?? "?"}`;
  if (code === "aws/region-disabled") {
    const region = identity.regions.find((r) => r.status === "failed")?.region;
    return region === undefined ? "region disabled" : `region disabled: ${region}`;
  }
  return IDENTITY_WORDS[code] ?? code.replace(/^aws\//, "").replace(/-/g, " ");
}

function checkWords(check: StateCheck): string {
  switch (check.name) {
    case "state-identity":
      return check.problem?.code === "aws/role-in-other-account"
        ? "state role in another account"
        : "state account unreachable";
    case "bucket-exists":
      return check.detail === "missing"
        ? "bucket missing"
        : check.detail === "access denied"
          ? "bucket access denied"
          : "bucket check failed";
    case "bucket-owner":
      return "bucket owned by another account";
    case "bucket-region":
      return `bucket in ${check.detail}`;
    case "versioning":
      return check.detail === "failed" ? "versioning unreadable" : "versioning off";
    case "public-access-block":
      return check.detail === "failed"
        ? "public access block unreadable"
        : "public access not blocked";
    case "encryption":
      return check.detail === "failed" ? "encryption unreadable" : "no encryption";
    case "lock-table":
      return check.detail === "missing" ? "lock table missing" : `lock table ${check.detail}`;
  }
}

function stateCell(state: StateVerification[]): string {
  if (state.length === 0) return "-";
  if (state.every((s) => s.status === "skipped")) return "skipped";
  const failed = state.flatMap((s) => s.checks.filter((c) => c.status === "failed"));
  if (failed.length === 0)
    return `ok (${state.length} ${state.length === 1 ? "bucket" : "buckets"})`;
  return [...new Set(failed.map(checkWords))].join(", ");
}

function roleCell(account: AccountVerification): string {
  const role = account.profile !== undefined ? `profile ${account.profile}` : undefined;
  if (role !== undefined) return role;
  const name = /:role\/(.+)$/.exec(account.roleArn)?.[1];
  return name !== undefined && accountIdOfArn(account.roleArn) === account.id
    ? name
    : account.roleArn;
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function baseLines(report: VerifyReport): string {
  const base = report.base;
  if (base.account === undefined) {
    return `base identity: failed\nerror: ${base.problem?.message ?? "unknown"}\n${base.problem?.hint !== undefined ? `hint: ${base.problem.hint}\n` : ""}`;
  }
  let out = `base identity: ${base.arn ?? ""} (account ${base.account}, ${base.source ?? "default chain"})\n`;
  if (base.lifetime !== undefined) {
    const mark =
      base.lifetime.status === "refused"
        ? "error: "
        : base.lifetime.status === "warning"
          ? "warning: "
          : "";
    out += `${mark}${base.lifetime.message}\n`;
  }
  if (base.problem?.hint !== undefined) out += `hint: ${base.problem.hint}\n`;
  return out;
}

function profilesLine(report: VerifyReport): string {
  const p = report.profiles;
  if (p === undefined) return "";
  const state = p.current
    ? "up to date"
    : `not what crossform writes now: ${p.stale.join(", ")} (run crossform profiles --write)`;
  return `profiles: ${p.path} (base identity: ${p.source}): ${state}\n`;
}

/** The table of `verify`: base identity, one row per account, then each failure with its hint. */
export function formatVerify(report: VerifyReport): string {
  let out = baseLines(report) + profilesLine(report);
  if (report.base.account === undefined) {
    const n = report.accounts.length;
    return `${out}${n} ${n === 1 ? "account" : "accounts"} not checked\n`;
  }
  out += "\n";
  const rows = [["ACCOUNT", "ID", "ROLE", "IDENTITY", "STATE", "HINT"]];
  for (const a of report.accounts) {
    rows.push([
      a.name,
      a.id,
      roleCell(a),
      identityCell(a.identity),
      stateCell(a.state),
      a.hint ?? "",
    ]);
  }
  out += `${table(rows)}\n`;

  const problems: string[] = [];
  for (const a of report.accounts) {
    if (a.identity.problem !== undefined) problems.push(`${a.name}: ${a.identity.problem.message}`);
    for (const s of a.state) {
      for (const c of s.checks) {
        if (c.status === "failed" && c.problem !== undefined)
          problems.push(`${a.name}: ${c.problem.message}`);
      }
    }
  }
  if (problems.length > 0) out += `\n${[...new Set(problems)].join("\n")}\n`;

  const failed = report.accounts.filter((a) => !a.ok).length;
  const total = report.accounts.length;
  out += `\n${total - failed} of ${total} ${total === 1 ? "account" : "accounts"} verified${failed > 0 ? `, ${failed} failed` : ""}${report.viaProfiles ? " (through the AWS CLI profiles)" : ""}\n`;
  return out;
}

/** The report as JSON (shape versioned by `version`). */
export function formatVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
