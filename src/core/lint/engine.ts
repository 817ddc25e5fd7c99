/**
 * Runs lint rules over a repository model: applies the configured severities, drops findings
 * suppressed with `# crossform-ignore: <rule-id>` (on the finding's line or the line before), turns
 * files that do not parse into one finding each, fingerprints the findings and decides whether the
 * run fails.
 */
import { fingerprints } from "./fingerprint.ts";
import { yamlIgnoreDirectives } from "./file-facts.ts";
import type {
  IgnoreDirective,
  LintFile,
  LintRepository,
  LintRule,
  LintSetting,
  LintSeverity,
  LintSourceFile,
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
  /** Stable under line shifts (see `fingerprint.ts`): what baselines and SARIF key findings by. */
  fingerprint: string;
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
  /** Number of findings left out because a baseline already lists them. */
  baselined: number;
  /** Notes about the run itself (a tree with no Terraform file, for instance). */
  warnings: string[];
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

/** Runs the rules (synchronously) and builds the report. */
export function runLint(
  repository: LintRepository,
  rules: readonly LintRule[],
  options: LintOptions = {},
): LintReport {
  const settings = options.settings ?? {};
  const failLevel = options.failLevel ?? "error";
  const sources = new Map<string, LintSourceFile>();
  const files = repository.modules.flatMap((module) => module.files);
  for (const file of [...files, ...repository.terragruntFiles, ...repository.backendFiles])
    sources.set(file.path, file);
  if (repository.config !== undefined) {
    const { file, text } = repository.config;
    sources.set(file, { path: file, text, ignores: yamlIgnoreDirectives(text) });
  }
  const ignores = new Map<string, Map<number, Set<string>>>();
  const ignoresOf = (path: string): Map<number, Set<string>> | undefined => {
    const source = sources.get(path);
    if (source === undefined) return undefined;
    let map = ignores.get(path);
    if (map === undefined) {
      map = byLine(source.ignores);
      ignores.set(path, map);
    }
    return map;
  };
  const lines = new Map<string, string[]>();
  const lineOf = (path: string, line: number): string => {
    let split = lines.get(path);
    if (split === undefined) {
      split = (sources.get(path)?.text ?? "").split("\n");
      lines.set(path, split);
    }
    return (split[line - 1] ?? "").replace(/\r$/, "");
  };
  const found: Omit<LintFinding, "fingerprint">[] = [];
  let suppressed = 0;
  const add = (meta: RuleMeta, report: RuleReport): void => {
    const severity = severityOf(meta, settings);
    if (severity === undefined) return;
    const start = "start" in report.range ? report.range.start : report.range;
    const end = "end" in report.range ? report.range.end : report.range;
    const fileIgnores = ignoresOf(report.file);
    const ignored = (line: number): boolean => fileIgnores?.get(line)?.has(meta.id) === true;
    if (ignored(start.line) || ignored(start.line - 1)) {
      suppressed += 1;
      return;
    }
    found.push({
      ruleId: meta.id,
      severity,
      file: report.file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: report.message,
      hint: report.hint,
      sourceLine: lineOf(report.file, start.line),
    });
  };
  for (const file of files) reportSyntaxError(file, add);
  for (const rule of rules) {
    if (severityOf(rule.meta, settings) === undefined) continue;
    rule.create({
      repository,
      factsOf: (file: LintFile) => file.facts[rule.meta.id],
      report: (report) => add(rule.meta, report),
    });
  }
  found.sort(compareFindings);
  const prints = fingerprints(found);
  const findings = found.map((finding, i) => ({ ...finding, fingerprint: prints[i] as string }));
  const metas = [SYNTAX_ERROR_META, ...rules.map((rule) => rule.meta)].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return {
    findings,
    rules: metas,
    failLevel,
    fileCount: files.length,
    suppressed,
    baselined: 0,
    warnings: [],
    failed: isFailing(findings, failLevel),
  };
}

/** True when some finding is at the fail level or above. */
export function isFailing(findings: readonly LintFinding[], failLevel: LintSeverity): boolean {
  return findings.some((finding) => failLevel === "warn" || finding.severity === "error");
}

function reportSyntaxError(file: LintFile, add: (meta: RuleMeta, report: RuleReport) => void) {
  const error = file.syntaxError;
  if (error === undefined) return;
  const more = error.count - 1;
  add(SYNTAX_ERROR_META, {
    file: file.path,
    range: error.range,
    message: `${error.message}${more > 0 ? ` (and ${more} more syntax error${more === 1 ? "" : "s"} in this file)` : ""}`,
    hint: "fix the syntax; `terraform validate` shows the same problem; the other rules read what could be parsed",
  });
}

function severityOf(
  meta: RuleMeta,
  settings: Record<string, LintSetting>,
): LintSeverity | undefined {
  const setting = settings[meta.id] ?? meta.defaultSeverity;
  return setting === "off" ? undefined : setting;
}

function byLine(directives: IgnoreDirective[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const directive of directives) {
    const ids = out.get(directive.line) ?? new Set<string>();
    for (const id of directive.ids) ids.add(id);
    out.set(directive.line, ids);
  }
  return out;
}

function compareFindings(
  a: Omit<LintFinding, "fingerprint">,
  b: Omit<LintFinding, "fingerprint">,
): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
