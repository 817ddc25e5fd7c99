// Benchmark of the run engine (`crossform apply`) against the plain terraform commands it replaces,
// with real terraform and one moto_server. Run it with the project's Node 24 after a build:
// `npm run build && npx node bench/run.ts [--accounts 24] [--sleep 2] [--parallel 8] [--rounds 3]
// [--keep]`.
// It generates two fixtures in a temporary directory, each a crossform.yaml of N accounts (fixed
// ids, one region, a state bucket per account) and one stack of a single `terraform_data`:
//   - slow: its apply waits `--sleep` seconds in a `local-exec` provisioner;
//   - trivial: nothing to wait for (the terraform processes themselves are the load).
// The per-unit commands of the baselines are those `crossform explain` prints (init -reconfigure
// with the unit's backend file, plan -out, show -json, apply of the saved plan, each unit with its
// own TF_DATA_DIR), one bash script per unit. Every case starts from empty state: the emulator is
// reset, the state buckets are bootstrapped again and every data directory is removed. Cases:
//   1. slow units: a sequential bash loop over the unit scripts against crossform apply --all
//      --auto-approve --parallel 8: the ratio, and crossform's makespan against the ideal;
//   2. slow units: crossform at --parallel 1 against the same loop: crossform's overhead (run
//      right after the loop);
//   3. trivial units: xargs -P <run.parallel default> over the unit scripts against crossform
//      apply at its default parallelism;
//   4. trivial units, already applied: a second `crossform plan` (every data directory current, so
//      no init) against a bash loop running each unit's init and plan, `--rounds` times.
// Each line gives the wall time, the CPU time of the process tree and of moto_server, and how busy
// the machine was, with the share taken by other processes (a shared machine shows here). Timings
// of crossform's phases come from its own timestamped progress lines. Not part of `npm test`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Config } from "../src/core/config/model.ts";
import { readConfigText } from "../src/core/config/read-config.ts";
import { explainUnit } from "../src/core/generate/explain.ts";
import type { Unit } from "../src/core/units/units.ts";
import { getStateObject } from "../test/helpers/aws-accounts.ts";
import { startMoto } from "../test/helpers/moto.ts";
import type { MotoServer } from "../test/helpers/moto.ts";
import { terraformEnv } from "../test/helpers/terraform.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "24" },
    sleep: { type: "string", default: "2" },
    parallel: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const SLEEP = Number(values.sleep);
const PARALLEL = Number(values.parallel);
const ROUNDS = Number(values.rounds);
const CPUS = availableParallelism();
for (const [flag, value] of [
  ["--accounts", ACCOUNTS],
  ["--sleep", SLEEP],
  ["--parallel", PARALLEL],
  ["--rounds", ROUNDS],
] as const) {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${flag} ${value} is not a whole number of at least 1`);
  }
}

const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "dist", "cli", "main.js");
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);

/** One generated fixture: its directory, its configuration and its units. */
interface Fixture {
  name: string;
  dir: string;
  stackPath: string;
  config: Config;
  units: Unit[];
  /** One bash script per unit: the commands `crossform explain` prints for it. */
  scripts: string[];
  /** One bash script per unit: its init and plan only (case 4). */
  planScripts: string[];
  timings: string;
}

/** What one timed process did. */
interface Timed {
  code: number | null;
  stdout: string;
  stderr: string;
  startedAt: number;
  wallMs: number;
  /** CPU time (user + system) of the process and its descendants; NaN where /proc is missing. */
  cpuMs: number;
  /** CPU time of the emulator meanwhile, in ms. */
  motoCpuMs: number;
  /** Share of the whole machine's CPU time that was busy meanwhile (any process). */
  machineBusy: number;
  /** Share of the whole machine's CPU time used by processes of neither this case nor moto. */
  othersBusy: number;
}

/** A phase of a crossform run, read from its progress lines. */
interface Phase {
  name: string;
  start: number;
  end: number;
  durations: number[];
}

/** The profile of one crossform run. */
interface CrossformProfile {
  timed: Timed;
  /** From the process start to the first progress line: startup, config, freshness, version. */
  startupMs: number;
  /** Preflight verify: from its first line to the first wave line. */
  verifyMs: number;
  phases: Phase[];
  /** From the last unit's end to the process exit: summary and run records. */
  tailMs: number;
  steps: UnitSteps;
}

/** Where a crossform run's unit time went, summed over its units. */
interface UnitSteps {
  /** From the unit's start to its init: the mirrored working directory. */
  workspace: number;
  /** From the start of each command to the start of the next (or the unit's end). */
  init: number;
  plan: number;
  /** show -json, the redacted summary, the plan's binding. */
  show: number;
  /** The whole apply phase of the unit. */
  apply: number;
  /** The terraform processes alone, from the log (0.1 s resolution each). */
  processes: Record<(typeof STEPS)[number], number>;
}

/** Per-step sums of a baseline run, from the unit scripts' time stamps. */
interface StepSums {
  init: number;
  plan: number;
  show: number;
  apply: number;
  /** Each unit's whole duration. */
  units: number[];
}

const STEPS = ["init", "plan", "show", "apply"] as const;

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** user + system time of waited-for descendants, in ms (Linux /proc; NaN elsewhere). */
async function childrenCpuMs(): Promise<number> {
  try {
    const stat = await readFile("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 16 and 17 of proc(5), cutime and cstime, in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The pids of the moto_server processes (a wrapper and its Python, or one) serving `port`. */
async function motoPids(port: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0");
    const p = argv.indexOf("-p");
    if (argv.some((a) => a.endsWith("moto_server")) && p >= 0 && argv[p + 1] === String(port)) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** user + system time of these processes themselves, in ms (NaN where /proc is missing). */
async function processesCpuMs(pids: readonly number[]): Promise<number> {
  let ms = 0;
  for (const pid of pids) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ms += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return Number.NaN;
    }
  }
  return ms;
}

async function machineTicks(): Promise<{ busy: number; total: number }> {
  try {
    const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** Runs a command with argv (no shell, async: moto keeps running) and times it. */
async function timed(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Timed> {
  const cpuBefore = await childrenCpuMs();
  const motoBefore = await processesCpuMs(motoProcesses);
  const ticksBefore = await machineTicks();
  const startedAt = Date.now();
  const start = performance.now();
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
    },
  );
  const wallMs = performance.now() - start;
  const cpuMs = (await childrenCpuMs()) - cpuBefore;
  const motoCpuMs = (await processesCpuMs(motoProcesses)) - motoBefore;
  const ticksAfter = await machineTicks();
  const totalTicks = ticksAfter.total - ticksBefore.total;
  const machineBusy = (ticksAfter.busy - ticksBefore.busy) / totalTicks;
  // /proc/stat counts ticks of every CPU, 100 per second each: ms / 10 = ticks.
  const othersBusy = machineBusy - (cpuMs + motoCpuMs) / 10 / totalTicks;
  return { ...result, startedAt, wallMs, cpuMs, motoCpuMs, machineBusy, othersBusy };
}

function mustSucceed(what: string, result: Timed): Timed {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited with ${result.code}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`,
    );
  }
  return result;
}

function crossform(fx: Fixture, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return timed(process.execPath, [cli, ...args], { cwd: fx.dir, env });
}

const ids = Array.from({ length: ACCOUNTS }, (_, i) => String(200_000_000_000 + i));
const names = ids.map((_, i) => `a${String(i).padStart(2, "0")}`);

function configText(stack: string): string {
  return [
    "version: 1",
    "base: { region: us-east-1 }",
    "defaults: { role: OrganizationAccountAccessRole, regions: [us-east-1] }",
    'state: { bucket: "bench-run-{account_id}", key: "{stack}/terraform.tfstate" }',
    "accounts:",
    ...ids.map((id, i) => `  ${names[i]}: { id: "${id}" }`),
    "stacks:",
    `  ${stack}: { path: stacks/${stack}, accounts: [${names.join(", ")}] }`,
    "",
  ].join("\n");
}

const SLOW_TF = `resource "terraform_data" "wait" {
  input = var.crossform_account_id

  provisioner "local-exec" {
    command = "sleep ${SLEEP}"
  }
}
`;

const TRIVIAL_TF = `resource "terraform_data" "noop" {
  input = var.crossform_account_id
}
`;

/**
 * The bash script of one unit: explain's commands (those of `steps`), output to a log, a time
 * stamp after each.
 */
function unitScript(
  fx: Fixture,
  unit: Unit,
  logDir: string,
  steps: readonly string[] = STEPS,
): string {
  const stem = unit.id.replace(/\//g, "_");
  const logFile = join(logDir, `${stem}.log`);
  const stamp = (step: string): string =>
    `printf '%s %s %s\\n' ${quote(unit.id)} ${step} "$EPOCHREALTIME" >> ${quote(fx.timings)}`;
  const lines = ["set -euo pipefail", `cd ${quote(fx.dir)}`, stamp("start")];
  const binary = fx.config.terraform.binary;
  for (const raw of explainUnit(fx.config, unit).commands) {
    const line = raw.replace(/\s+#.*$/, "");
    const [word, step] = line.split(" ");
    if (word === "cd" || word === "export") {
      lines.push(line);
    } else if (word === binary && !steps.includes(step as string)) {
      continue;
    } else if (word === binary && STEPS.includes(step as (typeof STEPS)[number])) {
      // show -json's output is kept, as crossform keeps it to summarize the plan.
      const redirect =
        step === "show"
          ? `> ${quote(join(logDir, `${stem}.plan.json`))} 2>> ${quote(logFile)}`
          : `>> ${quote(logFile)} 2>&1`;
      lines.push(`${line} ${redirect}`, stamp(step as string));
    } else {
      throw new Error(
        `crossform explain ${unit.id} printed a line this benchmark cannot run: ${raw}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

async function makeFixture(
  root: string,
  stack: string,
  mainTf: string,
  env: NodeJS.ProcessEnv,
): Promise<Fixture> {
  const dir = join(root, stack);
  const stackPath = join(dir, "stacks", stack);
  await mkdir(stackPath, { recursive: true });
  const text = configText(stack);
  await writeFile(join(dir, "crossform.yaml"), text);
  await writeFile(join(stackPath, "main.tf"), mainTf);
  const read = readConfigText(text, "crossform.yaml");
  if (!read.ok) throw new Error(JSON.stringify(read.diagnostics, null, 2));
  const fx: Fixture = {
    name: stack,
    dir,
    stackPath,
    config: read.config,
    units: read.units.units,
    scripts: [],
    planScripts: [],
    timings: join(root, `${stack}-timings.txt`),
  };
  mustSucceed(`crossform generate (${stack})`, await crossform(fx, ["generate"], env));
  // The scripts run what the CLI's explain prints: check one unit against it.
  const first = fx.units[0]!;
  const shown = mustSucceed(
    `crossform explain ${first.id}`,
    await crossform(fx, ["explain", first.id, "--json"], env),
  );
  const commands = (JSON.parse(shown.stdout) as { commands: string[] }).commands;
  const expected = explainUnit(fx.config, first).commands;
  if (JSON.stringify(commands) !== JSON.stringify(expected)) {
    throw new Error(`crossform explain ${first.id} differs from explainUnit: ${shown.stdout}`);
  }
  const scriptDir = join(root, `${stack}-scripts`);
  const logDir = join(root, `${stack}-logs`);
  await mkdir(scriptDir);
  await mkdir(logDir);
  for (const unit of fx.units) {
    const file = join(scriptDir, `${unit.id.replace(/\//g, "_")}.sh`);
    await writeFile(file, unitScript(fx, unit, logDir));
    fx.scripts.push(file);
    const planOnly = join(scriptDir, `${unit.id.replace(/\//g, "_")}.init-plan.sh`);
    await writeFile(planOnly, unitScript(fx, unit, logDir, ["init", "plan"]));
    fx.planScripts.push(planOnly);
  }
  return fx;
}

/** Empty state for the next case: emulator reset, buckets again, no data dirs, no plans. */
async function freshStart(moto: MotoServer, fx: Fixture, env: NodeJS.ProcessEnv): Promise<void> {
  await moto.reset();
  mustSucceed(`crossform bootstrap (${fx.name})`, await crossform(fx, ["bootstrap"], env));
  await rm(join(fx.dir, ".crossform", "units"), { recursive: true, force: true });
  for (const entry of await readdir(fx.stackPath)) {
    if (entry.startsWith(".terraform-") || entry.endsWith(".tfplan")) {
      await rm(join(fx.stackPath, entry), { recursive: true, force: true });
    }
  }
  await writeFile(fx.timings, "");
}

/** Every unit's state object holds its one terraform_data resource. */
async function checkStates(moto: MotoServer, fx: Fixture): Promise<void> {
  for (const unit of fx.units) {
    const text = await getStateObject(moto.env, unit.state);
    const state = JSON.parse(text) as { resources?: { type: string }[] };
    if (state.resources?.length !== 1 || state.resources[0]?.type !== "terraform_data") {
      throw new Error(`the state of ${unit.id} does not hold its terraform_data: ${text}`);
    }
  }
}

async function stepSums(fx: Fixture): Promise<StepSums> {
  const stamps = new Map<string, Map<string, number>>();
  for (const line of (await readFile(fx.timings, "utf8")).split("\n")) {
    const [unit, step, at] = line.split(" ");
    if (!unit || !step || !at) continue;
    const unitStamps = stamps.get(unit) ?? new Map<string, number>();
    unitStamps.set(step, Number(at.replace(",", ".")) * 1000);
    stamps.set(unit, unitStamps);
  }
  const sums: StepSums = { init: 0, plan: 0, show: 0, apply: 0, units: [] };
  for (const unit of fx.units) {
    const s = stamps.get(unit.id);
    if (!s || s.size !== STEPS.length + 1)
      throw new Error(`${unit.id} has no complete time stamps`);
    let previous = s.get("start")!;
    for (const step of STEPS) {
      sums[step] += s.get(step)! - previous;
      previous = s.get(step)!;
    }
    sums.units.push(previous - s.get("start")!);
  }
  return sums;
}

async function baseline(
  fx: Fixture,
  kind: "loop" | "xargs",
  parallel: number,
  env: NodeJS.ProcessEnv,
): Promise<{ timed: Timed; steps: StepSums }> {
  const result = await runScripts(fx, fx.scripts, kind, parallel, env);
  return { timed: result, steps: await stepSums(fx) };
}

/** Runs unit scripts in a bash loop (one after another) or with xargs -P. */
async function runScripts(
  fx: Fixture,
  scripts: readonly string[],
  kind: "loop" | "xargs",
  parallel: number,
  env: NodeJS.ProcessEnv,
): Promise<Timed> {
  const list = scripts.map(quote).join(" ");
  const script =
    kind === "loop"
      ? `set -euo pipefail\nfor unit in ${list}; do bash "$unit"; done\n`
      : `set -euo pipefail\nprintf '%s\\n' ${list} | xargs -P ${parallel} -n 1 bash\n`;
  const file = join(fx.dir, "..", `${fx.name}-${kind}.sh`);
  await writeFile(file, script);
  return mustSucceed(`${kind} (${fx.name})`, await timed("bash", [file], { cwd: fx.dir, env }));
}

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/;
const UNIT_LINE = /^(plan|apply) (\S+): (.*)$/;

async function crossformApply(
  fx: Fixture,
  parallel: number | undefined,
  env: NodeJS.ProcessEnv,
  root: string,
): Promise<CrossformProfile> {
  const report = join(root, `${fx.name}-report-${parallel ?? "default"}.json`);
  const args = ["apply", "--all", "--allow-dirty", "--auto-approve", "--report", report];
  if (parallel !== undefined) args.push("--parallel", String(parallel));
  const result = mustSucceed(`crossform ${args.join(" ")}`, await crossform(fx, args, env));
  const units = (
    JSON.parse(await readFile(report, "utf8")) as {
      units: { id: string; status: string; has_changes: boolean; log_path: string }[];
    }
  ).units;
  const wrong = units.filter((u) => u.status !== "succeeded" || !u.has_changes);
  if (units.length !== fx.units.length || wrong.length > 0) {
    throw new Error(`crossform apply did not apply every unit: ${JSON.stringify(wrong)}`);
  }
  let first: number | undefined;
  let lastUnitEnd = 0;
  const waveStarts = new Map<string, number>();
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const phases = new Map<string, Phase>();
  for (const line of result.stderr.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1]!);
    const text = m[2]!;
    first ??= at;
    const wave = /^info: (plan|apply): wave /.exec(text);
    if (wave) {
      if (!waveStarts.has(wave[1]!)) waveStarts.set(wave[1]!, at);
      continue;
    }
    const u = UNIT_LINE.exec(text);
    if (!u) continue;
    const [, phaseName, unit, what] = u as unknown as [string, string, string, string];
    const key = `${phaseName} ${unit}`;
    if (what === "started") {
      started.set(key, at);
      continue;
    }
    finished.set(key, at);
    const phase = phases.get(phaseName) ?? {
      name: phaseName,
      start: waveStarts.get(phaseName) ?? at,
      end: at,
      durations: [],
    };
    phase.end = Math.max(phase.end, at);
    phase.durations.push(at - (started.get(key) ?? at));
    phases.set(phaseName, phase);
    lastUnitEnd = Math.max(lastUnitEnd, at);
  }
  const plan = phases.get("plan");
  const apply = phases.get("apply");
  if (first === undefined || !plan || !apply) {
    throw new Error(`crossform printed no timestamped progress lines:\n${result.stderr}`);
  }
  // Inside each unit: its log stamps the start of every terraform command and its duration.
  const steps: UnitSteps = {
    workspace: 0,
    init: 0,
    plan: 0,
    show: 0,
    apply: 0,
    processes: { init: 0, plan: 0, show: 0, apply: 0 },
  };
  for (const unit of units) {
    const commands = new Map<string, number>();
    let command: string | undefined;
    for (const line of (await readFile(join(fx.dir, unit.log_path), "utf8")).split("\n")) {
      const start = /^# (\S+Z) \S+ (\w+) /.exec(line);
      const exit = /^# exit \d+ after ([\d.]+) s$/.exec(line);
      if (start) {
        command = start[2]!;
        commands.set(command, Date.parse(start[1]!));
      } else if (exit && STEPS.includes(command as (typeof STEPS)[number])) {
        steps.processes[command as (typeof STEPS)[number]] += Number(exit[1]) * 1000;
      }
    }
    const at = (name: string, from: Map<string, number>, key: string): number => {
      const value = from.get(key);
      if (value === undefined) throw new Error(`no ${name} time for ${unit.id} (${key})`);
      return value;
    };
    const planStart = at("start", started, `plan ${unit.id}`);
    const planEnd = at("end", finished, `plan ${unit.id}`);
    const applyStart = at("start", started, `apply ${unit.id}`);
    const applyEnd = at("end", finished, `apply ${unit.id}`);
    const init = at("log", commands, "init");
    const planned = at("log", commands, "plan");
    const shown = at("log", commands, "show");
    steps.workspace += init - planStart;
    steps.init += planned - init;
    steps.plan += shown - planned;
    steps.show += planEnd - shown;
    steps.apply += applyEnd - applyStart;
  }
  return {
    timed: result,
    startupMs: first - result.startedAt,
    verifyMs: plan.start - first,
    phases: [plan, apply],
    tailMs: result.startedAt + result.wallMs - lastUnitEnd,
    steps,
  };
}

/** How many units of a run's report logged an init skipped by its fingerprint. */
async function initsSkipped(fx: Fixture, report: string): Promise<number> {
  const units = (JSON.parse(await readFile(report, "utf8")) as { units: { log_path: string }[] })
    .units;
  let skipped = 0;
  for (const unit of units) {
    const text = await readFile(join(fx.dir, unit.log_path), "utf8");
    if (text.includes("init skipped:")) skipped += 1;
  }
  return skipped;
}

/** The shortest a phase could take in a window of `parallel` with its units' own durations. */
function phaseIdeal(phase: Phase, parallel: number): number {
  const sum = phase.durations.reduce((a, b) => a + b, 0);
  return Math.max(sum / parallel, Math.max(...phase.durations));
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const times = (x: number): string => `${x.toFixed(2)}x`;
const verdict = (met: boolean): string => (met ? "met" : "missed");

const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;

function row(name: string, t: Timed): string {
  return `  ${name.padEnd(44)} ${sec(t.wallMs).padStart(8)}   cpu ${sec(t.cpuMs).padStart(7)}   moto cpu ${sec(t.motoCpuMs).padStart(6)}   machine busy ${pct(t.machineBusy).padStart(4)} (others ${pct(Math.max(0, t.othersBusy))})`;
}

function stepsLine(steps: StepSums): string {
  return `    steps summed over units: init ${sec(steps.init)}, plan ${sec(steps.plan)}, show -json ${sec(steps.show)}, apply ${sec(steps.apply)}`;
}

function profileLines(p: CrossformProfile, parallel: number): string[] {
  const t = p.steps;
  const processes = STEPS.reduce((a, step) => a + t.processes[step], 0);
  const inUnits = t.workspace + t.init + t.plan + t.show + t.apply;
  return [
    `    steps summed over units: workspace ${sec(t.workspace)}, init ${sec(t.init)}, plan ${sec(t.plan)}, show -json and summary ${sec(t.show)}, apply ${sec(t.apply)}`,
    `    of which terraform processes: init ${sec(t.processes.init)}, plan ${sec(t.processes.plan)}, show -json ${sec(t.processes.show)}, apply ${sec(t.processes.apply)}; crossform between them ${sec(inUnits - processes)} (${sec((inUnits - processes) / p.phases[0]!.durations.length)} per unit)`,
    `    start, config, freshness, terraform version ${sec(p.startupMs)}; preflight verify ${sec(p.verifyMs)}; summary and records ${sec(p.tailMs)}`,
    ...p.phases.map((phase) => {
      const sum = phase.durations.reduce((a, b) => a + b, 0);
      return `    ${phase.name} phase ${sec(phase.end - phase.start)}: ${phase.durations.length} units, sum ${sec(sum)}, longest ${sec(Math.max(...phase.durations))}, window-packed ideal ${sec(phaseIdeal(phase, parallel))}`;
    }),
  ];
}

const root = await mkdtemp(join(tmpdir(), "crossform-bench-run-"));
const moto = await startMoto();
const motoProcesses = await motoPids(moto.port);
const env = terraformEnv({ ...process.env, ...moto.env, AWS_EC2_METADATA_DISABLED: "true" });
try {
  const version = await timed("terraform", ["version"], { cwd: root, env });
  const terraform = version.stdout.split("\n")[0] ?? "terraform";
  const loadBefore = loadavg()[0] ?? Number.NaN;
  log(`generating the fixtures in ${root}...`);
  const slow = await makeFixture(root, "slow", SLOW_TF, env);
  const trivial = await makeFixture(root, "trivial", TRIVIAL_TF, env);
  const defaultParallel = trivial.config.run.parallel;

  log(`case 1 and 2 baseline: bash loop over ${ACCOUNTS} slow units, one after another...`);
  await freshStart(moto, slow, env);
  const loop = await baseline(slow, "loop", 1, env);
  await checkStates(moto, slow);

  // Right after the loop it is compared with, to share the machine's conditions most.
  log("case 2: crossform apply --all --parallel 1...");
  await freshStart(moto, slow, env);
  const serial = await crossformApply(slow, 1, env, root);
  await checkStates(moto, slow);

  log(`case 1: crossform apply --all --parallel ${PARALLEL}...`);
  await freshStart(moto, slow, env);
  const fast = await crossformApply(slow, PARALLEL, env, root);
  await checkStates(moto, slow);

  log(`case 3: xargs -P ${defaultParallel} over ${ACCOUNTS} trivial units...`);
  await freshStart(moto, trivial, env);
  const xargs = await baseline(trivial, "xargs", defaultParallel, env);
  await checkStates(moto, trivial);

  log(`case 3: crossform apply --all at its default parallelism (${defaultParallel})...`);
  await freshStart(moto, trivial, env);
  const cpuBound = await crossformApply(trivial, undefined, env, root);
  await checkStates(moto, trivial);

  log(`case 4: ${ROUNDS} rounds of a second plan of ${ACCOUNTS} unchanged trivial units...`);
  mustSucceed("crossform plan (first)", await crossform(trivial, ["plan"], env));
  const planRounds: { loop: Timed; plan: Timed; skipped: number }[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const initPlanLoop = await runScripts(trivial, trivial.planScripts, "loop", 1, env);
    const report = join(root, `second-plan-${i}.json`);
    const plan = mustSucceed(
      "crossform plan (second)",
      await crossform(trivial, ["plan", "--report", report], env),
    );
    planRounds.push({ loop: initPlanLoop, plan, skipped: await initsSkipped(trivial, report) });
  }
  const byPlan = [...planRounds].sort((a, b) => a.plan.wallMs - b.plan.wallMs);
  const secondPlan = byPlan[Math.floor(byPlan.length / 2)]!;
  const byLoop = [...planRounds].sort((a, b) => a.loop.wallMs - b.loop.wallMs);
  const initPlan = byLoop[Math.floor(byLoop.length / 2)]!.loop;
  const planRatio = secondPlan.plan.wallMs / initPlan.wallMs;

  const loopMs = loop.timed.wallMs;
  const speedup = loopMs / fast.timed.wallMs;
  const ideal = loopMs / PARALLEL;
  const packed = fast.phases.reduce((a, p) => a + phaseIdeal(p, PARALLEL), 0);
  const phasesMs = fast.phases.reduce((a, p) => a + (p.end - p.start), 0);
  const overhead = serial.timed.wallMs / loopMs;
  const cpuRatio = cpuBound.timed.wallMs / xargs.timed.wallMs;
  const out = [
    `run engine, ${ACCOUNTS} units of one stack (terraform_data), ${terraform}, ${CPUS} CPUs, moto_server; ${new Date().toISOString().slice(0, 10)}`,
    `load average (1 min) ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(2)} after; cpu = the process and its children`,
    "",
    `case 1: apply, each unit's apply waits ${SLEEP} s in local-exec`,
    row("bash loop, sequential (explain's commands)", loop.timed),
    stepsLine(loop.steps),
    row(`crossform apply --parallel ${PARALLEL}`, fast.timed),
    ...profileLines(fast, PARALLEL),
    `  loop / crossform: ${times(speedup)} (goal: at least 6x): ${verdict(speedup >= 6)}`,
    `  ideal = loop / ${PARALLEL} = ${sec(ideal)}; makespan / ideal: ${times(fast.timed.wallMs / ideal)} (goal: at most 1.15x): ${verdict(fast.timed.wallMs <= 1.15 * ideal)}`,
    `  window-packed ideal from crossform's own unit durations (sum of the phases' max(sum / ${PARALLEL}, longest)): ${sec(packed)}; phases / that: ${times(phasesMs / packed)}; makespan / that: ${times(fast.timed.wallMs / packed)}`,
    `  CPU floor on ${CPUS} CPUs: loop (terraform + moto) ${sec((loop.timed.cpuMs + loop.timed.motoCpuMs) / CPUS)}, crossform run (terraform + crossform + moto) ${sec((fast.timed.cpuMs + fast.timed.motoCpuMs) / CPUS)}`,
    "",
    "case 2: crossform's own overhead, one unit at a time",
    row("bash loop, sequential (as in case 1)", loop.timed),
    row("crossform apply --parallel 1", serial.timed),
    ...profileLines(serial, 1),
    `  crossform / loop: ${times(overhead)} (goal: at most 1.05x): ${verdict(overhead <= 1.05)}; ${sec((serial.timed.wallMs - loopMs) / ACCOUNTS)} per unit`,
    "",
    `case 3: ${ACCOUNTS} trivial units (nothing to wait for), ${defaultParallel} at a time`,
    row(`xargs -P ${defaultParallel} over the unit scripts`, xargs.timed),
    stepsLine(xargs.steps),
    row(`crossform apply (default parallelism, ${defaultParallel})`, cpuBound.timed),
    ...profileLines(cpuBound, defaultParallel),
    `  crossform / xargs: ${times(cpuRatio)} (goal: at most 1.10x): ${verdict(cpuRatio <= 1.1)}`,
    "",
    `case 4: a second plan of ${ACCOUNTS} unchanged trivial units (median of ${ROUNDS} rounds)`,
    row("bash loop, init + plan per unit (explain's)", initPlan),
    row(`crossform plan (default parallelism, ${defaultParallel})`, secondPlan.plan),
    `  inits skipped by crossform: ${secondPlan.skipped} of ${ACCOUNTS}`,
    `  crossform / loop: ${times(planRatio)} (goal: at most 0.70x): ${verdict(planRatio <= 0.7)}; rounds (loop, crossform): ${planRounds.map((r) => `${sec(r.loop.wallMs)}, ${sec(r.plan.wallMs)}`).join("; ")}`,
    "",
  ];
  process.stdout.write(out.join("\n"));
  if (values.keep) await appendFile(join(root, "results.txt"), out.join("\n"));
} finally {
  await moto.stop();
  if (values.keep) log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
