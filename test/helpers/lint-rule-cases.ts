import assert from "node:assert/strict";
import { posix } from "node:path";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { runLint } from "../../src/core/lint/engine.ts";
import type { LintReport } from "../../src/core/lint/engine.ts";
import { lintSourceKind, readLintSource } from "../../src/core/lint/file-facts.ts";
import { lintRules } from "../../src/core/lint/registry.ts";
import { buildLintRepository } from "../../src/core/lint/repository-model.ts";
import type { RepositoryFacts } from "../../src/core/lint/repository-model.ts";
import type {
  LintConfigFacts,
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
  /** File name -> text: `.tf`, `.tf.json`, Terragrunt `.hcl` and `.tfbackend` files. */
  files: Record<string, string>;
  /** Names of crossform-generated files present in the directory. */
  generated?: string[];
  /** The crossform stack deployed from the directory (mode `per-account` and no aliases unless given). */
  stack?: Pick<LintStack, "name" | "accountCount"> & Partial<LintStack>;
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

/**
 * Builds the repository model the app builds, from in-memory files: each file read with the same
 * per-file stage (`readLintSource`), the model assembled by `buildLintRepository`.
 */
export function buildRepository(
  parser: HclParser,
  input: TestRepository,
  rules: readonly LintRule[] = lintRules,
): LintRepository {
  const reads = input.modules.flatMap((entry) =>
    Object.entries(entry.files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([name, text]) => {
        const kind = lintSourceKind(name);
        if (kind === undefined) return [];
        const path = posix.join(entry.dir, name);
        return [readLintSource(kind, path, text, (p, t) => parser.parse(p, t), rules)];
      }),
  );
  const stacks = new Map<string, LintStack>();
  for (const entry of input.modules) {
    if (entry.stack !== undefined)
      stacks.set(entry.dir, { mode: "per-account", aliases: [], ...entry.stack });
  }
  const facts: RepositoryFacts = {
    terraform: reads.flatMap((read) => (read.kind === "terraform" ? [read.file] : [])),
    generated: input.modules.flatMap((entry) =>
      (entry.generated ?? []).map((name) => posix.join(entry.dir, name)),
    ),
    terragrunt: reads.flatMap((read) => (read.kind === "terragrunt" ? [read.file] : [])),
    backends: reads.flatMap((read) => (read.kind === "tfbackend" ? [read.file] : [])),
    stacks,
  };
  if (input.config !== undefined) facts.config = input.config;
  const repository = buildLintRepository(facts);
  for (const entry of input.modules) {
    const module = repository.modules.find((candidate) => candidate.dir === entry.dir);
    if (module !== undefined && entry.role !== undefined) module.role = entry.role;
  }
  return repository;
}

/** Runs one rule over a test repository. */
export function lintWith(parser: HclParser, rule: LintRule, input: TestRepository): LintReport {
  return runLint(buildRepository(parser, input, [rule]), [rule]);
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
