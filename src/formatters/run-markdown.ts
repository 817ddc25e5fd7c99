/**
 * The run report as a pull-request comment (GitHub-flavoured Markdown): a headline with totals;
 * destroys and replacements in approval accounts first, in a caution box; failed, blocked and
 * skipped units with their error; each unit with changes in a collapsed `<details>` with its
 * resource and output changes; units without changes collapsed into one `<details>`. It renders
 * only what the report holds (redacted values), and shortens itself to stay under GitHub's
 * comment limit, saying so.
 */
import { KNOWN_AFTER_APPLY, SENSITIVE } from "../core/plan/redact.ts";
import { emptyCounts, workingTreeApply } from "../core/report/run-report.ts";
import type {
  ReportOutputChange,
  ReportResourceChange,
  RunReport,
  UnitReport,
} from "../core/report/run-report.ts";
import {
  countsPhrase,
  formatDuration,
  statusCounts,
  statusLabel,
  unitProblem,
} from "./run-summary.ts";

/** GitHub's maximum comment length, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Options of {@link formatRunMarkdown}. */
export interface RunMarkdownOptions {
  /** Longest output, in characters. @default GITHUB_COMMENT_LIMIT */
  maxLength?: number;
}

/** Resource lines per unit in the caution box before "and N more". */
const LOUD_LINES_PER_UNIT = 25;
/** Lines and characters of one error shown in full. */
const ERROR_LINES = 40;
const ERROR_CHARS = 4000;
/** Characters of one rendered value in a table cell. */
const VALUE_CHARS = 80;

/** A code span that survives backticks inside `text`. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A code span for a table cell: pipes escaped, one line. */
function cellCode(text: string): string {
  return code(text.replace(/\s*\n\s*/g, " ")).replace(/\|/g, "\\|");
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** A value for a table cell: the redaction placeholders in italics, anything else as JSON code. */
function valueCell(value: unknown): string {
  if (value === SENSITIVE || value === KNOWN_AFTER_APPLY) return `*${value}*`;
  return cellCode(renderValue(value));
}

function renderValue(value: unknown): string {
  const text = value === undefined ? "null" : JSON.stringify(value);
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, indent: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}text`, ...text.split("\n"), fence]
    .map((l) => `${indent}${l}`.trimEnd())
    .join("\n");
}

function clip(text: string, logPath: string | undefined): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  let kept = lines.slice(0, ERROR_LINES).join("\n");
  if (kept.length > ERROR_CHARS) kept = kept.slice(0, ERROR_CHARS);
  const rest = text.length - kept.length;
  if (rest <= 0) return kept;
  return `${kept}\n… (${rest} more characters${logPath ? ` in ${logPath}` : ""})`;
}

function actionLabel(r: ReportResourceChange): string {
  if (r.action !== "no-op") return r.action === "delete" ? "destroy" : r.action;
  if (r.previous_address !== undefined) return "move";
  if (r.importing) return "import";
  return "no-op";
}

function resourceCell(r: ReportResourceChange): string {
  const notes: string[] = [];
  if (r.previous_address !== undefined) notes.push(`from ${cellCode(r.previous_address)}`);
  if (r.importing && r.action !== "no-op") notes.push("imported");
  const suffix = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  return `${cellCode(r.address)}${suffix}`;
}

function attributesCell(r: ReportResourceChange): string {
  const forced = new Set(r.replaced_by);
  const names = [...new Set([...r.attributes, ...r.replaced_by])];
  if (names.length === 0) return "";
  return names
    .map((n) => (forced.has(n) ? `${cellCode(n)} (forces replacement)` : cellCode(n)))
    .join(", ");
}

function resourceTable(kind: string, rows: ReportResourceChange[]): string[] {
  if (rows.length === 0) return [];
  return [
    `| ${kind} | resource | attributes |`,
    "| --- | --- | --- |",
    ...rows.map((r) => `| ${actionLabel(r)} | ${resourceCell(r)} | ${attributesCell(r)} |`),
    "",
  ];
}

function outputTable(rows: ReportOutputChange[]): string[] {
  if (rows.length === 0) return [];
  const value = (o: ReportOutputChange, side: "before" | "after"): string =>
    (side === "before" && o.action === "create") || (side === "after" && o.action === "delete")
      ? ""
      : valueCell(o[side]);
  return [
    "| output | action | before | after |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (o) => `| ${cellCode(o.name)} | ${o.action} | ${value(o, "before")} | ${value(o, "after")} |`,
    ),
    "",
  ];
}

function unitWhere(unit: UnitReport): string {
  return `${unit.account} (${unit.account_id})`;
}

/** The caution box: destroys and replacements in approval accounts. */
function loudSection(report: RunReport): string | undefined {
  const units = report.units.filter(
    (u) => u.approval && (u.summary?.destroy ?? 0) + (u.summary?.replace ?? 0) > 0,
  );
  if (units.length === 0) return undefined;
  const command = report.run.command;
  const lines = ["> [!CAUTION]", "> **Destroys and replacements in approval accounts**", ">"];
  for (const unit of units) {
    const counts = {
      ...emptyCounts(),
      destroy: unit.summary?.destroy ?? 0,
      replace: unit.summary?.replace ?? 0,
    };
    lines.push(
      `> - **${code(unit.id)}** in ${unitWhere(unit)}: **${countsPhrase(counts, command)}**`,
    );
    const gone = unit.changes.filter((r) => r.action === "delete" || r.action === "replace");
    for (const r of gone.slice(0, LOUD_LINES_PER_UNIT)) {
      const forced =
        r.replaced_by.length > 0 ? ` (forced by ${r.replaced_by.map(code).join(", ")})` : "";
      lines.push(
        `>   - ${r.action === "delete" ? "destroy" : "replace"} ${code(r.address)}${forced}`,
      );
    }
    if (gone.length > LOUD_LINES_PER_UNIT)
      lines.push(`>   - … and ${gone.length - LOUD_LINES_PER_UNIT} more`);
  }
  return lines.join("\n");
}

function problemItem(
  unit: UnitReport,
  command: RunReport["run"]["command"],
  full: boolean,
): string {
  const label = statusLabel(command, unit);
  const head = `- **${code(unit.id)}** in ${unitWhere(unit)}: ${label}`;
  if (unit.error !== undefined) {
    const lines = [head];
    lines.push(
      full
        ? fenced(clip(unit.error.message, unit.log_path), "  ")
        : `  ${code(unitProblem(unit) ?? "")}`,
    );
    if (unit.error.hint) lines.push(`  hint: ${unit.error.hint}`);
    if (unit.log_path) lines.push(`  log: ${code(unit.log_path)}`);
    return lines.join("\n");
  }
  return unit.reason !== undefined ? `${head}: ${unit.reason.split("\n")[0]}` : head;
}

interface Block {
  full: string;
  short: string;
}

function changeBlock(unit: UnitReport, command: RunReport["run"]["command"]): Block {
  const phrase =
    unit.summary !== undefined ? countsPhrase(unit.summary, command) : statusLabel(command, unit);
  const summary = `<code>${html(unit.id)}</code> in ${html(unitWhere(unit))}: ${html(phrase)}`;
  const body = [
    ...resourceTable("action", unit.changes),
    ...resourceTable("drift", unit.drifted),
    ...outputTable(unit.outputs_changed),
  ];
  return {
    full: ["<details><summary>" + summary + "</summary>", "", ...body, "</details>"].join("\n"),
    short: `- ${code(unit.id)} in ${unitWhere(unit)}: ${phrase}`,
  };
}

function outputsBlock(unit: UnitReport): Block {
  const outputs = unit.outputs ?? [];
  const rows = outputs.map((o) => `| ${cellCode(o.name)} | ${valueCell(o.value)} |`);
  const summary = `<code>${html(unit.id)}</code> in ${html(unitWhere(unit))}: ${plural(outputs.length, "output")}`;
  return {
    full: [
      `<details><summary>${summary}</summary>`,
      "",
      ...(rows.length > 0 ? ["| output | value |", "| --- | --- |", ...rows, ""] : []),
      "</details>",
    ].join("\n"),
    short: `- ${code(unit.id)} in ${unitWhere(unit)}: ${plural(outputs.length, "output")}`,
  };
}

function headline(report: RunReport): string {
  const t = report.totals;
  const command = report.run.command;
  const problems = [
    [t.failed, "failed"],
    [t.needs_replan, "need re-plan"],
    [t.blocked, "blocked"],
    [t.skipped, "skipped"],
    [t.interrupted, "interrupted"],
    [t.not_started, "not started"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, label]) => `${n} ${label}`);
  const counts = countsPhrase(t, command);
  let what: string | undefined;
  if (command === "output") what = plural(t.units, "unit");
  else if (counts !== "no changes") what = counts;
  else if (problems.length === 0) what = command === "drift" ? "no drift" : "no changes";
  return `## crossform ${command}: ${[what, problems.join(", ")].filter((p) => p).join(" · ")}`;
}

function facts(report: RunReport): string {
  const r = report.run;
  const parts = [
    `**${plural(report.totals.units, "unit")}**${report.totals.units > 0 ? `: ${statusCounts(report)}` : ""}`,
    `run ${code(r.id)}`,
  ];
  if (r.git_commit)
    parts.push(
      `commit ${code(r.git_commit.slice(0, 12))}${workingTreeApply(report) ? " with the working tree's changes (--allow-dirty)" : ""}`,
    );
  else if (workingTreeApply(report)) parts.push("working tree (--allow-dirty)");
  if (r.terraform_version) parts.push(`terraform ${r.terraform_version}`);
  parts.push(formatDuration(r.duration_ms));
  return parts.join(" · ");
}

function notices(report: RunReport): string[] {
  const out: string[] = [];
  const t = report.totals;
  if (report.run.interrupted) {
    out.push(
      `> [!WARNING]\n> The run was interrupted: ${plural(t.interrupted, "unit")} interrupted, ${t.not_started} not started.`,
    );
  }
  for (const wave of report.waves) {
    if (wave.status !== "halted") continue;
    const n = wave.failed_accounts.length;
    out.push(
      `> [!WARNING]\n> Wave **${wave.name}** halted: ${plural(n, "failed account")} (${wave.failed_accounts.join(", ")}), tolerance ${wave.tolerance}; later waves were not started.`,
    );
  }
  return out;
}

function wavesSection(report: RunReport): string | undefined {
  const notable = report.waves.filter((w) => w.canary_accounts.length > 0);
  if (notable.length === 0) return undefined;
  const lines = notable.map((w) => {
    const failed =
      w.failed_accounts.length > 0
        ? `; failed: ${w.failed_accounts.join(", ")} (tolerance ${w.tolerance})`
        : `; tolerance ${w.tolerance}`;
    return `- **${w.name}**: ${w.status}; canary: ${w.canary_accounts.join(", ")}${failed}`;
  });
  return ["### Rollout rings", "", ...lines].join("\n");
}

/** The report as a pull-request comment, at most `maxLength` characters. */
export function formatRunMarkdown(report: RunReport, options: RunMarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const command = report.run.command;
  const head = [headline(report), facts(report), ...notices(report)];
  const loud = loudSection(report);
  if (loud !== undefined) head.push(loud);
  const rings = wavesSection(report);
  if (rings !== undefined) head.push(rings);

  const problemUnits = report.units.filter((u) => u.status !== "succeeded");
  const withChanges = report.units.filter(
    (u) =>
      u.status === "succeeded" &&
      (u.has_changes ||
        u.changes.length > 0 ||
        u.drifted.length > 0 ||
        u.outputs_changed.length > 0),
  );
  const quiet = report.units.filter((u) => u.status === "succeeded" && !withChanges.includes(u));
  const blocks =
    command === "output"
      ? quiet.map(outputsBlock)
      : withChanges.map((u) => changeBlock(u, command));
  const quietSection =
    command !== "output" && quiet.length > 0
      ? [
          "### No changes",
          "",
          `<details><summary>${plural(quiet.length, "unit")} without changes</summary>`,
          "",
          quiet.map((u) => code(u.id)).join(", "),
          "",
          "</details>",
        ].join("\n")
      : undefined;

  const render = (
    fullProblems: boolean,
    fullBlocks: number,
    shownBlocks: number,
    note: string | undefined,
  ) => {
    const sections = [...head];
    if (problemUnits.length > 0) {
      sections.push(
        [
          "### Failed, blocked and not run",
          "",
          ...problemUnits.map((u) => problemItem(u, command, fullProblems)),
        ].join("\n"),
      );
    }
    if (blocks.length > 0) {
      let body = "";
      blocks.slice(0, shownBlocks).forEach((b, i) => {
        const full = i < fullBlocks;
        // One-liners form one tight list; a <details> block needs blank lines around it.
        body += i === 0 ? "" : full || i === fullBlocks ? "\n\n" : "\n";
        body += full ? b.full : b.short;
      });
      const left = blocks.length - shownBlocks;
      if (left > 0) body += `${body === "" ? "" : "\n"}- … and ${plural(left, "more unit")}`;
      sections.push(`${command === "output" ? "### Outputs" : "### Changes"}\n\n${body}`);
    }
    if (quietSection !== undefined) sections.push(quietSection);
    if (note !== undefined) sections.push(note);
    return `${sections.join("\n\n")}\n`;
  };

  const full = render(true, blocks.length, blocks.length, undefined);
  if (full.length <= maxLength) return full;

  const limitName =
    maxLength === GITHUB_COMMENT_LIMIT
      ? `GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character comment limit`
      : `a limit of ${maxLength.toLocaleString("en-US")} characters`;
  const noteFor = (collapsed: number, dropped: number, problemsShort: boolean): string => {
    const left: string[] = [];
    if (collapsed > 0) left.push(`the resource lists of ${plural(collapsed, "unit")}`);
    if (dropped > 0) left.push(`${plural(dropped, "unit")} with changes`);
    if (problemsShort) left.push("the full error texts");
    return `> [!NOTE]\n> Shortened to stay under ${limitName}: ${left.join(", ")} left out. The full report: ${code(`crossform report ${report.run.id}`)}`;
  };
  // Collapse resource lists from the last unit up, then drop one-liners, then shorten errors.
  // Each step is monotone in its count, so a binary search finds the most that fits.
  const most = (fits: (n: number) => boolean, high: number): number => {
    let lo = -1;
    let hi = high;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const collapsed = (fullBlocks: number) =>
    render(true, fullBlocks, blocks.length, noteFor(blocks.length - fullBlocks, 0, false));
  const fullBlocks = most((n) => collapsed(n).length <= maxLength, blocks.length - 1);
  if (fullBlocks >= 0) return collapsed(fullBlocks);
  const dropped = (shown: number) =>
    render(true, 0, shown, noteFor(shown, blocks.length - shown, false));
  const shown = most((n) => dropped(n).length <= maxLength, blocks.length - 1);
  if (shown >= 0) return dropped(shown);
  const short = render(false, 0, 0, noteFor(0, blocks.length, true));
  if (short.length <= maxLength) return short;
  const note = `\n\n…\n\n${noteFor(0, blocks.length, true)}\n`;
  const cut = short.slice(0, Math.max(0, maxLength - note.length));
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf("\n")))}${note}`;
}
