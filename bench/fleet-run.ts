// Benchmark of `crossform plan` over a fleet at organisation scale with a stand-in terraform that
// answers at once (bench/fleet.ts): what crossform itself costs per unit, its peak memory, and
// whether the verification of the accounts overlaps the units. Run it with the project's Node 24
// after a build: `npm run build && npx node bench/fleet-run.ts [--accounts 3000] [--stacks 3]
// [--parallel 4] [--second] [--profile DIR] [--keep]` (3,000 x 3 + 1 = 9,001 units by default; one
// moto_server, a hardened state bucket made in each account). `--profile DIR` writes a CPU profile of each plan's crossform process into DIR.
//   - baseline: the same stand-in commands a unit's plan runs (plan -out, show -json), for every
//     unit, 4 at a time with `xargs -P` and no crossform: the floor of starting the processes;
//   - first plan: `crossform plan --parallel 4` on a fresh fleet (init, plan, show per unit);
//   - with `--second`, a second plan: the same again (every data directory current: no init).
// For each plan it prints the wall time, the time to the first unit's start, the unit phase (first
// unit's start to last unit's end) per unit, the CPU time per unit of crossform's own process
// (`process.cpuUsage()` at its exit, every thread; its relays and the stand-ins are processes of
// their own), the same less what `crossform verify` of the same accounts costs (measured in the
// same run: the per-account work the plan overlaps with its units), the peak RSS of crossform's process (GNU time's %M) and when the last account was verified against
// when the first unit started. Goals (issue 17): crossform's own cost under 10 ms a unit, peak RSS
// under 300 MB, verification overlapped with the units.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mapWithWindow } from "../src/core/concurrency/sliding-window.ts";
import { emulatorCliEnv } from "../test/helpers/cli.ts";
import { createTestBucket } from "../test/helpers/emulator-accounts.ts";
import { startMoto } from "../test/helpers/moto.ts";
import { terraformEnv } from "../test/helpers/terraform.ts";
import { machineLine, measured, runProcess, writeFleet, writeStandInTerraform } from "./fleet.ts";
import type { Measured } from "./fleet.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "3000" },
    stacks: { type: "string", default: "3" },
    parallel: { type: "string", default: "4" },
    profile: { type: "string" },
    second: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const STACKS = Number(values.stacks);
const PARALLEL = Number(values.parallel);
for (const [name, n] of Object.entries({ ACCOUNTS, STACKS, PARALLEL })) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name.toLowerCase()} must be a whole number >= 1`);
}
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const load = (): string => (loadavg()[0] ?? 0).toFixed(2);

/** What one measured plan did. */
interface PlanRun {
  measured: Measured;
  /** crossform's own process: user + system CPU, ms. */
  ownCpuMs: number;
  /** From the process start to the first unit's start, ms. */
  toFirstUnitMs: number;
  /** From the first unit's start to the last unit's end, ms. */
  unitPhaseMs: number;
  /** When the last account's verification ended, ms after the first unit's start. */
  lastVerifiedAfterFirstUnitMs: number;
  units: number;
  loadBefore: string;
  loadAfter: string;
}

const STAMPED = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/;
const UNIT = /^plan (\S+): (started|\w+)/;
const ACCOUNT = /^a\d+ \(\d{12}\): (ok|failed)/;

/** Runs crossform with `args` under GNU time; its own CPU (ms), read by itself as it exits. */
async function ownCpu(
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string,
  args: string[],
): Promise<{ result: Measured; cpuMs: number }> {
  const cpuFile = join(dir, `${name}.cpu.json`);
  // Its children (relays, stand-ins: processes of their own, started by its spawner) are not in it.
  const hook = `data:text/javascript,${encodeURIComponent(
    `import { writeFileSync } from "node:fs"; process.on("exit", () => writeFileSync(${JSON.stringify(cpuFile)}, JSON.stringify(process.cpuUsage())));`,
  )}`;
  const profile =
    values.profile === undefined
      ? []
      : ["--cpu-prof", `--cpu-prof-dir=${values.profile}`, `--cpu-prof-name=${name}.cpuprofile`];
  const result = await measured([process.execPath, ...profile, "--import", hook, CLI, ...args], {
    cwd: dir,
    env,
  });
  if (result.code !== 0)
    throw new Error(`crossform ${args[0]} exited ${result.code}:\n${result.stderr.slice(-3000)}`);
  const cpu = JSON.parse(await readFile(cpuFile, "utf8")) as { user: number; system: number };
  return { result, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function plan(dir: string, env: NodeJS.ProcessEnv, name: string): Promise<PlanRun> {
  const loadBefore = load();
  const startedAt = Date.now();
  const { result, cpuMs } = await ownCpu(dir, env, name, ["plan", "--parallel", String(PARALLEL)]);
  let firstUnit = Number.POSITIVE_INFINITY;
  let lastUnit = 0;
  let lastVerified = 0;
  let units = 0;
  for (const line of result.stderr.split("\n")) {
    const stamped = STAMPED.exec(line);
    if (!stamped) continue;
    const at = Date.parse(stamped[1] as string);
    const text = stamped[2] as string;
    const unit = UNIT.exec(text);
    if (unit?.[2] === "started") firstUnit = Math.min(firstUnit, at);
    else if (unit) {
      lastUnit = Math.max(lastUnit, at);
      units += 1;
    }
    if (ACCOUNT.test(text)) lastVerified = Math.max(lastVerified, at);
  }
  return {
    measured: result,
    ownCpuMs: cpuMs,
    toFirstUnitMs: firstUnit - startedAt,
    unitPhaseMs: lastUnit - firstUnit,
    lastVerifiedAfterFirstUnitMs: lastVerified - firstUnit,
    units,
    loadBefore,
    loadAfter: load(),
  };
}

/** The stand-in's plan and show for every unit, `PARALLEL` at a time, with no crossform. */
async function baseline(dir: string, env: NodeJS.ProcessEnv, units: number): Promise<Measured> {
  const plans = join(dir, "baseline-plans");
  await mkdir(plans, { recursive: true });
  const script = join(dir, "baseline-unit.sh");
  await writeFile(
    script,
    `#!/bin/sh\nterraform plan -input=false -out=${plans}/$1.tfplan > /dev/null; terraform show -json ${plans}/$1.tfplan > ${plans}/$1.json\n`,
  );
  const list = join(dir, "baseline-units.txt");
  await writeFile(list, Array.from({ length: units }, (_, i) => `u${i}`).join("\n"));
  return measured(["sh", "-c", `xargs -P ${PARALLEL} -n 1 sh ${script} < ${list}`], {
    cwd: dir,
    env,
  });
}

const root = await mkdtemp(join(tmpdir(), "crossform-bench-fleet-run-"));
const moto = await startMoto();
try {
  const dir = join(root, "fleet");
  const fleet = await writeFleet(dir, { accounts: ACCOUNTS, stacks: STACKS, multiAccount: true });
  const env = terraformEnv(emulatorCliEnv(moto.env, { home: join(root, "home"), root }));
  const real = (
    await runProcess(["sh", "-c", "command -v terraform"], { cwd: dir, env })
  ).stdout.trim();
  const bin = await writeStandInTerraform(root, real, join(root, "markers"));
  env.PATH = `${bin}:${env.PATH ?? ""}`;
  log(
    `${fleet.units} units: generate, and a hardened state bucket in each account (not measured)...`,
  );
  const generated = await runProcess([process.execPath, CLI, "generate"], { cwd: dir, env });
  if (generated.code !== 0) throw new Error(`generate: ${generated.stderr.slice(-3000)}`);
  // What verify checks, made directly (crossform bootstrap also creates roles: minutes more).
  await mapWithWindow(fleet.ids, 16, (id) =>
    createTestBucket(moto.env, { bucket: `bench-fleet-${id}`, ownerId: id }),
  );
  log(`baseline: the stand-in's commands for ${fleet.units} units, ${PARALLEL} at a time...`);
  const floor = await baseline(root, env, fleet.units);
  log(`verify of the same accounts (load ${load()})...`);
  const verified = await ownCpu(dir, env, "verify", ["verify"]);
  log(`first plan (load ${load()})...`);
  const first = await plan(dir, env, "first");
  const second = values.second
    ? (log(`second plan (load ${load()})...`), await plan(dir, env, "second"))
    : undefined;

  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const s = (x: number): string => `${(x / 1000).toFixed(1)} s`;
  const floorPerUnit = (floor.seconds * 1000) / fleet.units;
  const lines = [
    "",
    machineLine(),
    `fleet: ${ACCOUNTS} accounts x ${STACKS} stacks + 1 multi-account = ${fleet.units} units, stand-in terraform, --parallel ${PARALLEL}`,
    `baseline (the stand-in's plan + show per unit, xargs -P ${PARALLEL}): ${s(floor.seconds * 1000)}, ${ms(floorPerUnit)} a unit, CPU ${s((floor.userSeconds + floor.systemSeconds) * 1000)}`,
    ...[
      ["first plan (init, plan, show)", first],
      ...(second === undefined ? [] : [["second plan (init skipped)", second]]),
    ].map(([label, raw]) => {
      const r = raw as PlanRun;
      const perUnit = r.unitPhaseMs / r.units;
      const own = r.ownCpuMs / r.units;
      const unitsOwn = (r.ownCpuMs - verified.cpuMs) / r.units;
      return [
        `${label}: ${s(r.measured.seconds * 1000)} (load ${r.loadBefore} before, ${r.loadAfter} after), ${r.units} units ended`,
        `  to the first unit: ${s(r.toFirstUnitMs)}; last account verified ${s(r.lastVerifiedAfterFirstUnitMs)} after the first unit started (${r.lastVerifiedAfterFirstUnitMs > 0 ? "overlapped" : "NOT overlapped"})`,
        `  unit phase ${s(r.unitPhaseMs)}: ${ms(perUnit)} a unit (${(perUnit / floorPerUnit).toFixed(2)}x the baseline's ${ms(floorPerUnit)})`,
        `  crossform's own process: CPU ${s(r.ownCpuMs)}, ${ms(own)} a unit; without what \`crossform verify\` of the same accounts costs (${s(verified.cpuMs)}): ${ms(unitsOwn)} a unit (goal under 10 ms: ${unitsOwn < 10 ? "met" : "MISSED"})`,
        `  peak RSS ${(r.measured.rssKb / 1024).toFixed(0)} MB (goal under 300 MB: ${r.measured.rssKb / 1024 < 300 ? "met" : "MISSED"})`,
      ].join("\n");
    }),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await moto.stop();
  if (values.keep) log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
