/**
 * What a lint rule is and what it sees: the parser-agnostic syntax tree of every Terraform file of a
 * repository, arranged as module directories with their roles and local calls, and the units of a
 * crossform.yaml when there is one. Rules never touch the parser library or the file system.
 */
import type { ModuleCallSummary, ModuleSummary } from "../hcl/module-summary.ts";
import type { HclFile, HclRange } from "../hcl/syntax.ts";

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

/** One directory holding `.tf` or `.tf.json` files. */
export interface LintModule {
  /** Repository-relative POSIX path (`.` for the top). */
  dir: string;
  role: ModuleRole;
  /** The user's files, parsed; their `path` is repository-relative POSIX. */
  files: HclFile[];
  summary: ModuleSummary;
  /** Names of files crossform generated here (its provider wiring, for instance). */
  generatedFiles: string[];
  /** The crossform stack deployed from this directory, when crossform.yaml names one. */
  stack?: LintStack;
}

/** A stack of crossform.yaml, as the rules need it. */
export interface LintStack {
  name: string;
  /** Number of distinct accounts the stack deploys to. */
  accountCount: number;
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
export interface RuleContext {
  repository: LintRepository;
  report(report: RuleReport): void;
}

/** One lint rule: its meta and a synchronous check over the repository. */
export interface LintRule {
  meta: RuleMeta;
  create(context: RuleContext): void;
}
