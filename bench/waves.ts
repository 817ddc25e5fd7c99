// Benchmark of a read-only run across waves (docs/decisions/0032-units-start-as-early-as-safe.md):
// `crossform plan` of N units, each its own account, where every unit's plan takes `--sleep`
// seconds (the stand-in terraform of bench/fleet.ts, one moto_server). Run it with the project's
// Node 24 after a build: `npm run build && npx node bench/waves.ts [--units 4] [--sleep 3]
// [--rounds 3]`. Each round, against the same emulator:
//   - baseline: the units in one wave (nothing for waves to hold back);
//   - crossform: the same units, each account its own wave (`--units` waves).
// Both at `--parallel` = the unit count. It prints the unit phase (first unit's start to last
// unit's end) of each, their ratio, and what wave by wave would take at the least (one sleep per
// wave). Goal (issue 17): the waves cost nothing a read-only run does not need: about 1x.
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { emulatorCliEnv } from "../test/helpers/cli.ts";
import { startMoto } from "../test/helpers/moto.ts";
import { terraformEnv } from "../test/helpers/terraform.ts";
import { machineLine, median, runProcess, writeFleet, writeStandInTerraform } from "./fleet.ts";

const { values } = parseArgs({
  options: {
    units: { type: "string", default: "4" },
    sleep: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
  },
});
const UNITS = Number(values.units);
const SLEEP = Number(values.sleep);
const ROUNDS = Number(values.rounds);
for (const [name, n] of Object.entries({ UNITS, SLEEP, ROUNDS })) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name.toLowerCase()} must be a whole number >= 1`);
}
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const STAMPED = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) plan (\S+): (started|\w+)/;

/** The unit phase of a `crossform plan` in `dir`: first unit's start to last unit's end, ms. */
async function unitPhase(dir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const result = await runProcess([process.execPath, CLI, "plan", "--parallel", String(UNITS)], {
    cwd: dir,
    env,
  });
  if (result.code !== 0) throw new Error(`crossform plan exited ${result.code}:\n${result.stderr}`);
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const line of result.stderr.split("\n")) {
    const m = STAMPED.exec(line);
    if (!m) continue;
    const at = Date.parse(m[1] as string);
    if (m[3] === "started") first = Math.min(first, at);
    else last = Math.max(last, at);
  }
  return last - first;
}

const root = await mkdtemp(join(tmpdir(), "crossform-bench-waves-"));
const moto = await startMoto();
try {
  const env = terraformEnv(emulatorCliEnv(moto.env, { home: join(root, "home"), root }));
  const real = (
    await runProcess(["sh", "-c", "command -v terraform"], { cwd: root, env })
  ).stdout.trim();
  const bin = await writeStandInTerraform(root, real, join(root, "markers"), {
    planSeconds: SLEEP,
  });
  env.PATH = `${bin}:${env.PATH ?? ""}`;
  const oneWave = join(root, "one-wave");
  const manyWaves = join(root, "many-waves");
  await writeFleet(oneWave, { accounts: UNITS, stacks: 1, waves: 1 });
  await writeFleet(manyWaves, { accounts: UNITS, stacks: 1, waves: UNITS });
  for (const dir of [oneWave, manyWaves]) {
    for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
      const result = await runProcess([process.execPath, CLI, ...args], { cwd: dir, env });
      if (result.code !== 0) throw new Error(`${args[0]}: ${result.stderr.slice(-3000)}`);
    }
  }
  const baseline: number[] = [];
  const waves: number[] = [];
  const loads: number[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    log(`round ${i + 1} of ${ROUNDS}...`);
    loads.push(loadavg()[0] ?? 0);
    baseline.push(await unitPhase(oneWave, env));
    waves.push(await unitPhase(manyWaves, env));
  }
  const b = median(baseline);
  const w = median(waves);
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    "",
    machineLine(),
    `${UNITS} units, each plan ${SLEEP} s (stand-in terraform), --parallel ${UNITS}; median of ${ROUNDS} rounds; load average (1 min) ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)}`,
    `plan, one wave (baseline)     unit phase ${s(b)} (rounds: ${baseline.map(s).join(", ")})`,
    `plan, ${UNITS} waves (crossform)    unit phase ${s(w)} (rounds: ${waves.map(s).join(", ")})`,
    `${UNITS} waves / one wave: ${(w / b).toFixed(2)}x; wave by wave would take at least ${s(UNITS * SLEEP * 1000)} (${((UNITS * SLEEP * 1000) / b).toFixed(2)}x)`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await moto.stop();
  await rm(root, { recursive: true, force: true });
}
