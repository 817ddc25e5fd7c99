import assert from "node:assert/strict";
import { posix } from "node:path";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { summarizeModule } from "../../src/core/hcl/module-summary.ts";
import { runLint } from "../../src/core/lint/engine.ts";
import type { LintReport } from "../../src/core/lint/engine.ts";
import type {
  LintConfigFacts,
  LintModule,
  LintModuleCall,
  LintRepository,
  LintRule,
  LintStack,
  ModuleRole,
} from "../../src/core/lint/rule.ts";
import type { HclParser } from "../../src/ports/hcl-parser.ts";

/** One directory of a test repository. */
export interface TestModule {
  /** Repository-relative POSIX directory. */
  dir: string;
  /** Default: `module` when another test module calls it, else `root`. */
  role?: ModuleRole;
  /** File name -> text. */
  files: Record<string, string>;
  /** Names of crossform-generated files present in the directory. */
  generated?: string[];
  stack?: LintStack;
}

/** A repository for a rule test. */
export interface TestRepository {
  modules: TestModule[];
  config?: LintConfigFacts;
}

/** The finding a case expects, by rule id and position. */
export interface ExpectedFinding {
  file: string;
  line: number;
  column: number;
}

/** One row of a rule's valid/invalid table: `expected` empty for a valid case. */
export interface RuleCase {
  name: string;
  repository: TestRepository;
  expected: ExpectedFinding[];
}

/** Builds the repository model the app would build, from in-memory files. */
export function buildRepository(parser: HclParser, input: TestRepository): LintRepository {
  const dirs = new Set(input.modules.map((module) => module.dir));
  const calls: LintModuleCall[] = [];
  const modules: LintModule[] = input.modules.map((entry) => {
    const files = Object.entries(entry.files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, text]) => parser.parse(posix.join(entry.dir, name), text));
    const summary = summarizeModule(files);
    for (const call of summary.moduleCalls) {
      if (call.sourceKind !== "local" || call.source === undefined) continue;
      const to = posix.normalize(posix.join(entry.dir, call.source));
      if (dirs.has(to)) calls.push({ from: entry.dir, to, call });
    }
    const module: LintModule = {
      dir: entry.dir,
      role: entry.role ?? "root",
      files,
      summary,
      generatedFiles: entry.generated ?? [],
    };
    if (entry.stack !== undefined) module.stack = entry.stack;
    return module;
  });
  const called = new Set(calls.map((call) => call.to));
  for (const [index, module] of modules.entries()) {
    if (input.modules[index]?.role === undefined && called.has(module.dir)) module.role = "module";
  }
  const repository: LintRepository = { modules, calls };
  if (input.config !== undefined) repository.config = input.config;
  return repository;
}

/** Runs one rule over a test repository. */
export function lintWith(parser: HclParser, rule: LintRule, input: TestRepository): LintReport {
  return runLint(buildRepository(parser, input), [rule]);
}

/** Registers one test per case: the rule's findings are exactly the expected ones (rule id, file, line, column). */
export function ruleCases(rule: LintRule, cases: RuleCase[]): void {
  let parser: HclParser;
  before(async () => {
    parser = await createTreeSitterHclParser();
  });
  describe(`${rule.meta.id} cases`, () => {
    for (const entry of cases) {
      test(`${entry.expected.length === 0 ? "valid" : "invalid"}: ${entry.name}`, () => {
        const report = lintWith(parser, rule, entry.repository);
        const found = report.findings.map((finding) => ({
          ruleId: finding.ruleId,
          file: finding.file,
          line: finding.line,
          column: finding.column,
        }));
        assert.deepEqual(
          found,
          entry.expected.map((expected) => ({ ruleId: rule.meta.id, ...expected })),
          report.findings.map((finding) => finding.message).join("\n"),
        );
      });
    }
  });
}
