/**
 * The per-file stage of lint: from a file's text to the small facts the rules and the engine need
 * (never the syntax tree, which is dropped as soon as the facts are taken). The same function runs
 * in worker threads and, for small repositories, on the main thread, so both give the same report.
 */
import { GENERATED_HEADER } from "../generate/hcl-writer.ts";
import { createLineIndex } from "../hcl/line-index.ts";
import { summarizeModule } from "../hcl/module-summary.ts";
import type { HclFile } from "../hcl/syntax.ts";
import { collectBackendFile } from "./backend-file.ts";
import type { BackendFile } from "./backend-file.ts";
import type { IgnoreDirective, LintFile, LintRule } from "./rule.ts";
import { collectTerragruntConfig } from "./terragrunt.ts";
import type { TerragruntConfigFile } from "./terragrunt.ts";

/** The kinds of file lint reads. */
export type LintSourceKind = "terraform" | "terragrunt" | "tfbackend";

/** What reading one file gave. */
export type LintSourceRead =
  | { kind: "terraform"; file: LintFile }
  | { kind: "terragrunt"; file: TerragruntConfigFile }
  | { kind: "tfbackend"; file: BackendFile }
  /** A file crossform generated: counted as wiring, not linted. */
  | { kind: "generated"; path: string };

/**
 * The kind of a file by its name: Terraform (`.tf`, `.tf.json`), a Terragrunt configuration (any
 * `.hcl` but lock files and Packer templates) or a partial backend configuration (`.tfbackend`).
 * Hidden files and editor backups are skipped, as Terraform skips them.
 */
export function lintSourceKind(name: string): LintSourceKind | undefined {
  if (name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#")))
    return undefined;
  if (name.endsWith(".tf") || name.endsWith(".tf.json")) return "terraform";
  if (name.endsWith(".tfbackend")) return "tfbackend";
  if (name.endsWith(".hcl") && !name.endsWith(".lock.hcl") && !name.endsWith(".pkr.hcl"))
    return "terragrunt";
  return undefined;
}

/** Parses one file with `parse` and takes its facts for the given rules. */
export function readLintSource(
  kind: LintSourceKind,
  path: string,
  text: string,
  parse: (path: string, text: string) => HclFile,
  rules: readonly LintRule[],
): LintSourceRead {
  if (text.startsWith(GENERATED_HEADER)) return { kind: "generated", path };
  // A byte-order mark is no part of the text Terraform reads.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const file = parse(path, source);
  const common = { path, text: source, ignores: ignoreDirectives(file) };
  if (kind === "terragrunt") return { kind, file: { ...common, ...collectTerragruntConfig(file) } };
  if (kind === "tfbackend") return { kind, file: { ...common, ...collectBackendFile(file) } };
  return { kind, file: terraformFile(file, common.ignores, rules) };
}

function terraformFile(
  file: HclFile,
  ignores: IgnoreDirective[],
  rules: readonly LintRule[],
): LintFile {
  const facts: Record<string, unknown> = {};
  for (const rule of rules) {
    if (rule.collect !== undefined) facts[rule.meta.id] = rule.collect(file);
  }
  const out: LintFile = {
    path: file.path,
    format: file.format,
    text: file.text,
    summary: summarizeModule([file]),
    ignores,
    facts,
  };
  const [first] = file.errors;
  if (first !== undefined)
    out.syntaxError = { message: first.message, range: first.range, count: file.errors.length };
  return out;
}

/** A Terraform file that could not be read, as a file with one syntax error at its start: lint goes on. */
export function unreadableFile(path: string, reason: string): LintFile {
  const start = { line: 1, column: 1, offset: 0 };
  const range = { start, end: start };
  return {
    path,
    format: path.endsWith(".json") ? "json" : "hcl",
    text: "",
    summary: summarizeModule([]),
    ignores: [],
    syntaxError: { message: `cannot read ${path}: ${reason}`, range, count: 1 },
    facts: {},
  };
}

const IGNORE = /crossform-ignore:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

/** Ignore directives of an HCL file, read from its comments only (never from strings or heredocs). */
export function ignoreDirectives(file: HclFile): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  for (const comment of file.comments) {
    if (!comment.text.includes("crossform-ignore")) continue;
    const index = createLineIndex(comment.text);
    for (const match of comment.text.matchAll(IGNORE)) {
      const line = comment.range.start.line + index.position(match.index).line - 1;
      out.push({ line, ids: idsOf(match[1] as string) });
    }
  }
  return out;
}

/** Ignore directives of a YAML file (crossform.yaml): a `#` comment naming the rule. */
export function yamlIgnoreDirectives(text: string): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  text.split("\n").forEach((line, index) => {
    const hash = line.indexOf("#");
    if (hash === -1) return;
    for (const match of line.slice(hash).matchAll(IGNORE))
      out.push({ line: index + 1, ids: idsOf(match[1] as string) });
  });
  return out;
}

function idsOf(list: string): string[] {
  return list.split(",").map((id) => id.trim());
}
