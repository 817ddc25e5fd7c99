/**
 * What a lint rule is and what it sees. A rule works in two stages: `collect` reads one parsed file
 * and returns the small, plain facts the rule needs from it (it may run in a worker thread, so the
 * facts cross a thread boundary and the syntax tree does not); `create` then sees the whole
 * repository: module directories with their roles, local calls, the per-file facts, Terragrunt
 * units, `.tfbackend` files and the units of a crossform.yaml when there is one. Rules never touch
 * the parser library or the file system.
 */
import type { ModuleCallSummary, ModuleSummary } from "../hcl/module-summary.ts";
import type { HclFile, HclFormat, HclRange } from "../hcl/syntax.ts";
import type { BackendFile } from "./backend-file.ts";
import type { TerragruntConfigFile, TerragruntUnit } from "./terragrunt.ts";

/** How much a finding weighs. */
export type LintSeverity = "error" | "warn";

/** A rule's severity as configured: `off` turns it off. */
export type LintSetting = LintSeverity | "off";

/** What a rule is, for docs, formatters and configuration. */
export interface RuleMeta {
  /** Stable id, kebab-case: what `lint.rules.<id>` and `# crossform-ignore: <id>` name. */
  id: string;
  /** One sentence: what the rule finds. */
  description: string;
  /** The severity when `lint.rules` does not say. */
  defaultSeverity: LintSeverity;
}

/** Whether a module directory is deployed on its own or called by another. */
export type ModuleRole = "root" | "module";

/** A local `module` call from one directory to another directory of the repository. */
export interface LintModuleCall {
  /** The calling directory (repository-relative, POSIX). */
  from: string;
  /** The called directory (repository-relative, POSIX). */
  to: string;
  call: ModuleCallSummary;
}

/** `# crossform-ignore:` directives of a file: the line they apply to and the rule ids they name. */
export interface IgnoreDirective {
  line: number;
  ids: string[];
}

/** A file findings can point into: its text (for code frames and fingerprints) and its ignore directives. */
export interface LintSourceFile {
  /** Repository-relative POSIX path. */
  path: string;
  text: string;
  /** Its `# crossform-ignore:` directives, read from comments only. */
  ignores: IgnoreDirective[];
}

/** One Terraform file as the rules and the engine see it: its facts, not its syntax tree. */
export interface LintFile extends LintSourceFile {
  format: HclFormat;
  /** What this file alone declares. */
  summary: ModuleSummary;
  /** The first syntax error and how many there are; absent when the file parses. */
  syntaxError?: { message: string; range: HclRange; count: number };
  /** What each rule's `collect` returned for this file, by rule id. */
  facts: Record<string, unknown>;
}

/** One directory holding `.tf` or `.tf.json` files. */
export interface LintModule {
  /** Repository-relative POSIX path (`.` for the top). */
  dir: string;
  role: ModuleRole;
  /** The user's files; their `path` is repository-relative POSIX. */
  files: LintFile[];
  /** What the directory declares, all files together. */
  summary: ModuleSummary;
  /** Names of files crossform generated here (its provider wiring, for instance). */
  generatedFiles: string[];
  /** The crossform stack deployed from this directory, when crossform.yaml names one. */
  stack?: LintStack;
  /** Terragrunt units that deploy this directory (their `terraform.source`, or their own directory). */
  terragruntUnits: TerragruntUnit[];
  /** `.tfbackend` files the directory's partial S3 backend is completed with (by location). */
  backendFiles: BackendFile[];
}

/** A stack of crossform.yaml, as the rules need it. */
export interface LintStack {
  name: string;
  mode: "per-account" | "multi-account";
  /** Number of distinct accounts the stack deploys to. */
  accountCount: number;
  /** The aws provider aliases crossform generates for the stack (`aws.<alias>`), without `aws.`. */
  aliases: string[];
}

/** A place in a file that is not Terraform (crossform.yaml). */
export interface LintLocation {
  file: string;
  line: number;
  column: number;
}

/** One crossform unit's state address. */
export interface LintUnit {
  id: string;
  bucket: string;
  key: string;
}

/** The crossform.yaml facts rules use. */
export interface LintConfigFacts {
  /** Repository-relative POSIX path of crossform.yaml. */
  file: string;
  /** Its text (for code frames and `# crossform-ignore`). */
  text: string;
  units: LintUnit[];
  /** Where `state.key` is written (or the top of the file). */
  stateKeyLocation: LintLocation;
  /** `lint.third_party_accounts`: account ids reusable modules may name. */
  thirdPartyAccounts: string[];
}

/** The whole repository as the rules see it. */
export interface LintRepository {
  /** Module directories, sorted by `dir`. */
  modules: LintModule[];
  /** Local calls between directories of the repository. */
  calls: LintModuleCall[];
  /** Terragrunt units (directories with a `terragrunt.hcl` no other one includes), sorted by directory. */
  terragruntUnits: TerragruntUnit[];
  /** Every Terragrunt file read (units, included roots, `account.hcl` and the like). */
  terragruntFiles: TerragruntConfigFile[];
  /** The user's `.tfbackend` files (not crossform's generated ones), sorted by path. */
  backendFiles: BackendFile[];
  /** Present when the repository has a crossform.yaml. */
  config?: LintConfigFacts;
}

/** What a rule reports: where, what, and how to fix it. */
export interface RuleReport {
  /** The file path as the repository names it. */
  file: string;
  /** A syntax-tree range, or a single position in a non-Terraform file. */
  range: HclRange | LintLocation;
  /** Lowercase; names the wrong value and says what is wrong. */
  message: string;
  /** What to change. */
  hint: string;
}

/** What `create` receives. */
export interface RuleContext<Facts = unknown> {
  repository: LintRepository;
  /** What the rule's `collect` returned for a file (undefined when it has no `collect`). */
  factsOf(file: LintFile): Facts;
  report(report: RuleReport): void;
}

/** One lint rule: its meta, an optional per-file stage and a synchronous check over the repository. */
export interface LintRule<Facts = unknown> {
  meta: RuleMeta;
  /**
   * The facts the rule needs from one Terraform file, as plain data (no functions, no cycles):
   * they may be computed in a worker thread and copied to the thread that runs `create`.
   */
  collect?(file: HclFile): Facts;
  create(context: RuleContext<Facts>): void;
}

/**
 * Whether a module directory is reusable code, deployed to several accounts: a module another
 * directory calls; a root deployed to several accounts (a crossform per-account stack, several
 * Terragrunt units); or a directory of a module library linted alone, which nothing here calls but
 * which has neither a backend nor a provider configuration of its own, so it cannot be deployed as
 * it is.
 */
export function isReusable(module: LintModule): boolean {
  if (module.role === "module") return true;
  if (module.stack !== undefined)
    return module.stack.mode === "per-account" && module.stack.accountCount > 1;
  if (module.terragruntUnits.length > 0) return module.terragruntUnits.length > 1;
  return (
    module.generatedFiles.length === 0 &&
    module.summary.backends.length === 0 &&
    module.summary.providers.length === 0 &&
    module.summary.variables.length > 0
  );
}
