/**
 * Reads each stack's Terraform code (root and local modules) and derives what generation needs:
 * whether the aws provider is required, whether the root has a backend block of its own. Finds
 * the code-level configuration errors `validate` reports: a missing stack directory, a backend
 * of another type, registry modules without `providers:`, user variables the stack never declares,
 * and code that clashes with the generated providers or reaches a multi-account stack's default.
 */
import { join, relative } from "node:path";
import type { Diagnostic } from "../core/errors.ts";
import { wiresAws } from "../core/generate/generate-files.ts";
import type { StackCodeFacts } from "../core/generate/generate-files.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { HclParser } from "../ports/hcl-parser.ts";
import type { LoadedConfig } from "./load-config.ts";
import { awsRequirement, backendBlock, buildModuleGraph } from "./module-graph.ts";
import type { ModuleGraph } from "./module-graph.ts";
import { providerWiringDiagnostics } from "./provider-wiring-checks.ts";

/** The facts of every stack, and the problems found. */
export interface StackInspection {
  facts: Map<string, StackCodeFacts>;
  graphs: Map<string, ModuleGraph>;
  diagnostics: Diagnostic[];
}

/** Inspects every stack of a loaded configuration. */
export async function inspectStacks(
  loaded: LoadedConfig,
  deps: { fs: FileSystem; parser: HclParser },
): Promise<StackInspection> {
  const facts = new Map<string, StackCodeFacts>();
  const graphs = new Map<string, ModuleGraph>();
  const diagnostics: Diagnostic[] = [];
  const { config } = loaded;
  const shown = (path: string): string => relative(loaded.dir, path) || ".";

  for (const stack of config.stacks.values()) {
    const dir = join(loaded.dir, stack.path);
    if (!(await deps.fs.exists(dir))) {
      diagnostics.push({
        severity: "error",
        code: "stack/missing-directory",
        message: `stack ${stack.name}: directory ${stack.path} does not exist`,
        hint: "create the stack's root module there, or correct stacks." + stack.name + ".path",
        position: config.locator.positionOf(["stacks", stack.name, "path"]),
      });
      continue;
    }
    const graph = await buildModuleGraph(dir, {
      fs: deps.fs,
      parser: deps.parser,
      displayBase: loaded.dir,
    });
    graphs.set(stack.name, graph);
    diagnostics.push(...graph.diagnostics);

    const backend = backendBlock(graph);
    if (backend.kind === "other") {
      const b = backend.backend;
      diagnostics.push({
        severity: "error",
        code: "stack/unsupported-backend",
        message: `stack ${stack.name} declares ${b.kind === "cloud" ? "a cloud block" : `backend "${b.type}"`}; crossform keeps each unit's state in S3`,
        hint: `remove the block (crossform generates backend "s3" {}) or change it to backend "s3" {}`,
        position: { file: shown(b.file), line: b.range.start.line, column: b.range.start.column },
      });
    } else if (backend.kind === "duplicate") {
      const b = backend.backends[1] ?? backend.backends[0];
      diagnostics.push({
        severity: "error",
        code: "stack/duplicate-backend",
        message: `stack ${stack.name} declares ${backend.backends.length} backend blocks`,
        hint: 'keep one backend "s3" {} block, or none (crossform then generates it)',
        ...(b
          ? {
              position: {
                file: shown(b.file),
                line: b.range.start.line,
                column: b.range.start.column,
              },
            }
          : {}),
      });
    }

    const aws = awsRequirement(graph);
    if (stack.providers === undefined && aws.nonLocalCalls.length > 0 && !aws.required) {
      const call = aws.nonLocalCalls[0]!.call;
      diagnostics.push({
        severity: "error",
        code: "stack/providers-unknown",
        message: `stack ${stack.name} calls module "${call.name}" from ${call.source ?? "a non-local source"}, which crossform does not read, so it cannot tell whether the stack needs aws`,
        hint: `set stacks.${stack.name}.providers: [aws] (or [] when it needs no aws provider)`,
        position: config.locator.positionOf(["stacks", stack.name]),
      });
    }
    const fact = { requiresAws: aws.required, hasBackendBlock: backend.kind === "s3" };
    facts.set(stack.name, fact);
    if (wiresAws(stack, fact)) {
      diagnostics.push(
        ...providerWiringDiagnostics({
          config,
          stack,
          units: loaded.units.units.filter((u) => u.stack === stack.name),
          graph,
          base: loaded.dir,
        }),
      );
    }

    // User variables must be declared by the stack, or Terraform ignores them with a warning.
    const root = graph.modules.find((m) => m.dir === graph.root);
    const declared = new Set(root?.summary.variables.map((v) => v.name) ?? []);
    const reported = new Set<string>();
    for (const unit of loaded.units.units.filter((u) => u.stack === stack.name)) {
      const account = config.accounts.get(unit.account);
      const names = Object.keys({
        ...account?.vars,
        ...stack.vars,
        ...stack.targetVars[unit.account],
      });
      for (const name of names) {
        if (declared.has(name) || reported.has(name)) continue;
        reported.add(name);
        diagnostics.push({
          severity: "warning",
          code: "stack/undeclared-variable",
          message: `variable ${name} is set for stack ${stack.name} (unit ${unit.id}) but ${stack.path} declares no variable "${name}"`,
          hint: `declare variable "${name}" in the stack, or move the value to the stacks that use it`,
          position: config.locator.positionOf(["stacks", stack.name]),
        });
      }
    }
  }
  return { facts, graphs, diagnostics };
}
