// Benchmark of the terraform relay (docs/decisions/0027-terraform-outlives-crossform.md): what one
// command costs when it runs through its relay (a Node process in a session of its own that
// redacts the output into the log and writes the exit status) against the same command started
// directly with pipes, as crossform did before. Run it with the project's Node 24 after a build:
// `npm run build && npx node bench/relay.ts [--runs 20]` (it loads the built modules). Not part of
// `npm test`.
//   1. `terraform version` (a short command, so the relay's start dominates): wall time and CPU of
//      the whole process tree per command, median over the runs;
//   2. the relay's own memory while a command runs (private and proportional set size, from
//      /proc/<pid>/smaps_rollup), against a bare Node process waiting the same way.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type * as captured from "../src/adapters/terraform/captured-process.ts";
import type * as relayedModule from "../src/adapters/terraform/terraform-process.ts";

type CapturedModule = typeof captured;
type ProcessModule = typeof relayedModule;

// The built modules, as users run them (from source, Node would strip the types of every module
// the relay loads at each start, which costs more than the relay itself).
const dist = (path: string) => new URL(`../dist/adapters/terraform/${path}`, import.meta.url).href;
const { startCapturedProcess } = (await import(dist("captured-process.js"))) as CapturedModule;
const { startTerraformProcess } = (await import(dist("terraform-process.js"))) as ProcessModule;

const { values } = parseArgs({ options: { runs: { type: "string", default: "20" } } });
const RUNS = Number(values.runs);
const dir = await mkdtemp(join(tmpdir(), "crossform-bench-relay-"));
const env = { PATH: process.env.PATH ?? "", HOME: dir, CHECKPOINT_DISABLE: "1" };

/** CPU seconds of this process's children that have ended (from /proc/self/stat). */
async function childrenCpu(): Promise<number> {
  const stat = await readFile("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime (fields 16 and 17), in clock ticks (100 a second on Linux).
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function measure(
  label: string,
  start: (i: number) => Promise<unknown>,
): Promise<{ wall: number; cpu: number }> {
  const walls: number[] = [];
  const cpuBefore = await childrenCpu();
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    await start(i);
    walls.push(performance.now() - t);
  }
  const cpu = ((await childrenCpu()) - cpuBefore) / RUNS;
  const wall = median(walls);
  console.log(
    `${label.padEnd(34)} median ${wall.toFixed(0).padStart(5)} ms, CPU ${(cpu * 1000).toFixed(0).padStart(4)} ms a command`,
  );
  return { wall, cpu };
}

async function memoryOf(pid: number): Promise<{ privateKb: number; pssKb: number }> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  return { privateKb: kb("Private_Clean") + kb("Private_Dirty"), pssKb: kb("Pss") };
}

console.log(
  `relay bench: ${RUNS} runs, ${availableParallelism()} CPUs, load average ${loadavg()[0]?.toFixed(1)}, Node ${process.version}`,
);
const direct = await measure(
  "terraform version, direct",
  () =>
    startCapturedProcess({
      binary: "terraform",
      args: ["version"],
      cwd: dir,
      env,
      logFile: join(dir, "direct.log"),
      secrets: [],
    }).result,
);
const relayed = await measure(
  "terraform version, through a relay",
  (i) =>
    startTerraformProcess({
      binary: "terraform",
      args: ["version"],
      cwd: dir,
      env,
      logFile: join(dir, `relay-${i}.log`),
      secrets: [],
    }).result,
);
console.log(
  `relay / direct: wall ${(relayed.wall / direct.wall).toFixed(2)}x (+${(relayed.wall - direct.wall).toFixed(0)} ms), CPU ${(relayed.cpu / direct.cpu).toFixed(2)}x (+${((relayed.cpu - direct.cpu) * 1000).toFixed(0)} ms) a command`,
);

// Memory: a relay holding a command that sleeps, against a bare Node process that waits.
const held = startTerraformProcess({
  binary: "sleep",
  args: ["3"],
  cwd: dir,
  env,
  logFile: join(dir, "sleep.log"),
  secrets: [],
});
const bare = spawn(process.execPath, ["-e", "setTimeout(() => {}, 3000)"], { stdio: "ignore" });
const bareExited = new Promise((r) => bare.once("exit", r));
await new Promise((r) => setTimeout(r, 1500));
const relayMemory = await memoryOf(held.pid as number);
const bareMemory = await memoryOf(bare.pid as number);
console.log(
  `memory of a relay while its command runs: private ${(relayMemory.privateKb / 1024).toFixed(1)} MB, PSS ${(relayMemory.pssKb / 1024).toFixed(1)} MB; bare Node: private ${(bareMemory.privateKb / 1024).toFixed(1)} MB, PSS ${(bareMemory.pssKb / 1024).toFixed(1)} MB; ratio ${(relayMemory.privateKb / bareMemory.privateKb).toFixed(2)}x`,
);
await held.result;
await bareExited;
await rm(dir, { recursive: true, force: true });
