// Benchmark of `crossform lint` against the bare HCL parser over the same files. Run it with the
// project's Node 24 after a build: `npm run build && npx node bench/lint.ts [--modules 600]
// [--roots 400] [--rounds 3] [--seed 42] [--corpus DIR] [--keep]`.
//
// It generates a repository of modules and roots (5 files each; 5,000 files by default) in a
// temporary directory (bench/lint-repository.ts, with planted pitfalls), or takes the Terraform
// files under --corpus (a directory of checked-out public repositories, for instance), then
// measures in one run, each `--rounds` times after one warm-up, reporting the best:
//   - bare parse, sync reads: read (readFileSync) and parse every file with
//     createTreeSitterHclParser on this one thread, nothing else: the baseline;
//   - bare parse, async reads: the same with one `await readFile` per file, as lint read files
//     before (the first lead of issue 16);
//   - crossform lint, library: lint() with the reader the CLI uses (worker threads and this
//     thread), directory walk, facts, module graph, rules;
// and `--rounds` times the built CLI end to end (`crossform lint --format json` to a file, a new
// process each time): wall time and peak memory (maxRSS of the process, worker threads included).
// Prints wall and CPU time (this process's user + system, every thread) and the ratios against
// the bare parse. Not part of `npm test`.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { NodeFileSystem } from "../src/adapters/fs/node-file-system.ts";
import { createLintSourceReader } from "../src/adapters/hcl/lint-source-reader.ts";
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
    corpus: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const ROUNDS = Math.max(2, Number(values.rounds));
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const SKIPPED = new Set([".git", ".terraform", ".terragrunt-cache", ".crossform", "node_modules"]);
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

/** Every `.tf` and `.tf.json` file under `dir`, as lint finds them. */
async function terraformFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path)).isDirectory())) {
      if (!SKIPPED.has(entry.name)) out.push(...(await terraformFiles(path)));
    } else if (/\.tf(\.json)?$/.test(entry.name) && !entry.name.startsWith(".")) out.push(path);
  }
  return out.sort();
}

/** Runs the built CLI once: wall time, exit code, peak memory, the JSON it printed. */
function runCli(
  cwd: string,
  out: string,
): Promise<{ ms: number; code: number | null; maxRssMb: number }> {
  // Prints the process's peak RSS (KB, worker threads included) to fd 3 when it exits.
  const probe =
    'data:text/javascript,process.on("exit",()=>process.getBuiltinModule("node:fs").writeSync(3,String(process.resourceUsage().maxRSS)))';
  return new Promise((done, fail) => {
    const fd = openSync(out, "w");
    const start = performance.now();
    const child = spawn(process.execPath, ["--import", probe, CLI, "lint", "--format", "json"], {
      cwd,
      stdio: ["ignore", fd, "inherit", "pipe"],
    });
    let rss = "";
    child.stdio[3]?.on("data", (chunk: Buffer) => (rss += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      closeSync(fd);
      done({ ms: performance.now() - start, code, maxRssMb: Number(rss) / 1024 });
    });
  });
}

const generated = values.corpus === undefined;
const dir = values.corpus ?? (await mkdtemp(join(tmpdir(), "crossform-bench-lint-")));
try {
  let files: string[];
  let shape: string;
  if (generated) {
    log(`generating the repository in ${dir}...`);
    const repo = await generateRepository(dir, {
      modules: Number(values.modules),
      roots: Number(values.roots),
      seed: Number(values.seed),
    });
    files = repo.files.sort();
    shape = `generated: ${repo.modules} modules, ${repo.roots} roots`;
  } else {
    files = await terraformFiles(dir);
    shape = `corpus ${dir}`;
  }
  const bytes = files.reduce((sum, path) => sum + readFileSync(path).length, 0);
  const megabytes = bytes / 1_000_000;
  const parser = await createTreeSitterHclParser();
  const fs = new NodeFileSystem();
  const reader = createLintSourceReader(parser);

  const bareSync = async (): Promise<number> => {
    let errors = 0;
    for (const path of files)
      errors += parser.parse(path, readFileSync(path, "utf8")).errors.length;
    return errors;
  };
  const bareAsync = async (): Promise<number> => {
    let errors = 0;
    for (const path of files)
      errors += parser.parse(path, await readFile(path, "utf8")).errors.length;
    return errors;
  };
  const libraryLint = async (): Promise<LintReport> => {
    const result = await lint({ fs, parser, reader }, { cwd: dir, paths: ["."] });
    if (!result.ok) throw new Error(`lint refused the repository: ${JSON.stringify(result)}`);
    return result.report;
  };

  log("warming up...");
  const syntaxErrors = await bareSync();
  if (generated && syntaxErrors > 0)
    throw new Error(`${syntaxErrors} syntax errors in the generated files`);
  await bareAsync();
  const report = await libraryLint();
  if (report.fileCount !== files.length)
    throw new Error(`lint read ${report.fileCount} files, ${files.length} were found`);

  const names = ["sync", "async", "lint"] as const;
  const wall: Record<(typeof names)[number], number[]> = { sync: [], async: [], lint: [] };
  const cpu: Record<(typeof names)[number], number[]> = { sync: [], async: [], lint: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    log(`round ${round + 1} of ${ROUNDS}...`);
    for (const [name, run] of [
      ["sync", bareSync],
      ["async", bareAsync],
      ["lint", libraryLint],
    ] as const) {
      const result = await timed<unknown>(run);
      wall[name].push(result.ms);
      cpu[name].push(result.cpu);
    }
  }

  log("crossform lint --format json (built CLI, a new process each round)...");
  const out = join(tmpdir(), `crossform-bench-lint-${process.pid}.json`);
  const cli: { ms: number; code: number | null; maxRssMb: number }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) cli.push(await runCli(dir, out));
  const cliJson = JSON.parse(await readFile(out, "utf8")) as { findings?: unknown[] };
  await rm(out, { force: true });

  const best = (xs: number[]): number => Math.min(...xs);
  const row = (name: string, ms: number, cpuMs: number): string =>
    `${name.padEnd(40)} ${(ms / 1000).toFixed(2).padStart(6)} s ${String(Math.round((files.length * 1000) / ms)).padStart(5)} files/s ${((megabytes * 1000) / ms).toFixed(2).padStart(5)} MB/s   CPU ${Number.isNaN(cpuMs) ? "     -" : `${(cpuMs / 1000).toFixed(2).padStart(6)} s`}`;
  const byRule = new Map<string, number>();
  for (const finding of report.findings)
    byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
  const parse = best(wall.sync);
  const parseCpu = best(cpu.sync);
  const linted = best(wall.lint);
  const lintCpu = best(cpu.lint);
  const cliBest = best(cli.map((c) => c.ms));
  const peak = Math.max(...cli.map((c) => c.maxRssMb));
  const perFiveThousand = (ms: number): number => (ms * 5000) / files.length / 1000;

  const lines = [
    "",
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")} at the end, ${new Date().toISOString()}`,
    `repository: ${shape}; ${files.length} Terraform files, ${megabytes.toFixed(2)} MB, ${(bytes / files.length / 1000).toFixed(1)} KB a file`,
    `findings: ${report.findings.length} (${[...byRule]
      .sort()
      .map(([id, n]) => `${id} ${n}`)
      .join(", ")}); CLI: exit ${cli[0]?.code}, ${cliJson.findings?.length ?? 0} findings`,
    `wall samples (s): ${names.map((n) => `${n} ${wall[n].map((x) => (x / 1000).toFixed(2)).join("/")}`).join("; ")}; CLI ${cli.map((c) => (c.ms / 1000).toFixed(2)).join("/")}`,
    `${"".padEnd(40)} best of ${ROUNDS}`,
    row("bare parse, sync reads (1 thread)", parse, parseCpu),
    row("bare parse, async reads (1 thread)", best(wall.async), best(cpu.async)),
    row(`crossform lint, library (${availableParallelism()} threads)`, linted, lintCpu),
    `${row("crossform lint --format json, CLI", cliBest, Number.NaN)}   peak RSS ${peak.toFixed(0)} MB (max of ${ROUNDS})`,
    `async / sync reads: ${(best(wall.async) / parse).toFixed(2)}x wall, ${(best(cpu.async) / parseCpu).toFixed(2)}x CPU`,
    `lint / bare parse: ${(linted / parse).toFixed(2)}x wall, ${(lintCpu / parseCpu).toFixed(2)}x CPU (goal: at most 1.25x) ${lintCpu / parseCpu <= 1.25 ? "met" : "MISSED"}`,
    `5,000 files: ${perFiveThousand(linted).toFixed(2)} s with the library, ${perFiveThousand(cliBest).toFixed(2)} s with the CLI (goal: under 6 s) ${perFiveThousand(cliBest) < 6 ? "met" : "MISSED"}`,
    `CLI peak memory: ${peak.toFixed(0)} MB for ${files.length} files (goal: under 250 MB for a corpus of about 3,400) ${peak < 250 ? "met" : "MISSED"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  if (generated) {
    if (values.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
