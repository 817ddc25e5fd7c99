/**
 * Assembles the repository the rules see from the facts of its files: Terraform files grouped into
 * module directories (with merged summaries), local module calls and the roles they imply,
 * Terragrunt units and the directories they deploy, `.tfbackend` files next to the backends they
 * complete, and the stacks of crossform.yaml. Every path is repository-relative POSIX.
 */
import { mergeModuleSummaries } from "../hcl/module-summary.ts";
import type { BackendFile } from "./backend-file.ts";
import { ancestorsOf, dirOf, joinPath } from "./repository-path.ts";
import type {
  LintConfigFacts,
  LintFile,
  LintModule,
  LintModuleCall,
  LintRepository,
  LintStack,
} from "./rule.ts";
import { resolveTerragruntUnits } from "./terragrunt.ts";
import type { TerragruntConfigFile } from "./terragrunt.ts";

/** The facts of every file read, and the crossform.yaml facts. */
export interface RepositoryFacts {
  /** Terraform files, in path order. */
  terraform: LintFile[];
  /** Paths of the files crossform generated (not linted, but wiring). */
  generated: string[];
  terragrunt: TerragruntConfigFile[];
  backends: BackendFile[];
  /** crossform stacks by directory. */
  stacks?: ReadonlyMap<string, LintStack>;
  config?: LintConfigFacts;
}

/** Builds the repository model. */
export function buildLintRepository(facts: RepositoryFacts): LintRepository {
  const byDir = new Map<string, LintFile[]>();
  for (const file of facts.terraform) {
    const dir = dirOf(file.path);
    const list = byDir.get(dir) ?? [];
    list.push(file);
    byDir.set(dir, list);
  }
  const generatedByDir = new Map<string, string[]>();
  for (const path of facts.generated) {
    const dir = dirOf(path);
    generatedByDir.set(dir, [
      ...(generatedByDir.get(dir) ?? []),
      path.slice(path.lastIndexOf("/") + 1),
    ]);
  }
  const dirs = [...byDir.keys()].sort();
  const modules = new Map<string, LintModule>();
  const calls: LintModuleCall[] = [];
  for (const dir of dirs) {
    const files = byDir.get(dir) ?? [];
    const summary = mergeModuleSummaries(files.map((file) => file.summary));
    const module: LintModule = {
      dir,
      role: "root",
      files,
      summary,
      generatedFiles: generatedByDir.get(dir) ?? [],
      terragruntUnits: [],
      backendFiles: [],
    };
    const stack = facts.stacks?.get(dir);
    if (stack !== undefined) module.stack = stack;
    modules.set(dir, module);
  }
  for (const module of modules.values()) {
    for (const call of module.summary.moduleCalls) {
      if (call.sourceKind !== "local" || call.source === undefined) continue;
      const to = joinPath(module.dir, call.source.replace(/\\/g, "/"));
      if (to === module.dir || !modules.has(to)) continue;
      calls.push({ from: module.dir, to, call });
    }
  }
  for (const call of calls) {
    const callee = modules.get(call.to);
    if (callee !== undefined && callee.stack === undefined) callee.role = "module";
  }
  const terragruntUnits = resolveTerragruntUnits(facts.terragrunt);
  for (const unit of terragruntUnits) {
    if (unit.moduleDir !== undefined) modules.get(unit.moduleDir)?.terragruntUnits.push(unit);
  }
  for (const backend of facts.backends) {
    const owner = ancestorsOf(dirOf(backend.path))
      .map((dir) => modules.get(dir))
      .find((module) => module !== undefined && hasS3Backend(module));
    owner?.backendFiles.push(backend);
  }
  const repository: LintRepository = {
    modules: dirs.map((dir) => modules.get(dir) as LintModule),
    calls,
    terragruntUnits,
    terragruntFiles: facts.terragrunt,
    backendFiles: facts.backends,
  };
  if (facts.config !== undefined) repository.config = facts.config;
  return repository;
}

function hasS3Backend(module: LintModule): boolean {
  return module.summary.backends.some(
    (backend) => backend.kind === "backend" && backend.type === "s3",
  );
}
