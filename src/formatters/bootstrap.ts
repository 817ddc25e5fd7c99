/** `crossform bootstrap` as a table and as JSON; `--emit cloudformation` notes. */
import type { EmittedTemplate } from "../core/bootstrap/cloudformation-template.ts";
import { bootstrapTotals } from "../core/bootstrap/report.ts";
import type { BootstrapReport, ResourceStatus } from "../core/bootstrap/report.ts";

const HEADER = ["ACCOUNT", "ID", "RESOURCE", "NAME", "REGION", "STATUS", "DETAIL"];

const STATUS_ORDER: ResourceStatus[] = [
  "created",
  "updated",
  "would-create",
  "would-update",
  "unchanged",
  "failed",
];

/**
 * A table, one row per resource (or per account that could not be reached), the hint of each
 * failure under its row, then one line of totals.
 */
export function formatBootstrap(report: BootstrapReport): string {
  const rows: { cells: string[]; hint: string | undefined }[] = [];
  for (const account of report.accounts) {
    if (account.error) {
      rows.push({
        cells: [
          account.account,
          account.accountId,
          "account",
          "-",
          "-",
          "failed",
          account.error.message,
        ],
        hint: account.error.hint,
      });
    }
    for (const r of account.resources) {
      const detail = r.error
        ? r.error.message
        : [r.changes.join(", "), ...r.notes].filter((part) => part !== "").join("; ");
      rows.push({
        cells: [
          account.account,
          account.accountId,
          r.kind,
          r.name,
          r.region ?? "-",
          r.status,
          detail === "" ? "-" : detail,
        ],
        hint: r.error?.hint,
      });
    }
  }
  const widths = HEADER.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row.cells[i] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out: string[] = [];
  if (report.dryRun) out.push("dry run: nothing was changed");
  out.push(line(HEADER));
  for (const row of rows) {
    out.push(line(row.cells));
    if (row.hint) out.push(`  hint: ${row.hint}`);
  }
  out.push(totalsLine(report));
  return `${out.join("\n")}\n`;
}

/** `N accounts: 2 created, 5 unchanged, ...`, plus the number of failed accounts. */
export function totalsLine(report: BootstrapReport): string {
  const totals = bootstrapTotals(report);
  const parts = STATUS_ORDER.filter((s) => totals.byStatus[s] > 0).map(
    (s) => `${totals.byStatus[s]} ${s}`,
  );
  const accounts = `${report.accounts.length} account${report.accounts.length === 1 ? "" : "s"}`;
  const failed =
    totals.failedAccounts > 0
      ? `; ${totals.failedAccounts} account${totals.failedAccounts === 1 ? "" : "s"} failed`
      : "";
  return `${accounts}: ${parts.length > 0 ? parts.join(", ") : "no resources"}${failed}`;
}

/** JSON with a versioned shape: the report, plus totals and `ok`. */
export function formatBootstrapJson(report: BootstrapReport): string {
  const totals = bootstrapTotals(report);
  return `${JSON.stringify(
    {
      version: report.version,
      dryRun: report.dryRun,
      ok: totals.failedAccounts === 0,
      totals: totals.byStatus,
      accounts: report.accounts.map((a) => ({
        account: a.account,
        accountId: a.accountId,
        adminRoleArn: a.adminRoleArn,
        error: a.error ?? null,
        resources: a.resources.map((r) => ({
          kind: r.kind,
          name: r.name,
          region: r.region ?? null,
          status: r.status,
          changes: r.changes,
          notes: r.notes,
          error: r.error ?? null,
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

/**
 * What to tell the operator after `--emit cloudformation`: where the template went, and the
 * parameter overrides of accounts whose external id differs from the template's default.
 */
export function formatEmitNotes(emitted: EmittedTemplate, destination: string | undefined): string {
  const lines: string[] = [];
  if (destination !== undefined) {
    lines.push(
      `wrote the StackSet template for the deploy role ${emitted.roleName} to ${destination}`,
    );
  }
  if (emitted.overrides.length > 0) {
    lines.push("stack instances that need a parameter override of ExternalId:");
    for (const o of emitted.overrides) {
      lines.push(
        `  ${o.account} (${o.accountId}): ExternalId=${o.externalId === "" ? '""' : o.externalId}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
