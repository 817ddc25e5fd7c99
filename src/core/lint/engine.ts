/**
 * Runs lint rules over a repository model: applies the configured severities, drops findings
 * suppressed with `# crossform-ignore: <rule-id>` (on the finding's line or the line before), turns
 * files that do not parse into one finding each, and decides whether the run fails.
 */
import { createLineIndex } from "../hcl/line-index.ts";
import type { HclFile } from "../hcl/syntax.ts";
import type {
  LintRepository,
  LintRule,
  LintSetting,
  LintSeverity,
  RuleMeta,
  RuleReport,
} from "./rule.ts";

/** The id of the finding a file that does not parse produces. */
export const SYNTAX_ERROR_ID = "syntax-error";

/** The meta of the syntax-error finding (not a rule: the engine reports it). */
export const SYNTAX_ERROR_META: RuleMeta = {
  id: SYNTAX_ERROR_ID,
  description: "a Terraform file that does not parse; the rest of the run goes on",
  defaultSeverity: "error",
};

/** One finding, ready for a formatter. */
export interface LintFinding {
  ruleId: string;
  severity: LintSeverity;
  /** Repository-relative POSIX path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  hint: string;
  /** The text of the finding's first line, for code frames. */
  sourceLine: string;
}

/** The result of a lint run. */
export interface LintReport {
  /** Sorted by file, line, column, rule id. */
  findings: LintFinding[];
  /** Every rule that ran (and the syntax-error meta), sorted by id. */
  rules: RuleMeta[];
  /** Findings at this severity or above fail the run. */
  failLevel: LintSeverity;
  /** Number of Terraform files read. */
  fileCount: number;
  /** Number of findings dropped by `# crossform-ignore`. */
  suppressed: number;
  /** True when some finding is at the fail level or above. */
  failed: boolean;
}

/** How a run is configured (crossform.yaml `lint:`). */
export interface LintOptions {
  /** `lint.rules`: rule id -> severity or `off`. @default each rule's default */
  settings?: Record<string, LintSetting>;
  /** `lint.fail_level`. @default "error" */
  failLevel?: LintSeverity;
}

const IGNORE = /crossform-ignore:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

/** Runs the rules (synchronously) and builds the report. */
export function runLint(
  repository: LintRepository,
  rules: readonly LintRule[],
  options: LintOptions = {},
): LintReport {
  const settings = options.settings ?? {};
  const failLevel = options.failLevel ?? "error";
  const sources = new Map<string, string>();
  const ignores = new Map<string, Map<number, Set<string>>>();
  const files = repository.modules.flatMap((module) => module.files);
  for (const file of files) {
    sources.set(file.path, file.text);
    ignores.set(file.path, hclIgnores(file));
  }
  if (repository.config !== undefined) {
    sources.set(repository.config.file, repository.config.text);
    ignores.set(repository.config.file, yamlIgnores(repository.config.text));
  }
  const findings: LintFinding[] = [];
  let suppressed = 0;
  const add = (meta: RuleMeta, report: RuleReport): void => {
    const severity = severityOf(meta, settings);
    if (severity === undefined) return;
    const start = "start" in report.range ? report.range.start : report.range;
    const end = "end" in report.range ? report.range.end : report.range;
    const fileIgnores = ignores.get(report.file);
    const ignored = (line: number): boolean => fileIgnores?.get(line)?.has(meta.id) === true;
    if (ignored(start.line) || ignored(start.line - 1)) {
      suppressed += 1;
      return;
    }
    const text = sources.get(report.file) ?? "";
    findings.push({
      ruleId: meta.id,
      severity,
      file: report.file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: report.message,
      hint: report.hint,
      sourceLine: lineOf(text, start.line),
    });
  };
  for (const file of files) {
    const [first] = file.errors;
    if (first === undefined) continue;
    const more = file.errors.length - 1;
    add(SYNTAX_ERROR_META, {
      file: file.path,
      range: first.range,
      message: `${first.message}${more > 0 ? ` (and ${more} more syntax error${more === 1 ? "" : "s"} in this file)` : ""}`,
      hint: "fix the syntax; `terraform validate` shows the same problem; the other rules read what could be parsed",
    });
  }
  for (const rule of rules) {
    if (severityOf(rule.meta, settings) === undefined) continue;
    rule.create({ repository, report: (report) => add(rule.meta, report) });
  }
  findings.sort(compareFindings);
  const metas = [SYNTAX_ERROR_META, ...rules.map((rule) => rule.meta)].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return {
    findings,
    rules: metas,
    failLevel,
    fileCount: files.length,
    suppressed,
    failed: findings.some((finding) => failLevel === "warn" || finding.severity === "error"),
  };
}

function severityOf(
  meta: RuleMeta,
  settings: Record<string, LintSetting>,
): LintSeverity | undefined {
  const setting = settings[meta.id] ?? meta.defaultSeverity;
  return setting === "off" ? undefined : setting;
}

/** Ignore directives of a Terraform file, read from its comments only (never from strings or heredocs). */
function hclIgnores(file: HclFile): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const comment of file.comments) {
    const index = createLineIndex(comment.text);
    for (const match of comment.text.matchAll(IGNORE)) {
      const line = comment.range.start.line + index.position(match.index).line - 1;
      addIds(out, line, match[1] as string);
    }
  }
  return out;
}

/** Ignore directives of crossform.yaml: a `#` comment naming the rule. */
function yamlIgnores(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  text.split("\n").forEach((line, index) => {
    const hash = line.indexOf("#");
    if (hash === -1) return;
    for (const match of line.slice(hash).matchAll(IGNORE))
      addIds(out, index + 1, match[1] as string);
  });
  return out;
}

function addIds(out: Map<number, Set<string>>, line: number, list: string): void {
  const ids = out.get(line) ?? new Set<string>();
  for (const id of list.split(",")) ids.add(id.trim());
  out.set(line, ids);
}

function lineOf(text: string, line: number): string {
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf("\n", start);
    if (next === -1) return "";
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, "");
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}
