// Benchmark of `crossform lint` against the bare HCL parser over the same files. Run it with the
// project's Node 24 after a build: `npm run build && npx node bench/lint.ts [--modules 600]
// [--roots 400] [--rounds 3] [--seed 42] [--keep]`. It generates a repository of modules and roots
// (5 files each; 5,000 files by default) in a temporary directory (bench/lint-repository.ts, with
// planted pitfalls), then measures in one run, each `--rounds` times after one warm-up, reporting
// the best:
//   - parser: read and parse every file with createTreeSitterHclParser, nothing else (the file list
//     is taken before timing);
//   - lint: the library lint() with the same file system adapter and parser (directory walk, parse,
//     module graph, rules);
// and once the built CLI end to end (`crossform lint --format json` to a file, a new process).
// Prints files/s and MB/s by wall time and by this process's CPU time (which other work on the
// machine disturbs less), and the ratio lint / parser. Not part of `npm test`.
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { NodeFileSystem } from "../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { lint } from "../src/app/lint.ts";
import type { LintReport } from "../src/core/lint/engine.ts";
import { generateRepository } from "./lint-repository.ts";

const { values } = parseArgs({
  options: {
    modules: { type: "string", default: "600" },
    roots: { type: "string", default: "400" },
    rounds: { type: "string", default: "3" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
  },
});
const ROUNDS = Math.max(2, Number(values.rounds));
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

const dir = await mkdtemp(join(tmpdir(), "crossform-bench-lint-"));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Wall time, and the CPU time of this process (user + system, every thread) in milliseconds. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const value = await run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return { ms, cpu: (used.user + used.system) / 1000, value };
}

try {
  log(`generating the repository in ${dir}...`);
  const repo = await generateRepository(dir, {
    modules: Number(values.modules),
    roots: Number(values.roots),
    seed: Number(values.seed),
  });
  const megabytes = repo.bytes / 1_000_000;
  const parser = await createTreeSitterHclParser();
  const fs = new NodeFileSystem();

  const bareParse = async (): Promise<number> => {
    let errors = 0;
    for (const path of repo.files) {
      const file = parser.parse(path, await readFile(path, "utf8"));
      errors += file.errors.length;
    }
    return errors;
  };
  const libraryLint = async (): Promise<LintReport> => {
    const result = await lint({ fs, parser }, { cwd: dir, paths: ["."] });
    if (!result.ok) throw new Error(`lint refused the repository: ${JSON.stringify(result)}`);
    return result.report;
  };

  log("warming up...");
  const syntaxErrors = await bareParse();
  if (syntaxErrors > 0) throw new Error(`${syntaxErrors} syntax errors in the generated files`);
  const report = await libraryLint();
  if (report.fileCount !== repo.files.length)
    throw new Error(`lint read ${report.fileCount} files, ${repo.files.length} were written`);

  const samples = { parser: [] as number[], lint: [] as number[] };
  const cpuSamples = { parser: [] as number[], lint: [] as number[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    log(`round ${round + 1} of ${ROUNDS}...`);
    const parsed = await timed(bareParse);
    samples.parser.push(parsed.ms);
    cpuSamples.parser.push(parsed.cpu);
    const linted = await timed(libraryLint);
    samples.lint.push(linted.ms);
    cpuSamples.lint.push(linted.cpu);
  }

  log("crossform lint --format json (built CLI, new process)...");
  const out = join(tmpdir(), `crossform-bench-lint-${process.pid}.json`);
  const cli = await timed(
    () =>
      new Promise<number | null>((done, fail) => {
        const fd = openSync(out, "w");
        const child = spawn(process.execPath, [CLI, "lint", "--format", "json"], {
          cwd: dir,
          stdio: ["ignore", fd, "inherit"],
        });
        child.on("error", fail);
        child.on("close", (code) => {
          closeSync(fd);
          done(code);
        });
      }),
  );
  const cliJson = JSON.parse(await readFile(out, "utf8")) as { findings?: unknown[] };
  const cliBytes = (await stat(out)).size;
  await rm(out, { force: true });

  const best = (xs: number[]): number => Math.min(...xs);
  const parse = best(samples.parser);
  const linted = best(samples.lint);
  const parseCpu = best(cpuSamples.parser);
  const lintCpu = best(cpuSamples.lint);
  const row = (name: string, ms: number, cpu: number): string =>
    `${name.padEnd(36)} ${(ms / 1000).toFixed(2).padStart(6)} s ${String(Math.round((repo.files.length * 1000) / ms)).padStart(5)} files/s ${((megabytes * 1000) / ms).toFixed(2).padStart(5)} MB/s   CPU ${(cpu / 1000).toFixed(2).padStart(6)} s ${String(Math.round((repo.files.length * 1000) / cpu)).padStart(5)} files/s ${((megabytes * 1000) / cpu).toFixed(2).padStart(5)} MB/s`;
  const byRule = new Map<string, number>();
  for (const finding of report.findings)
    byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);

  const lines = [
    "",
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}, ${new Date().toISOString()}`,
    `repository: ${repo.files.length} files (${repo.modules} modules, ${repo.roots} roots), ${megabytes.toFixed(2)} MB, ${(repo.bytes / repo.files.length / 1000).toFixed(1)} KB a file`,
    `findings: ${report.findings.length} (${[...byRule]
      .sort()
      .map(([id, n]) => `${id} ${n}`)
      .join(", ")})`,
    `best of ${ROUNDS} (wall samples: parser ${samples.parser.map((x) => (x / 1000).toFixed(2)).join(", ")} s; lint ${samples.lint.map((x) => (x / 1000).toFixed(2)).join(", ")} s)`,
    `${"".padEnd(36)} ${"wall time (best)".padEnd(38)}   ${"CPU time of this process (best)"}`,
    row("bare parser (read + parse)", parse, parseCpu),
    row("crossform lint, library", linted, lintCpu),
    `${row("crossform lint --format json, CLI", cli.ms, Number.NaN).split("   CPU")[0] ?? ""}   (a new process: start, grammar load, output)`,
    `CLI: exit ${cli.value}, ${cliJson.findings?.length ?? 0} findings, ${(cliBytes / 1000).toFixed(0)} KB of JSON`,
    `lint / parser: ${(linted / parse).toFixed(2)}x wall, ${(lintCpu / parseCpu).toFixed(2)}x CPU (goal: at most 1.25x) ${lintCpu / parseCpu <= 1.25 ? "met" : "MISSED"}`,
    `5,000 files: ${((linted * 5000) / repo.files.length / 1000).toFixed(2)} s with the library, ${((cli.ms * 5000) / repo.files.length / 1000).toFixed(2)} s with the CLI (goal: under 10 s) ${cli.ms * (5000 / repo.files.length) < 10_000 ? "met" : "MISSED"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  if (values.keep) log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
