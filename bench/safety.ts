// Benchmark of the run engine's own cost at fleet size, and of how fast an interrupt is answered.
// Run it with the project's Node 24 after a build: `npm run build && npx node bench/safety.ts
// [--accounts 50] [--stacks 10] [--running 50] [--keep]`. It starts one moto_server and generates
// a crossform.yaml of N accounts and M stacks of one `terraform_data` each (N x M units, 500 by
// default), bootstrapped and verified for real. The terraform processes are a stand-in on the PATH
// (`init`, `plan`, `show` and `apply` answer at once with fixed output; `version` is the real
// terraform): what is measured is crossform itself, not Terraform's CPU.
//   - memory: the peak RSS of the crossform process (GNU time's %M: the process itself, children
//     excluded) over `apply --all` of every unit, against `crossform validate` of the same
//     configuration in the same run (the process's floor: Node, the config, the unit model);
//   - interrupt: `apply` of the first stack's N units with --parallel N, every apply waiting
//     until interrupted; once all are running, one SIGINT: the time to the provisional summary on
//     stderr and to the exit, against the same signal sent to a bare Node process that exits on
//     SIGINT (the floor of delivering a signal and ending a process).
// Goals (issue "Run safety"): under 150 MB; the provisional summary within 3 s.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startMoto } from "../test/helpers/moto.ts";
import { terraformEnv } from "../test/helpers/terraform.ts";
import { emulatorCliEnv } from "../test/helpers/cli.ts";
import { machineLine, measured, runProcess, writeFleet, writeStandInTerraform } from "./fleet.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "50" },
    stacks: { type: "string", default: "10" },
    running: { type: "string", default: "50" },
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const STACKS = Number(values.stacks);
const RUNNING = Math.min(Number(values.running), ACCOUNTS);
for (const [name, n] of Object.entries({ ACCOUNTS, STACKS, RUNNING })) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name.toLowerCase()} must be a whole number >= 1`);
}
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function peakRss(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ kb: number; seconds: number }> {
  const result = await measured([process.execPath, CLI, ...args], { cwd, env });
  if (result.code !== 0)
    throw new Error(
      `crossform ${args.join(" ")} exited ${result.code}:\n${result.stderr.slice(-3000)}`,
    );
  return { kb: result.rssKb, seconds: result.seconds };
}

/** Time from a SIGINT to the provisional line and to the exit of `args`, once `ready()` holds. */
async function interruptTimes(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
  provisional: RegExp,
): Promise<{ provisionalMs: number; exitMs: number }> {
  const child = spawn(args[0] as string, args.slice(1), {
    cwd,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let sentAt = 0;
  let provisionalAt = Number.NaN;
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    if (sentAt > 0 && Number.isNaN(provisionalAt) && provisional.test(stderr))
      provisionalAt = performance.now();
  });
  const exited = new Promise<number>((resolve) =>
    child.on("close", () => resolve(performance.now())),
  );
  const deadline = Date.now() + 300_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`never ready:\n${stderr.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  sentAt = performance.now();
  child.kill("SIGINT");
  const exitAt = await exited;
  if (Number.isNaN(provisionalAt))
    throw new Error(`no provisional summary:\n${stderr.slice(-3000)}`);
  return { provisionalMs: provisionalAt - sentAt, exitMs: exitAt - sentAt };
}

const root = await mkdtemp(join(tmpdir(), "crossform-bench-safety-"));
const moto = await startMoto();
try {
  const dir = join(root, "fleet");
  const markers = join(root, "running");
  await mkdir(markers, { recursive: true });
  const { names, stacks } = await writeFleet(dir, { accounts: ACCOUNTS, stacks: STACKS });
  const env = terraformEnv(emulatorCliEnv(moto.env, { home: join(root, "home"), root }));
  const real = (
    await runProcess(["sh", "-c", "command -v terraform"], { cwd: dir, env })
  ).stdout.trim();
  const bin = await writeStandInTerraform(root, real, markers);
  env.PATH = `${bin}:${env.PATH ?? ""}`;
  const cli = (args: string[]) => runProcess([process.execPath, CLI, ...args], { cwd: dir, env });
  log(`generating and bootstrapping ${ACCOUNTS} accounts x ${STACKS} stacks in ${dir}...`);
  for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
    const result = await cli(args);
    if (result.code !== 0) throw new Error(`${args[0]}: ${result.stderr.slice(-3000)}`);
  }

  log("memory: validate (baseline), then apply --all...");
  const baseline = await peakRss(["validate"], dir, env);
  const apply = await peakRss(
    ["apply", "--all", "--allow-dirty", "--auto-approve", "--parallel", "8"],
    dir,
    env,
  );

  log(`interrupt: ${RUNNING} running applies...`);
  // The stand-in's applies now wait until interrupted (crossform passes no extra variable to
  // its children, so a file says so).
  await writeFile(join(root, "hang"), "");
  const interrupted = await interruptTimes(
    [
      process.execPath,
      CLI,
      "apply",
      stacks[0] as string,
      "--allow-dirty",
      "--auto-approve",
      "--parallel",
      String(RUNNING),
      "--target",
      names.slice(0, RUNNING).join(","),
    ],
    dir,
    env,
    async () => (await readdir(markers)).length >= RUNNING,
    /interrupted: \d+ terraform process/,
  );
  const floorStart = Date.now();
  const floor = await interruptTimes(
    [
      process.execPath,
      "-e",
      "process.stderr.write('ready\\n'); process.on('SIGINT', () => { process.stderr.write('interrupted: 0 terraform processes\\n'); process.exit(130); }); setInterval(() => {}, 1000);",
    ],
    dir,
    env,
    // Node has installed its handler well within a second.
    async () => Date.now() - floorStart > 1000,
    /interrupted: \d+ terraform process/,
  );

  const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;
  const lines = [
    "",
    machineLine(),
    `fleet: ${ACCOUNTS} accounts x ${STACKS} stacks = ${ACCOUNTS * STACKS} units (stand-in terraform)`,
    `peak RSS, crossform validate (baseline): ${mb(baseline.kb)} in ${baseline.seconds.toFixed(1)} s`,
    `peak RSS, crossform apply --all:          ${mb(apply.kb)} in ${apply.seconds.toFixed(1)} s  (${(apply.kb / baseline.kb).toFixed(2)}x the baseline; goal under 150 MB: ${apply.kb / 1024 < 150 ? "met" : "MISSED"})`,
    `interrupt with ${RUNNING} running: provisional summary ${interrupted.provisionalMs.toFixed(0)} ms, exit ${interrupted.exitMs.toFixed(0)} ms after SIGINT (goal: summary within 3 s: ${interrupted.provisionalMs < 3000 ? "met" : "MISSED"})`,
    `bare Node process (baseline): line ${floor.provisionalMs.toFixed(0)} ms, exit ${floor.exitMs.toFixed(0)} ms; ratio ${(interrupted.provisionalMs / Math.max(floor.provisionalMs, 1)).toFixed(1)}x for the summary`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await moto.stop();
  if (values.keep) log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
