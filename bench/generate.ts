// Benchmark of the offline path at organisation scale: `crossform generate` of a fleet of N
// accounts x M stacks plus one multi-account stack (3,000 x 3 + 1 = 9,001 units, about 18,000
// generated files by default). Run it with the project's Node 24 after a build:
// `npm run build && npx node bench/generate.ts [--accounts 3000] [--stacks 3] [--rounds 3] [--keep]`.
// Each round writes a fresh fleet (never one whose files were just deleted: ext4 scans recently
// freed inodes on every file creation for a minute, which would be measured instead of crossform)
// and measures, in this order, with GNU time:
//   - validate: `crossform validate` (the baseline: reading the configuration, the unit model);
//   - floor: a bare Node loop writing the same files with synchronous calls and one `sync -f`
//     (what writing them costs at the least, without atomicity);
//   - first: `crossform generate` into the fresh fleet (goal: under 10 s at 9,001 units);
//   - no-op: `crossform generate` again (nothing to write; goal: under 3 s);
//   - check: `crossform generate --check` (goal: under 3 s).
// It prints the median of the rounds, the ratios to the baselines, and the load average before and
// after each round: the machine is shared, and a loaded one stretches every figure.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { machineLine, measured, median, writeFleet } from "./fleet.ts";
import type { Measured } from "./fleet.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "3000" },
    stacks: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const STACKS = Number(values.stacks);
const ROUNDS = Number(values.rounds);
for (const [name, n] of Object.entries({ ACCOUNTS, STACKS, ROUNDS })) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name.toLowerCase()} must be a whole number >= 1`);
}
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const load = (): string => loadavg()[0]?.toFixed(2) ?? "?";

/** The generated files under a generated fleet, relative paths and texts. */
async function generatedFiles(dir: string): Promise<{ path: string; text: string }[]> {
  const files: { path: string; text: string }[] = [];
  for (const stack of await readdir(join(dir, "stacks"))) {
    for (const sub of ["", "backends", "targets"]) {
      const at = join("stacks", stack, sub);
      for (const name of await readdir(join(dir, at)).catch(() => [])) {
        if (sub === "" && !name.startsWith("crossform_")) continue;
        if (sub === "" && !name.endsWith(".tf")) continue;
        files.push({ path: join(at, name), text: await readFile(join(dir, at, name), "utf8") });
      }
    }
  }
  return files;
}

/** A bare Node loop writing `files` under `dir` with synchronous calls, then one `sync -f`. */
const FLOOR_SCRIPT = `
const { mkdirSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const { execFileSync } = require("node:child_process");
const files = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
const dir = process.argv[2];
for (const f of files) {
  mkdirSync(dirname(join(dir, f.path)), { recursive: true });
  writeFileSync(join(dir, f.path), f.text);
}
execFileSync("sync", ["-f", dir]);
`;

interface Round {
  validate: Measured;
  floor: Measured;
  first: Measured;
  noop: Measured;
  check: Measured;
  files: number;
  loadBefore: string;
  loadAfter: string;
}

async function crossform(dir: string, args: string[]): Promise<Measured> {
  const result = await measured([process.execPath, CLI, ...args], { cwd: dir, env: process.env });
  if (result.code !== 0)
    throw new Error(`crossform ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return result;
}

async function round(root: string, index: number): Promise<Round> {
  const loadBefore = load();
  const dir = join(root, `fleet-${index}`);
  await writeFleet(dir, { accounts: ACCOUNTS, stacks: STACKS, multiAccount: true });
  const validate = await crossform(dir, ["validate"]);
  const floorDir = join(root, `floor-${index}`);
  const floor = await measured(
    [process.execPath, "-e", FLOOR_SCRIPT, join(root, "files.json"), floorDir],
    { cwd: root, env: process.env },
  );
  const first = await crossform(dir, ["generate"]);
  const noop = await crossform(dir, ["generate"]);
  const check = await crossform(dir, ["generate", "--check"]);
  const count = (await generatedFiles(dir)).length;
  return { validate, floor, first, noop, check, files: count, loadBefore, loadAfter: load() };
}

const root = await mkdtemp(join(tmpdir(), "crossform-bench-generate-"));
try {
  // The floor writes what crossform generates: generated once, outside the measured rounds.
  const sample = join(root, "sample");
  await writeFleet(sample, { accounts: ACCOUNTS, stacks: STACKS, multiAccount: true });
  await crossform(sample, ["generate"]);
  await writeFile(join(root, "files.json"), JSON.stringify(await generatedFiles(sample)));
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    log(`round ${i + 1} of ${ROUNDS} (load ${load()})...`);
    rounds.push(await round(root, i));
  }
  const m = (pick: (r: Round) => Measured): Measured => {
    const picked = rounds.map(pick);
    const seconds = median(picked.map((p) => p.seconds));
    return picked.find((p) => p.seconds === seconds) ?? (picked[0] as Measured);
  };
  const [validate, floor, first, noop, check] = [
    m((r) => r.validate),
    m((r) => r.floor),
    m((r) => r.first),
    m((r) => r.noop),
    m((r) => r.check),
  ];
  const fmt = (x: Measured): string =>
    `${x.seconds.toFixed(2)} s (user ${x.userSeconds.toFixed(2)} s, system ${x.systemSeconds.toFixed(2)} s, peak ${(x.rssKb / 1024).toFixed(0)} MB)`;
  const goal = (x: Measured, limit: number): string =>
    x.seconds < limit ? `under ${limit} s: met` : `under ${limit} s: MISSED`;
  const units = ACCOUNTS * STACKS + 1;
  const lines = [
    "",
    machineLine(),
    `fleet: ${ACCOUNTS} accounts x ${STACKS} stacks + 1 multi-account = ${units} units, ${rounds[0]?.files} generated files; median of ${ROUNDS} rounds`,
    `load average (1 min) before/after each round: ${rounds.map((r) => `${r.loadBefore}/${r.loadAfter}`).join(", ")}`,
    `validate (baseline)       ${fmt(validate)}`,
    `bare write loop (floor)   ${fmt(floor)}`,
    `generate, first           ${fmt(first)}  ${goal(first, 10)}; ${(first.seconds / (validate.seconds + floor.seconds)).toFixed(2)}x validate + floor`,
    `generate, no-op           ${fmt(noop)}  ${goal(noop, 3)}; ${(noop.seconds / validate.seconds).toFixed(2)}x validate`,
    `generate --check          ${fmt(check)}  ${goal(check, 3)}; ${(check.seconds / validate.seconds).toFixed(2)}x validate`,
    `all rounds (s): first ${rounds.map((r) => r.first.seconds).join(", ")}; no-op ${rounds.map((r) => r.noop.seconds).join(", ")}; check ${rounds.map((r) => r.check.seconds).join(", ")}; validate ${rounds.map((r) => r.validate.seconds).join(", ")}; floor ${rounds.map((r) => r.floor.seconds).join(", ")}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  if (values.keep) log(`kept ${root}`);
  else await rm(root, { recursive: true, force: true });
}
