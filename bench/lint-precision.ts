// Draws the sample of findings that docs/lint-precision.md judges: `npx node bench/lint-precision.ts
// --corpus DIR [--seed 2026] [--per-rule 20] [--json]`. DIR holds one checked-out repository per
// directory (never committed here). Each repository is linted on its own, as its team would lint
// it (the library lint(), paths relative to that repository); then, for every rule, up to
// --per-rule findings are drawn across the repositories in turns (one from each repository with
// findings left, in name order, each repository's findings shuffled with a seeded generator), so
// that no single large repository fills a rule's sample. Prints, per rule, the number of findings
// and the sample with the line each finding points at, for a person to judge true or false by
// reading the code. Not part of `npm test`.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { NodeFileSystem } from "../src/adapters/fs/node-file-system.ts";
import { createLintSourceReader } from "../src/adapters/hcl/lint-source-reader.ts";
import { createTreeSitterHclParser } from "../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { lint } from "../src/app/lint.ts";
import type { LintFinding } from "../src/core/lint/engine.ts";
import { prng } from "./lint-repository.ts";

const { values } = parseArgs({
  options: {
    corpus: { type: "string" },
    seed: { type: "string", default: "2026" },
    "per-rule": { type: "string", default: "20" },
    json: { type: "boolean", default: false },
  },
});
if (values.corpus === undefined) throw new Error("--corpus DIR is required");
const corpus = values.corpus;
const perRule = Number(values["per-rule"]);

/** A seeded generator (bench/lint-repository.ts) per string: the same sample for the same seed and rule. */
function random(seed: string): () => number {
  return prng([...seed].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 2654435761) >>> 0, 7));
}

function shuffle<T>(items: T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const parser = await createTreeSitterHclParser();
const adapters = { fs: new NodeFileSystem(), parser, reader: createLintSourceReader(parser) };
const repos = (await readdir(corpus, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const byRule = new Map<string, Map<string, LintFinding[]>>();
for (const repo of repos) {
  process.stderr.write(`linting ${repo}...\n`);
  const result = await lint(adapters, { cwd: join(corpus, repo), paths: ["."] });
  if (!result.ok) continue;
  for (const finding of result.report.findings) {
    const perRepo = byRule.get(finding.ruleId) ?? new Map<string, LintFinding[]>();
    perRepo.set(repo, [...(perRepo.get(repo) ?? []), finding]);
    byRule.set(finding.ruleId, perRepo);
  }
}

const sample: {
  rule: string;
  total: number;
  repo: string;
  where: string;
  message: string;
  line: string;
}[] = [];
for (const rule of [...byRule.keys()].sort()) {
  const perRepo = byRule.get(rule) as Map<string, LintFinding[]>;
  const next = random(`${values.seed}-${rule}`);
  const queues = new Map([...perRepo].map(([repo, findings]) => [repo, shuffle(findings, next)]));
  const total = [...perRepo.values()].reduce((sum, findings) => sum + findings.length, 0);
  let drawn = 0;
  while (drawn < perRule && [...queues.values()].some((queue) => queue.length > 0)) {
    for (const repo of [...queues.keys()].sort()) {
      const finding = queues.get(repo)?.pop();
      if (finding === undefined || drawn >= perRule) continue;
      drawn += 1;
      const text = await readFile(join(corpus, repo, finding.file), "utf8").catch(() => "");
      sample.push({
        rule,
        total,
        repo,
        where: `${finding.file}:${finding.line}:${finding.column}`,
        message: finding.message,
        line: (text.split("\n")[finding.line - 1] ?? "").trim(),
      });
    }
  }
}

if (values.json) process.stdout.write(`${JSON.stringify(sample, null, 2)}\n`);
else {
  let current = "";
  for (const entry of sample) {
    if (entry.rule !== current) {
      current = entry.rule;
      process.stdout.write(`\n## ${entry.rule} (${entry.total} findings)\n`);
    }
    process.stdout.write(`- ${entry.repo} ${entry.where}\n  ${entry.message}\n  > ${entry.line}\n`);
  }
}
