// Benchmark of crossform's start-up: `crossform --version` and `crossform validate` of the
// quickstart, in paired runs against two baselines taken in the same rounds: `node -e 0` (the
// floor of any Node program) and `terraform version` (a Go binary the operator runs anyway). Run
// it with the project's Node 24 after a build: `npm run build && npx node bench/startup.ts
// [--rounds 20]`. Each round runs the four commands once, in an order rotated per round, so that
// a burst of load on a shared machine falls on all of them alike; it prints the median and the
// best wall time of each, the medians' ratios to the baselines and the load average.
// Goals (issue 17): `--version` under 150 ms, `validate` of the quickstart under 250 ms.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineLine, median } from "./fleet.ts";
import { terraformEnv } from "../test/helpers/terraform.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "20" } } });
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds must be a whole number");
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const QUICKSTART = fileURLToPath(new URL("../examples/quickstart", import.meta.url));

interface Case {
  name: string;
  argv: string[];
}

const CASES: Case[] = [
  { name: "node -e 0 (baseline)", argv: [process.execPath, "-e", "0"] },
  { name: "terraform version (baseline)", argv: ["terraform", "version"] },
  { name: "crossform --version", argv: [process.execPath, CLI, "--version"] },
  { name: "crossform validate (quickstart)", argv: [process.execPath, CLI, "validate"] },
];
const env = terraformEnv();

/** Wall time of one run in ms; throws when it fails. */
function timed(c: Case): number {
  const start = performance.now();
  const result = spawnSync(c.argv[0] as string, c.argv.slice(1), {
    cwd: QUICKSTART,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${result.stderr}`);
  return ms;
}

for (const c of CASES) timed(c); // warm the page cache
const times = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
const loads: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  loads.push(loadavg()[0] ?? 0);
  for (let i = 0; i < CASES.length; i += 1) {
    const c = CASES[(round + i) % CASES.length] as Case;
    times.get(c.name)?.push(timed(c));
  }
}
const med = (name: string): number => median(times.get(name) ?? []);
const [nodeFloor, terraform, version, validate] = CASES.map((c) => med(c.name)) as [
  number,
  number,
  number,
  number,
];
const lines = [
  "",
  machineLine(),
  `${ROUNDS} paired rounds; load average (1 min) during them: ${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)}`,
  ...CASES.map((c) => {
    const all = times.get(c.name) ?? [];
    return `${c.name.padEnd(34)} median ${med(c.name).toFixed(0).padStart(5)} ms, best ${Math.min(
      ...all,
    )
      .toFixed(0)
      .padStart(5)} ms`;
  }),
  `crossform --version: ${(version / nodeFloor).toFixed(2)}x node -e 0, ${(version / terraform).toFixed(2)}x terraform version; goal under 150 ms: ${version < 150 ? "met" : "MISSED"}`,
  `crossform validate: ${(validate / nodeFloor).toFixed(2)}x node -e 0, ${(validate / terraform).toFixed(2)}x terraform version; goal under 250 ms: ${validate < 250 ? "met" : "MISSED"}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
