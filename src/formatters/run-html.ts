/**
 * The run report as one self-contained HTML page (`--report run.html`, `--format html`, the run
 * record's `report.html`): run metadata; destroys and replacements in approval accounts first, in a
 * caution box; tier and outcome filters; a matrix of accounts (rows, grouped by wave, then tier) by
 * stacks (columns) whose cells hold one button per unit (one per region), coloured by outcome with
 * its counts; and each unit's detail (resource changes, drift, output changes, error or reason, log
 * path), opened from its cell. Inline style and script only, allowed by hash in the page's
 * Content-Security-Policy, so the page loads nothing. Every string from the report is escaped, and
 * only what the report holds is rendered (values already redacted: `(sensitive)`).
 */
import { KNOWN_AFTER_APPLY, SENSITIVE } from "../core/plan/redact.ts";
import { emptyCounts, workingTreeApply } from "../core/report/run-report.ts";
import type {
  ReportOutputChange,
  ReportResourceChange,
  RecordedCommand,
  RunReport,
  UnitReport,
} from "../core/report/run-report.ts";
import {
  REPORT_SCRIPT,
  REPORT_SCRIPT_HASH,
  REPORT_STYLE,
  REPORT_STYLE_HASH,
} from "./run-html-assets.ts";
import { countsPhrase, formatDuration, statusCounts, statusLabel } from "./run-summary.ts";

/**
 * What a unit's cell shows: `no-change`, `changes`, `destroy` (destroys or replaces), `drift`,
 * `failed`, `blocked`, `needs-replan`, `interrupted`, `not-run` (skipped or not started).
 */
export type UnitOutcome =
  | "no-change"
  | "changes"
  | "destroy"
  | "drift"
  | "failed"
  | "blocked"
  | "needs-replan"
  | "interrupted"
  | "not-run";

/** The outcomes in the order of the filter, with the words of the filter and of a cell. */
export const UNIT_OUTCOMES: readonly { outcome: UnitOutcome; label: string; short: string }[] = [
  { outcome: "destroy", label: "destroys or replaces", short: "destroy" },
  { outcome: "changes", label: "changes", short: "changes" },
  { outcome: "drift", label: "drift", short: "drift" },
  { outcome: "no-change", label: "no changes", short: "no change" },
  { outcome: "failed", label: "failed", short: "failed" },
  { outcome: "needs-replan", label: "needs re-plan", short: "re-plan" },
  { outcome: "blocked", label: "blocked", short: "blocked" },
  { outcome: "interrupted", label: "interrupted", short: "interrupted" },
  { outcome: "not-run", label: "not run (skipped, not started)", short: "not run" },
];

/** Resource rows of one table before "and N more". */
const RESOURCE_ROWS = 200;
/** Destroyed or replaced resources listed per unit in the caution box. */
const CAUTION_LINES = 25;
/** Lines and characters of an error or reason shown. */
const TEXT_LINES = 60;
const TEXT_CHARS = 4000;
/** Characters of one rendered value. */
const VALUE_CHARS = 200;

/**
 * A unit's outcome: its status when it did not succeed; else destroys or replaces first, then
 * other changes, then drift (for `drift`, any drift found), else no change.
 */
export function unitOutcome(unit: UnitReport, command: RecordedCommand): UnitOutcome {
  switch (unit.status) {
    case "failed":
    case "blocked":
    case "needs-replan":
    case "interrupted":
      return unit.status;
    case "skipped":
    case "not-started":
      return "not-run";
    case "succeeded":
      break;
  }
  const s = unit.summary;
  if (command === "drift") return unit.has_changes || (s?.drift ?? 0) > 0 ? "drift" : "no-change";
  if (s !== undefined && s.destroy + s.replace > 0) return "destroy";
  if (unit.has_changes) return "changes";
  if (s !== undefined && s.drift > 0) return "drift";
  return "no-change";
}

/** Text escaped for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `+1 ~2 -3 ±4` of the non-zero counts (and `N drifted`); empty without any. */
function countsText(unit: UnitReport): string {
  const s = unit.summary;
  if (s === undefined) return "";
  const parts: string[] = [];
  if (s.add > 0) parts.push(`+${s.add}`);
  if (s.change > 0) parts.push(`~${s.change}`);
  if (s.destroy > 0) parts.push(`-${s.destroy}`);
  if (s.replace > 0) parts.push(`±${s.replace}`);
  if (s.drift > 0) parts.push(`${s.drift} drifted`);
  return parts.join(" ");
}

function clip(text: string, logPath: string | undefined): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  let kept = lines.slice(0, TEXT_LINES).join("\n");
  if (kept.length > TEXT_CHARS) kept = kept.slice(0, TEXT_CHARS);
  const rest = text.trimEnd().length - kept.length;
  if (rest <= 0) return e(kept);
  return `${e(kept)}\n<span class="more">… ${rest} more characters${logPath ? ` in ${e(logPath)}` : ""}</span>`;
}

function value(v: unknown): string {
  if (v === SENSITIVE || v === KNOWN_AFTER_APPLY) return `<i class="ph">${e(v)}</i>`;
  const text = v === undefined ? "null" : JSON.stringify(v);
  const shown = text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
  return `<code>${e(shown)}</code>`;
}

function actionLabel(r: ReportResourceChange): string {
  if (r.action !== "no-op") return r.action === "delete" ? "destroy" : r.action;
  if (r.previous_address !== undefined) return "move";
  if (r.importing) return "import";
  return "no-op";
}

function codes(names: readonly string[]): string {
  return names.map((n) => `<code>${e(n)}</code>`).join(", ");
}

function resourceTable(title: string, rows: readonly ReportResourceChange[]): string {
  if (rows.length === 0) return "";
  const body = rows
    .slice(0, RESOURCE_ROWS)
    .map((r) => {
      const notes: string[] = [];
      if (r.previous_address !== undefined)
        notes.push(`from <code>${e(r.previous_address)}</code>`);
      if (r.importing && r.action !== "no-op") notes.push("imported");
      const note = notes.length > 0 ? ` <span class="more">(${notes.join(", ")})</span>` : "";
      return `<tr data-address="${e(r.address)}"><td class="x-${e(r.action)}">${e(actionLabel(r))}</td><td><code>${e(r.address)}</code>${note}</td><td>${codes(r.attributes)}</td><td>${codes(r.replaced_by)}</td></tr>`;
    })
    .join("");
  const more =
    rows.length > RESOURCE_ROWS
      ? `<p class="more">… and ${rows.length - RESOURCE_ROWS} more in report.json</p>`
      : "";
  return `<h3>${e(title)}</h3><div class="tbl"><table class="d"><thead><tr><th>action</th><th>resource</th><th>changed attributes</th><th>forces replacement</th></tr></thead><tbody>${body}</tbody></table></div>${more}`;
}

function outputTable(rows: readonly ReportOutputChange[]): string {
  if (rows.length === 0) return "";
  const cell = (o: ReportOutputChange, side: "before" | "after"): string =>
    (side === "before" && o.action === "create") || (side === "after" && o.action === "delete")
      ? ""
      : value(o[side]);
  const body = rows
    .map(
      (o) =>
        `<tr><td><code>${e(o.name)}</code>${o.sensitive ? ' <span class="more">(sensitive)</span>' : ""}</td><td>${e(o.action)}</td><td>${cell(o, "before")}</td><td>${cell(o, "after")}</td></tr>`,
    )
    .join("");
  return `<h3>Output changes</h3><div class="tbl"><table class="d"><thead><tr><th>output</th><th>action</th><th>before</th><th>after</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

function outputsTable(unit: UnitReport): string {
  if (unit.outputs === undefined) return "";
  if (unit.outputs.length === 0) return "<h3>Outputs</h3><p>none</p>";
  const body = unit.outputs
    .map((o) => `<tr><td><code>${e(o.name)}</code></td><td>${value(o.value)}</td></tr>`)
    .join("");
  return `<h3>Outputs</h3><div class="tbl"><table class="d"><thead><tr><th>output</th><th>value</th></tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The units of the page, each with its index (element ids) and outcome. */
interface Placed {
  unit: UnitReport;
  index: number;
  outcome: UnitOutcome;
}

function waveName(report: RunReport, index: number): string {
  return report.waves.find((w) => w.index === index)?.name ?? String(index + 1);
}

function fact(term: string, definition: string, className?: string): string {
  return `<div${className !== undefined ? ` class="${className}"` : ""}><dt>${e(term)}</dt><dd>${definition}</dd></div>`;
}

function detail(report: RunReport, p: Placed): string {
  const { unit, index } = p;
  const command = report.run.command;
  const label = UNIT_OUTCOMES.find((o) => o.outcome === p.outcome)?.label ?? p.outcome;
  const phrase = unit.summary !== undefined ? countsPhrase(unit.summary, command) : undefined;
  const facts = [
    fact("account", `${e(unit.account)} <code>${e(unit.account_id)}</code>`),
    fact("region", e(unit.region)),
    fact("stack", e(unit.stack)),
    fact("tier", unit.tier !== undefined ? e(unit.tier) : "-"),
    fact("wave", e(waveName(report, unit.wave))),
    fact("approval", unit.approval ? "required" : "none"),
    fact("status", e(statusLabel(command, unit))),
    fact("duration", e(formatDuration(unit.duration_ms))),
    ...(unit.log_path !== undefined
      ? [fact("log", `<code>${e(unit.log_path)}</code>`, "wide")]
      : []),
  ].join("");
  const problem = [
    unit.error !== undefined
      ? `<h3>Error${unit.error.code !== undefined ? ` <code>${e(unit.error.code)}</code>` : ""}</h3><pre class="err">${clip(unit.error.message, unit.log_path)}</pre>${unit.error.hint !== undefined ? `<p>hint: ${e(unit.error.hint)}</p>` : ""}`
      : "",
    unit.reason !== undefined
      ? `<h3>Reason</h3><pre class="err">${clip(unit.reason, unit.log_path)}</pre>`
      : "",
  ].join("");
  const body =
    [
      resourceTable("Resource changes", unit.changes),
      resourceTable("Drift", unit.drifted),
      outputTable(unit.outputs_changed),
      outputsTable(unit),
    ].join("") ||
    (unit.summary !== undefined && command !== "output"
      ? `<p>${command === "drift" ? "No drift." : "No resource or output changes."}</p>`
      : "");
  return (
    `<section class="detail" id="d-${index}" data-detail="${e(unit.id)}" aria-labelledby="h-${index}" hidden>` +
    `<div class="dh"><h2 id="h-${index}" tabindex="-1"><code>${e(unit.id)}</code></h2><button type="button" class="close" data-close>Close</button></div>` +
    `<p><span class="badge o-${p.outcome}">${e(label)}</span>${phrase !== undefined ? ` ${e(phrase)}` : ""}</p>` +
    `<dl class="facts">${facts}</dl>${problem}${body}</section>`
  );
}

function cellButton(report: RunReport, p: Placed, showRegion: boolean): string {
  const { unit, index, outcome } = p;
  const short = UNIT_OUTCOMES.find((o) => o.outcome === outcome)?.short ?? outcome;
  const counts = countsText(unit);
  const s = unit.summary;
  const data =
    s !== undefined
      ? ` data-add="${s.add}" data-change="${s.change}" data-destroy="${s.destroy}" data-replace="${s.replace}" data-drift="${s.drift}"`
      : "";
  const spoken = [
    unit.id,
    statusLabel(report.run.command, unit),
    ...(s !== undefined ? [countsPhrase(s, report.run.command)] : []),
  ].join(": ");
  return (
    `<button type="button" class="u o-${outcome}" id="u-${index}" data-unit="${e(unit.id)}" data-outcome="${outcome}" data-tier="${e(unit.tier ?? "")}"${data} data-open="d-${index}" aria-controls="d-${index}" aria-expanded="false" title="${e(spoken)}">` +
    `<span class="vh">${e(unit.id)}: </span>${showRegion ? `<span class="r">${e(unit.region)}</span>` : ""}<span class="l">${e(short)}</span>${counts !== "" ? `<span class="n">${e(counts)}</span>` : ""}</button>`
  );
}

/** The matrix: one row per (wave, account), grouped by wave then tier; one column per stack. */
function matrix(report: RunReport, placed: readonly Placed[]): string {
  const stacks = [...new Set(placed.map((p) => p.unit.stack))];
  const regionsOf = new Map<string, Set<string>>();
  for (const { unit } of placed) {
    const set = regionsOf.get(unit.account) ?? new Set<string>();
    set.add(unit.region);
    regionsOf.set(unit.account, set);
  }
  const waves = [...new Set(placed.map((p) => p.unit.wave))].sort((a, b) => a - b);
  const columns = stacks.length + 1;
  const head = `<thead><tr><th scope="col" class="a">account</th>${stacks.map((s) => `<th scope="col">${e(s)}</th>`).join("")}</tr></thead>`;
  const bodies = waves.map((wave, w) => {
    const inWave = placed.filter((p) => p.unit.wave === wave);
    const status = report.waves.find((x) => x.index === wave)?.status;
    const tiers = [...new Set(inWave.map((p) => p.unit.tier ?? ""))];
    const tierName = (tier: string): string => (tier === "" ? "no tier" : `tier ${e(tier)}`);
    // A wave of one tier says so in its own heading; a wave of several has a heading per tier.
    const alone = tiers.length === 1 ? ` · ${tierName(tiers[0] ?? "")}` : "";
    const rows = [
      `<tr class="w" data-head="w${w}-"><th colspan="${columns}" scope="rowgroup"><span class="g">wave ${e(waveName(report, wave))}${alone}${status !== undefined && status !== "completed" ? ` · ${e(status)}` : ""}</span></th></tr>`,
    ];
    tiers.forEach((tier, t) => {
      const group = `w${w}-t${t}-`;
      if (tiers.length > 1) {
        rows.push(
          `<tr class="t" data-head="${group}"><th colspan="${columns}"><span class="g">${tierName(tier)}</span></th></tr>`,
        );
      }
      const inTier = inWave.filter((p) => (p.unit.tier ?? "") === tier);
      for (const account of [...new Set(inTier.map((p) => p.unit.account))]) {
        const own = inTier.filter((p) => p.unit.account === account);
        const showRegion = (regionsOf.get(account)?.size ?? 0) > 1;
        const cells = stacks.map((stack) => {
          const here = own.filter((p) => p.unit.stack === stack);
          if (here.length === 0) return `<td class="none" aria-label="not deployed">-</td>`;
          return `<td><div class="cell">${here.map((p) => cellButton(report, p, showRegion)).join("")}</div></td>`;
        });
        const id = own[0]?.unit.account_id ?? "";
        rows.push(
          `<tr data-g="${group}"><th scope="row" class="a">${e(account)}<small>${e(id)}</small></th>${cells.join("")}</tr>`,
        );
      }
    });
    return `<tbody>${rows.join("")}</tbody>`;
  });
  const key = `<p class="key">counts: <span class="n">+</span>add <span class="n">~</span>change <span class="n">-</span>destroy <span class="n">±</span>replace; select a unit for its detail</p>`;
  return `${key}<div class="scroll" role="region" aria-label="units by account and stack" tabindex="0"><table class="m">${head}${bodies.join("")}</table></div>`;
}

function filters(placed: readonly Placed[]): string {
  const tierCounts = new Map<string, number>();
  for (const { unit } of placed) {
    const tier = unit.tier ?? "";
    tierCounts.set(tier, (tierCounts.get(tier) ?? 0) + 1);
  }
  const tiers = [...tierCounts]
    .map(
      ([tier, n]) =>
        `<label><input type="checkbox" name="tier" value="${e(tier)}" checked> ${tier === "" ? "no tier" : e(tier)} <span class="more">${n}</span></label>`,
    )
    .join("");
  const outcomes = UNIT_OUTCOMES.map((o) => {
    const n = placed.filter((p) => p.outcome === o.outcome).length;
    if (n === 0) return "";
    return `<label><input type="checkbox" name="outcome" value="${o.outcome}" checked> <span class="sw o-${o.outcome}"></span> ${e(o.label)} <span class="more">${n}</span></label>`;
  }).join("");
  return (
    `<form class="filters" id="filters" aria-label="filters">` +
    `<fieldset><legend>Tier</legend>${tiers}</fieldset>` +
    `<fieldset><legend>Outcome</legend>${outcomes}</fieldset>` +
    `<p class="shown" aria-live="polite">showing <b id="shown">${placed.length}</b> of ${plural(placed.length, "unit")}</p></form>`
  );
}

/** The caution box: destroys and replacements in approval accounts. */
function caution(report: RunReport, placed: readonly Placed[]): string {
  const loud = placed.filter(
    (p) => p.unit.approval && (p.unit.summary?.destroy ?? 0) + (p.unit.summary?.replace ?? 0) > 0,
  );
  if (loud.length === 0) return "";
  const command = report.run.command;
  const items = loud.map(({ unit, index }) => {
    const counts = countsPhrase(
      {
        ...emptyCounts(),
        destroy: unit.summary?.destroy ?? 0,
        replace: unit.summary?.replace ?? 0,
      },
      command,
    );
    const gone = unit.changes.filter((r) => r.action === "delete" || r.action === "replace");
    const lines = gone
      .slice(0, CAUTION_LINES)
      .map(
        (r) =>
          `<li>${r.action === "delete" ? "destroy" : "replace"} <code>${e(r.address)}</code>${r.replaced_by.length > 0 ? ` (forced by ${codes(r.replaced_by)})` : ""}</li>`,
      );
    if (gone.length > CAUTION_LINES)
      lines.push(`<li class="more">… and ${gone.length - CAUTION_LINES} more</li>`);
    return `<li data-warn-unit="${e(unit.id)}"><button type="button" class="link" data-open="d-${index}" aria-controls="d-${index}" aria-expanded="false"><code>${e(unit.id)}</code></button> in ${e(unit.account)} (<code>${e(unit.account_id)}</code>): <strong>${e(counts)}</strong>${lines.length > 0 ? `<ul>${lines.join("")}</ul>` : ""}</li>`;
  });
  return `<section class="note caution" id="caution" aria-labelledby="caution-h"><h2 id="caution-h">Destroys and replacements in approval accounts</h2><ul>${items.join("")}</ul></section>`;
}

function notices(report: RunReport): string {
  const out: string[] = [];
  const t = report.totals;
  if (report.run.interrupted) {
    out.push(
      `The run was interrupted: ${plural(t.interrupted, "unit")} interrupted, ${t.not_started} not started.`,
    );
  }
  for (const wave of report.waves) {
    if (wave.status !== "halted") continue;
    out.push(
      `Wave ${e(wave.name)} halted: ${plural(wave.failed_accounts.length, "failed account")} (${e(wave.failed_accounts.join(", "))}), tolerance ${wave.tolerance}; later waves were not started.`,
    );
  }
  for (const wave of report.waves) {
    if (wave.canary_accounts.length === 0) continue;
    out.push(
      `Wave ${e(wave.name)}: ${e(wave.status)}; canary ${e(wave.canary_accounts.join(", "))}; tolerance ${wave.tolerance}${wave.failed_accounts.length > 0 ? `; failed: ${e(wave.failed_accounts.join(", "))}` : ""}.`,
    );
  }
  return out.map((text) => `<p class="note warning" role="status">${text}</p>`).join("");
}

function headline(report: RunReport): string {
  const t = report.totals;
  const command = report.run.command;
  if (command === "output") return plural(t.units, "unit");
  const counts = countsPhrase(t, command);
  if (counts !== "no changes") return counts;
  return command === "drift" ? "no drift" : "no changes";
}

function metadata(report: RunReport): string {
  const r = report.run;
  const selection = [
    ...(r.selection.all ? ["--all"] : []),
    ...r.selection.stacks,
    ...r.selection.targets.map((t) => `--target ${t}`),
  ];
  return `<dl class="meta">${[
    fact("run", `<code>${e(r.id)}</code>`),
    fact("command", e(r.command)),
    fact("who", r.user !== undefined ? e(r.user) : "-"),
    fact("started", e(r.started_at)),
    fact("finished", e(r.finished_at)),
    fact("duration", e(formatDuration(r.duration_ms))),
    fact(
      "git commit",
      `${
        r.git_commit !== undefined
          ? `<code title="${e(r.git_commit)}">${e(r.git_commit.slice(0, 12))}</code>`
          : "-"
      }${workingTreeApply(report) ? " (working tree, --allow-dirty)" : ""}`,
    ),
    fact("terraform", r.terraform_version !== undefined ? e(r.terraform_version) : "-"),
    fact("selection", selection.length > 0 ? `<code>${e(selection.join(" "))}</code>` : "-"),
    fact("interrupted", r.interrupted ? "<strong>yes</strong>" : "no"),
  ].join("")}</dl>`;
}

/** The report as one self-contained HTML page. */
export function formatRunHtml(report: RunReport): string {
  const command = report.run.command;
  const placed: Placed[] = report.units.map((unit, index) => ({
    unit,
    index,
    outcome: unitOutcome(unit, command),
  }));
  const title = `crossform ${command} ${report.run.id}`;
  const csp = `default-src 'none'; style-src '${REPORT_STYLE_HASH}'; script-src '${REPORT_SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const units =
    placed.length > 0
      ? `${filters(placed)}${matrix(report, placed)}<div id="details">${placed.map((p) => detail(report, p)).join("")}</div>`
      : "<p>No units were selected.</p>";
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="crossform">',
    '<link rel="icon" href="data:,">',
    `<title>${e(title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<header><h1>crossform ${e(command)}: ${e(headline(report))}</h1>`,
    `<p class="sub">${plural(report.totals.units, "unit")}${report.totals.units > 0 ? `: ${e(statusCounts(report))}` : ""}</p></header>`,
    metadata(report),
    notices(report),
    caution(report, placed),
    units,
    "</main>",
    `<script>${REPORT_SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
