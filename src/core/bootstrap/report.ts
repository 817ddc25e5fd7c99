/**
 * The outcome of `crossform bootstrap`: per account and resource, what was (or, with `--dry-run`,
 * would be) done. Formatters render it; the CLI decides the exit code from it.
 */

/** Kinds of resources bootstrap manages. */
export type ResourceKind = "bucket" | "lock-table" | "deploy-role";

/**
 * What happened to one resource. `created`: it did not exist; `updated`: it existed and at least
 * one setting was changed; `unchanged`: every setting read back as wanted; `would-create` and
 * `would-update`: the same with `--dry-run`; `failed`: see the error.
 */
export type ResourceStatus =
  "created" | "updated" | "unchanged" | "would-create" | "would-update" | "failed";

/** An error as the report carries it. */
export interface ReportError {
  code: string;
  message: string;
  hint: string | undefined;
}

/** One resource in one account. */
export interface ResourceOutcome {
  kind: ResourceKind;
  name: string;
  /** Region of a bucket or lock table; undefined for the (global) deploy role. */
  region: string | undefined;
  status: ResourceStatus;
  /** Settings written (or that would be), e.g. `versioning`, `trust-policy`, `attach <arn>`. */
  changes: string[];
  /** Remarks that are not failures, e.g. a kept KMS key or a table still being created. */
  notes: string[];
  error: ReportError | undefined;
}

/** One account. */
export interface AccountOutcome {
  account: string;
  accountId: string;
  adminRoleArn: string;
  resources: ResourceOutcome[];
  /** Set when the account could not be reached at all (e.g. the admin role could not be assumed). */
  error: ReportError | undefined;
}

/** The whole bootstrap report (JSON shape version 1). */
export interface BootstrapReport {
  version: 1;
  dryRun: boolean;
  accounts: AccountOutcome[];
}

/** Counts of resources per status, and the failed accounts. */
export interface BootstrapTotals {
  byStatus: Record<ResourceStatus, number>;
  failedAccounts: number;
}

/** Totals of a report. */
export function bootstrapTotals(report: BootstrapReport): BootstrapTotals {
  const byStatus: Record<ResourceStatus, number> = {
    created: 0,
    updated: 0,
    unchanged: 0,
    "would-create": 0,
    "would-update": 0,
    failed: 0,
  };
  let failedAccounts = 0;
  for (const account of report.accounts) {
    if (account.error || account.resources.some((r) => r.status === "failed")) failedAccounts += 1;
    for (const resource of account.resources) byStatus[resource.status] += 1;
  }
  return { byStatus, failedAccounts };
}

/** Whether every account and resource succeeded. */
export function bootstrapSucceeded(report: BootstrapReport): boolean {
  return bootstrapTotals(report).failedAccounts === 0;
}
