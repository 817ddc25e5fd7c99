/**
 * crossform's public library API: everything the CLI does, as typed functions.
 *
 * The use cases (`loadConfig`, `validate`, `generate`, `profiles`) reach files and Terraform source
 * only through ports (`FileSystem`, `FileWriter`, `HclParser`); pass the adapters exported here
 * (`NodeFileSystem`, `AtomicFileWriter`, `createTreeSitterHclParser`) or your own implementations.
 * The pure parts (`readConfigText`, `selectUnits`, `generateFiles`, `explainUnit`) take values and
 * return values, with no I/O. `runCommand` (plan, apply, destroy, drift, output) also needs AWS
 * (`SdkAwsSessions`) and Terraform (`SpawnTerraformRunner`), and returns a `RunReport` that the
 * run formatters render.
 *
 * ```ts
 * import { NodeFileSystem, createTreeSitterHclParser, validate, formatDiagnostics } from "crossform";
 *
 * const report = await validate(
 *   { fs: new NodeFileSystem(), parser: await createTreeSitterHclParser() },
 *   { cwd: process.cwd() },
 * );
 * if (!report.valid) console.error(formatDiagnostics(report.diagnostics));
 * ```
 *
 * Only what this module exports is public and follows semantic versioning; every other module
 * of the package is internal and may change in any release. See docs/library.md.
 * @packageDocumentation
 */
export { CrossformError, formatPosition } from "./core/errors.ts";
export type { Diagnostic, ErrorSource, Severity, SourcePosition } from "./core/errors.ts";
export { formatDiagnostics } from "./formatters/diagnostics.ts";
export { readConfigText } from "./core/config/read-config.ts";
export type { ReadConfigResult } from "./core/config/read-config.ts";
export { configJsonSchema, configSchema } from "./core/config/schema.ts";
export type { WrittenConfig } from "./core/config/schema.ts";
export type {
  Account,
  Config,
  LockSetting,
  Stack,
  StackMode,
  StateSettings,
  Vars,
  Wave,
} from "./core/config/model.ts";
export { selectUnits } from "./core/units/select-units.ts";
export type { SelectionRequest, SelectionResult } from "./core/units/select-units.ts";
export { parseSelector } from "./core/units/selector.ts";
export type { Selector, SelectorTerm } from "./core/units/selector.ts";
export { parseShard, resolveWave, shardOf, unitsOfShard } from "./core/units/shard.ts";
export type { Shard } from "./core/units/shard.ts";
export type { StateAddress, Unit, UnitSet, UnitTarget } from "./core/units/units.ts";
export { CONFIG_FILE_NAME, findConfigFile, loadConfig } from "./app/load-config.ts";
export type { LoadConfigOptions, LoadConfigResult, LoadedConfig } from "./app/load-config.ts";
export { validate } from "./app/validate.ts";
export type { ValidatedUnit, ValidateReport } from "./app/validate.ts";
export { computeGeneratedFiles, generate } from "./app/generate.ts";
export type { FileChange, GenerateDeps, GenerateReport } from "./app/generate.ts";
export { baseCredentialSource, checkProfiles, profileSpecs, profiles } from "./app/profiles.ts";
export type { ProfilesEnvironment, ProfilesReport } from "./app/profiles.ts";
export type { AwsCredentialSource, AwsProfileSpec } from "./core/profiles/aws-config-block.ts";
export type { BaseCredentialSource } from "./core/profiles/base-credential-source.ts";
export type { ProfilesCheck, ProfileState } from "./core/profiles/profiles-check.ts";
export { generateFiles } from "./core/generate/generate-files.ts";
export type { GeneratedFile, StackCodeFacts } from "./core/generate/generate-files.ts";
export { explainUnit } from "./core/generate/explain.ts";
export type { UnitExplanation } from "./core/generate/explain.ts";
export type { DirectoryEntry, FileSystem, PathInfo } from "./ports/file-system.ts";
export type { FileWriter, WriteAtomicOptions, WriteAtomicResult } from "./ports/file-writer.ts";
export type { HclParser } from "./ports/hcl-parser.ts";
export { NodeFileSystem } from "./adapters/fs/node-file-system.ts";
export { AtomicFileWriter } from "./adapters/fs/atomic-write.ts";
export { createTreeSitterHclParser } from "./adapters/hcl/tree-sitter-hcl-parser.ts";

// Identity across the fleet: verify, bootstrap, discover, init.
export { verify } from "./app/verify.ts";
export type {
  AccountVerification,
  BaseVerification,
  ProfilesVerification,
  VerifyDeps,
  VerifyOptions,
  VerifyReport,
} from "./app/verify.ts";
export {
  selectVerifyTargets,
  verifySelectionForUnits,
  verifySelectionOfShard,
} from "./core/identity/verify-selection.ts";
export { bootstrap, emitBootstrapTemplate } from "./app/bootstrap.ts";
export type { BootstrapDeps, BootstrapOptions } from "./app/bootstrap.ts";
export type { AccountOutcome, BootstrapReport, ResourceOutcome } from "./core/bootstrap/report.ts";
export { discoverOrganization, discoveryYaml, mergeDiscovery } from "./app/discover.ts";
export type { Discovery, MergeReport } from "./app/discover.ts";
export { init } from "./app/init.ts";
export type { InitReport, InitRequest } from "./app/init.ts";
export type { AwsSessions, AccountTarget, BaseIdentity } from "./ports/aws.ts";
export type { EventSink } from "./ports/event-sink.ts";
export { SdkAwsSessions } from "./adapters/aws/sdk-aws-sessions.ts";

// Running Terraform across units: plan, apply, destroy, drift, output; run records and reports.
export { runCommand } from "./app/run/run-command.ts";
export { approvalAccountsOf, approvalProblem } from "./core/run/approvals.ts";
export type { ApprovalFlags } from "./core/run/approvals.ts";
export type { ApprovedPlan, ExcessReason, ReplanExcess } from "./core/run/replan-scope.ts";
export { EXIT_CODES, exitCodeOf } from "./core/exit-codes.ts";
export type { ExitName } from "./core/exit-codes.ts";
export { EVENT_CODES } from "./core/events/event-codes.ts";
export type { EventCode } from "./core/events/event-codes.ts";
export { NodeJournalFiles } from "./adapters/fs/append-journal.ts";
export { NodeProcessTable } from "./adapters/system/node-process-table.ts";
export type { JournalFiles, JournalHandle } from "./ports/journal.ts";
export type { ProcessIdentity, ProcessTable } from "./ports/process-table.ts";
export type {
  ConfirmRequest,
  ConfirmRun,
  RunDeps,
  RunOptions,
  RunResult,
} from "./app/run/run-types.ts";
export { listRunReports, loadRunReport } from "./app/run/run-records.ts";
export { listRuns, loadRun } from "./app/run/run-history.ts";
export { pruneRuns } from "./app/run/prune-runs.ts";
export type { PruneReport, PruneRunsDeps } from "./app/run/prune-runs.ts";
export type { PrunePolicy, ProtectedReason } from "./core/run/prune-policy.ts";
export type { DirectoryRemover } from "./ports/file-writer.ts";
export type { MergeReportFilesOptions } from "./app/report/merge-report-files.ts";
export { mergeRunReports } from "./core/report/merge-reports.ts";
export type { MergeInput } from "./core/report/merge-reports.ts";
export { mergeReportFiles, readRunReportFile } from "./app/report/merge-report-files.ts";
export { runExit, runExitCode } from "./core/report/run-report.ts";
export type {
  RunCommand,
  RunExitCode,
  RunState,
  RunReport,
  RunTotals,
  UnitReport,
  UnitStatus,
} from "./core/report/run-report.ts";
export type { RecordedCommand } from "./core/report/run-report.ts";
export { formatRunSummary } from "./formatters/run-summary.ts";

// Adopting existing states (docs/commands/adopt.md).
export { adopt } from "./app/adopt/adopt.ts";
export type { AdoptDeps, AdoptOptions, AdoptResult } from "./app/adopt/adopt.ts";
export { moveFromFlags, movesFromMappingFile, movesFromPrevious } from "./app/adopt/adopt-plan.ts";
export type { WrittenMapping, WrittenSource } from "./core/adopt/adopt-mapping.ts";
export { parseAdoptMapping } from "./core/adopt/adopt-mapping.ts";
export { adoptMoves } from "./core/adopt/adopt-moves.ts";
export type { AdoptMove, MovesResult } from "./core/adopt/adopt-moves.ts";
export type { AdoptOutcome, AdoptReport, AdoptUnitReport } from "./core/adopt/adopt-report.ts";
export type { StateAccess, StateSource } from "./core/adopt/state-source.ts";
export { formatAdopt, formatAdoptJson } from "./formatters/adopt.ts";
export { formatRunMarkdown } from "./formatters/run-markdown.ts";
export type { RunMarkdownOptions } from "./formatters/run-markdown.ts";
export { formatRunJson } from "./formatters/run-json.ts";
export {
  formatRunReport,
  RUN_REPORT_FORMATTERS,
  runReportFormatOfFile,
} from "./formatters/run-report-formats.ts";
export type { RunReportFormat } from "./formatters/run-report-formats.ts";
export { formatRunHtml } from "./formatters/run-html.ts";
export type { Clock } from "./ports/clock.ts";
export type {
  EndedCommand,
  RecordWriteProblem,
  TerraformCommand,
  TerraformProcess,
  TerraformResult,
  TerraformRunner,
  UnitLocation,
  UnitWorkspace,
  UnitWorkspaceSpec,
} from "./ports/terraform-runner.ts";
export type { TerraformVersionInfo } from "./core/run/terraform-version-check.ts";
export { SpawnTerraformRunner } from "./adapters/terraform/spawn-terraform-runner.ts";
export { GitCliStatus } from "./adapters/git/git-cli-status.ts";
export type { GitStatus } from "./ports/git.ts";
export type { SpawnTerraformRunnerOptions } from "./adapters/terraform/spawn-terraform-runner.ts";

// Reading `terraform show -json <planfile>` output into a plan summary.
export {
  decodePlanText,
  planHasChanges,
  planStatus,
  summarizePlan,
} from "./core/plan/plan-summary.ts";
export type {
  AttributeChange,
  OutputChangeSummary,
  PlanStatus,
  PlanSummary,
  ResourceAction,
  ResourceChangeSummary,
} from "./core/plan/plan-summary.ts";

// Lint: the multi-account pitfalls, in any Terraform repository.
export { lint } from "./app/lint.ts";
export type { LintAdapters, LintRequest, LintResult } from "./app/lint.ts";
export { lintRules } from "./core/lint/registry.ts";
export type { LintFinding, LintReport } from "./core/lint/engine.ts";
export type { LintRule, RuleMeta } from "./core/lint/rule.ts";
export { createLintSourceReader } from "./adapters/hcl/lint-source-reader.ts";
export type { LintSourceReader } from "./ports/lint-source-reader.ts";
export { formatLintJson } from "./formatters/lint-json.ts";
export { formatLintPretty } from "./formatters/lint-pretty.ts";
export type { LintPrettyOptions } from "./formatters/lint-pretty.ts";
export { formatLintSarif } from "./formatters/lint-sarif.ts";
export type { LintSarifOptions } from "./formatters/lint-sarif.ts";

// CI pipelines: the GitHub Actions workflow and the GitLab CI jobs of a configuration.
export { ciPipeline } from "./app/ci.ts";
export type { CiDeps, CiReport, CiRequest } from "./app/ci.ts";
export { ciPipelineModel } from "./core/ci/pipeline-model.ts";
export type {
  CiInstall,
  CiModelOptions,
  CiPipelineModel,
  CiPlanJobs,
  CiPlanUnit,
  CiPlatform,
  CiWave,
} from "./core/ci/pipeline-model.ts";
export { githubWorkflow } from "./core/ci/github-workflow.ts";
export { gitlabPipeline } from "./core/ci/gitlab-pipeline.ts";
export { renderCiFile } from "./core/ci/ci-file.ts";
export type { Sha256 } from "./core/ci/ci-file.ts";
export { formatCi } from "./formatters/ci.ts";
