/**
 * The run report as JSON (`--format json`, `--report run.json`, the run record's
 * `report.json`): the versioned shape of core/report/run-report.ts with a fixed key order, every
 * optional key present (null when absent), and the keys inside output values sorted, so that two
 * reports of the same run are byte-identical and diff well.
 */
import type {
  ReportOutputChange,
  ReportResourceChange,
  RunReport,
  UnitCounts,
  UnitReport,
} from "../core/report/run-report.ts";

/** Sorts object keys recursively (values of outputs keep a stable order whatever Terraform printed). */
function sortedValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedValue);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortedValue(record[key])]),
    );
  }
  return value === undefined ? null : value;
}

function counts(c: UnitCounts | undefined): unknown {
  if (c === undefined) return null;
  return {
    add: c.add,
    change: c.change,
    destroy: c.destroy,
    replace: c.replace,
    moved: c.moved,
    imported: c.imported,
    forget: c.forget,
    drift: c.drift,
    outputs_changed: c.outputs_changed,
  };
}

function resourceChange(r: ReportResourceChange): unknown {
  return {
    address: r.address,
    previous_address: r.previous_address ?? null,
    action: r.action,
    importing: r.importing,
    attributes: [...r.attributes],
    replaced_by: [...r.replaced_by],
  };
}

function outputChange(o: ReportOutputChange): unknown {
  return {
    name: o.name,
    action: o.action,
    before: sortedValue(o.before),
    after: sortedValue(o.after),
    sensitive: o.sensitive,
  };
}

function unit(u: UnitReport): unknown {
  return {
    id: u.id,
    stack: u.stack,
    account: u.account,
    account_id: u.account_id,
    tier: u.tier ?? null,
    region: u.region,
    wave: u.wave,
    approval: u.approval,
    status: u.status,
    has_changes: u.has_changes,
    summary: counts(u.summary),
    errored: u.errored ?? null,
    changes: u.changes.map(resourceChange),
    drifted: u.drifted.map(resourceChange),
    outputs_changed: u.outputs_changed.map(outputChange),
    outputs:
      u.outputs?.map((o) => ({
        name: o.name,
        sensitive: o.sensitive,
        type: sortedValue(o.type),
        value: sortedValue(o.value),
      })) ?? null,
    error:
      u.error === undefined
        ? null
        : { code: u.error.code ?? null, message: u.error.message, hint: u.error.hint ?? null },
    reason: u.reason ?? null,
    exit_code: u.exit_code ?? null,
    log_path: u.log_path ?? null,
    duration_ms: u.duration_ms,
  };
}

/** The report as pretty-printed JSON (2 spaces, trailing newline), keys in a fixed order. */
export function formatRunJson(report: RunReport): string {
  const r = report.run;
  const t = report.totals;
  const doc = {
    version: report.version,
    run: {
      id: r.id,
      command: r.command,
      started_at: r.started_at,
      finished_at: r.finished_at,
      duration_ms: r.duration_ms,
      user: r.user ?? null,
      git_commit: r.git_commit ?? null,
      source: r.source ?? null,
      terraform_version: r.terraform_version ?? null,
      terraform_args: r.terraform_args ? [...r.terraform_args] : null,
      selection: {
        stacks: [...r.selection.stacks],
        targets: [...r.selection.targets],
        all: r.selection.all,
      },
      interrupted: r.interrupted,
      state: r.state ?? null,
    },
    totals: {
      units: t.units,
      succeeded: t.succeeded,
      failed: t.failed,
      blocked: t.blocked,
      skipped: t.skipped,
      not_started: t.not_started,
      interrupted: t.interrupted,
      needs_replan: t.needs_replan,
      with_changes: t.with_changes,
      ...(counts(t) as UnitCounts),
    },
    waves: report.waves.map((w) => ({
      index: w.index,
      name: w.name,
      status: w.status,
      tolerance: w.tolerance,
      canary_accounts: [...w.canary_accounts],
      failed_accounts: [...w.failed_accounts],
    })),
    units: report.units.map(unit),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
