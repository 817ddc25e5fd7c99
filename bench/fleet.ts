// A fleet for the benchmarks: a crossform.yaml of N accounts and M per-account stacks of one
// `terraform_data` each, optionally one multi-account stack (one unit more), and a stand-in
// terraform that answers at once (`bench/safety.ts`, `bench/fleet-run.ts`, `bench/generate.ts`).
// Not part of `npm test`; `test/unit/bench/fleet.test.ts` checks that the fleet it writes is valid.
import { spawn } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";

/** The shape of a benchmark fleet. */
export interface FleetShape {
  accounts: number;
  stacks: number;
  /** Adds a multi-account stack `org` (home: the first account, touching the first two). */
  multiAccount?: boolean;
  /** `waves:` of crossform.yaml: one wave of every account, or one wave per quarter of them. @default 1 */
  waves?: number;
}

/** What {@link writeFleet} wrote. */
export interface Fleet {
  dir: string;
  names: string[];
  ids: string[];
  stacks: string[];
  units: number;
}

/** Account names `a0000`, `a0001`, ... (four digits at least). */
export function accountNames(count: number): string[] {
  const width = Math.max(4, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => `a${String(i).padStart(width, "0")}`);
}

/** Writes the fleet's crossform.yaml and stacks into `dir` (created). */
export async function writeFleet(dir: string, shape: FleetShape): Promise<Fleet> {
  const names = accountNames(shape.accounts);
  const ids = names.map((_, i) => `8${String(i + 1).padStart(11, "0")}`);
  const stacks = Array.from({ length: shape.stacks }, (_, i) => `s${i}`);
  const waveCount = Math.min(shape.waves ?? 1, names.length);
  const waves = Array.from({ length: waveCount }, (_, w) =>
    names.filter((_, i) => Math.floor((i * waveCount) / names.length) === w),
  );
  const multi = shape.multiAccount === true && names.length >= 2;
  const units = names.length * stacks.length + (multi ? 1 : 0);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, "crossform.yaml"),
    [
      "version: 1",
      "base: { region: us-east-1 }",
      "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
      'state: { bucket: "bench-fleet-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
      `guards: { max_units: ${units} }`,
      "accounts:",
      ...names.map((n, i) => `  ${n}: { id: "${ids[i]}" }`),
      "stacks:",
      ...stacks.map((s) => `  ${s}: { path: stacks/${s}, accounts: [${names.join(", ")}] }`),
      ...(multi
        ? [
            `  org: { path: stacks/org, mode: multi-account, home: ${names[0]}, accounts: [${names[0]}, ${names[1]}] }`,
          ]
        : []),
      "waves:",
      ...waves.map((members) => `  - [${members.join(", ")}]`),
      "",
    ].join("\n"),
  );
  for (const s of stacks) {
    await mkdir(join(dir, "stacks", s), { recursive: true });
    await writeFile(
      join(dir, "stacks", s, "main.tf"),
      'resource "terraform_data" "x" {\n  input = var.crossform_account_name\n}\n',
    );
  }
  if (multi) {
    await mkdir(join(dir, "stacks", "org"), { recursive: true });
    await writeFile(
      join(dir, "stacks", "org", "main.tf"),
      'resource "terraform_data" "x" {\n  input = var.crossform_account_name\n}\n',
    );
  }
  return { dir, names, ids, stacks, units };
}

/** The `show -json` of the stand-in: one resource to create. */
export const STAND_IN_SHOW_JSON = JSON.stringify({
  format_version: "1.2",
  terraform_version: "1.11.4",
  errored: false,
  resource_changes: [
    {
      address: "terraform_data.x",
      mode: "managed",
      type: "terraform_data",
      name: "x",
      change: {
        actions: ["create"],
        before: null,
        after: { input: "x" },
        after_unknown: { id: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    },
  ],
});

/**
 * Writes `<root>/bin/terraform`, a stand-in that answers at once: `init` exits 0, `plan` writes an
 * empty plan file and exits 2 (after `planSeconds`, when given), `show` prints {@link STAND_IN_SHOW_JSON}, `apply` exits 0 (or,
 * while `<root>/hang` exists, waits until interrupted, leaving a marker in `markers`); `version`
 * and anything else go to the real terraform. Returns the directory to put first on the PATH.
 */
export async function writeStandInTerraform(
  root: string,
  realTerraform: string,
  markers: string,
  options: { planSeconds?: number } = {},
): Promise<string> {
  const bin = join(root, "bin");
  await mkdir(bin, { recursive: true });
  await writeFile(join(root, "show.json"), STAND_IN_SHOW_JSON);
  await writeFile(
    join(bin, "terraform"),
    [
      "#!/bin/sh",
      'case "$1" in',
      "  init) exit 0 ;;",
      `  plan) ${options.planSeconds === undefined ? "" : `sleep ${options.planSeconds}; `}for a in "$@"; do case "$a" in -out=*) : > "\${a#-out=}" ;; esac; done; exit 2 ;;`,
      `  show) cat '${join(root, "show.json")}'; exit 0 ;;`,
      "  apply)",
      `    if [ -e '${join(root, "hang")}' ]; then`,
      `      touch '${markers}'/$$; trap 'exit 1' INT; while :; do sleep 0.2; done`,
      "    fi",
      "    exit 0 ;;",
      "esac",
      `exec '${realTerraform}' "$@"`,
      "",
    ].join("\n"),
  );
  await chmod(join(bin, "terraform"), 0o755);
  return bin;
}

/** What a process printed and how it ended. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a process to its end, its output kept. */
export function runProcess(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(args[0] as string, args.slice(1), {
      ...options,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, stdout }));
  });
}

/** A process's wall time, peak RSS (GNU time's `%M`, children excluded) and output. */
export interface Measured extends ProcessResult {
  seconds: number;
  userSeconds: number;
  systemSeconds: number;
  rssKb: number;
}

/** Runs `args` under GNU time: wall, user and system time, peak RSS. */
export async function measured(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Measured> {
  const result = await runProcess(["/usr/bin/time", "-f", "@@ %M %e %U %S", ...args], options);
  const match = /@@ (\d+) ([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr);
  if (!match) throw new Error(`no GNU time line:\n${result.stderr.slice(-2000)}`);
  return {
    ...result,
    stderr: result.stderr.slice(0, match.index),
    rssKb: Number(match[1]),
    seconds: Number(match[2]),
    userSeconds: Number(match[3]),
    systemSeconds: Number(match[4]),
  };
}

/** One line naming the machine and how loaded it is now. */
export function machineLine(): string {
  return `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}`;
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
