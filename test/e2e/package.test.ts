// The package as users get it: `npm pack` (whose prepack builds), installed from the tarball into
// an empty project, its CLI and its library entry run on the pinned Node 24 and on Node 22.
//
// The pack runs in a copy of the package's sources, not in the repository itself: prepack starts
// by deleting dist/, which the other end-to-end files run at the same time.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { basename, delimiter, dirname, join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "../helpers/temp-dir.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as {
  version: string;
  files: string[];
};

/** The quickstart's units: network in dev, staging and prod (two regions), app likewise, one dns. */
const QUICKSTART_UNITS = 9;

/** Generous: the first run on a machine downloads node@22 and fills the npm cache. */
const STEP_TIMEOUT_MS = 240_000;

const work = await makeTempDir("package");
const copy = join(work, "source");
const tarballDir = join(work, "tarball");
const project = join(work, "project");
const quickstart = join(work, "quickstart");
const installedBin = join(project, "node_modules", ".bin", "crossform");
const installedPackage = join(project, "node_modules", "crossform");

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with argv only (no shell); never rejects once the program started. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: STEP_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function show(command: string, result: RunResult): string {
  const status = result.signal === null ? `exit ${result.code}` : `signal ${result.signal}`;
  return `${command}: ${status}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

async function runOk(command: string, args: string[], cwd: string): Promise<RunResult> {
  const result = await run(command, args, { cwd });
  assert.equal(result.code, 0, show(`${command} ${args.join(" ")}`, result));
  return result;
}

/** What npm pack reads: the manifest, the build's inputs and every entry of `files` (dist is built). */
async function copyPackageSources(): Promise<void> {
  const wanted = new Set(["package.json", "scripts", "src", ".npmignore", ".gitignore"]);
  for (const entry of pkg.files) if (entry !== "dist") wanted.add(entry);
  for (const name of await readdir(repo)) {
    if (wanted.has(name) || /^tsconfig.*\.json$/.test(name)) {
      await cp(join(repo, name), join(copy, name), { recursive: true });
    }
  }
  await symlink(join(repo, "node_modules"), join(copy, "node_modules"), "dir");
}

const RUN_STATE = /^(\.crossform|\.terraform|.*\.tfstate(\..*)?|.*\.tfplan)$/;

async function copyQuickstart(): Promise<void> {
  await cp(join(repo, "examples", "quickstart"), quickstart, {
    recursive: true,
    filter: (source) => !RUN_STATE.test(basename(source)),
  });
}

/** npm's `--json` report of one packed tarball. */
interface PackReport {
  filename: string;
  files: { path: string }[];
}

async function pack(): Promise<PackReport> {
  await copyPackageSources();
  await mkdir(tarballDir);
  const result = await runOk("npm", ["pack", "--pack-destination", tarballDir, "--json"], copy);
  // prepack's own output may come first; npm's report is the JSON array after it.
  const report = JSON.parse(result.stdout.slice(result.stdout.search(/^\[/m))) as PackReport[];
  assert.equal(report.length, 1, result.stdout);
  return report[0] as PackReport;
}

async function install(tarball: string): Promise<void> {
  await mkdir(project);
  await runOk("npm", ["init", "-y"], project);
  await runOk("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], project);
}

/** The node@22 binary, from npm's cache when it is there. */
async function node22Binary(): Promise<string> {
  const dir = join(work, "node22");
  await mkdir(dir);
  const result = await runOk(
    "npx",
    ["--prefer-offline", "-y", "-p", "node@22", "node", "-p", "process.execPath"],
    dir,
  );
  return result.stdout.trim();
}

let packed: PackReport;
let node22: string;

before(
  async () => {
    const [report, binary] = await Promise.all([pack(), node22Binary(), copyQuickstart()]);
    packed = report;
    node22 = binary;
    await install(join(tarballDir, packed.filename));
  },
  { timeout: 2 * STEP_TIMEOUT_MS },
);

test("the tarball holds the built package and nothing else", () => {
  const paths = packed.files.map((f) => f.path);
  for (const required of [
    "dist/index.js",
    "dist/index.d.ts",
    "dist/cli/main.js",
    "schema/crossform.schema.json",
    "README.md",
    "LICENSE",
    "package.json",
  ]) {
    assert.ok(paths.includes(required), `${required} is packed (packed: ${paths.join(", ")})`);
  }
  const unwanted = paths.filter(
    (path) =>
      path.startsWith("src/") ||
      path.startsWith("test/") ||
      /\.test\.[cm]?[jt]s$/.test(path) ||
      (/\.[cm]?ts$/.test(path) && !/\.d\.[cm]?ts$/.test(path)) ||
      path.split("/").includes(".crossform") ||
      path.split("/").includes("node_modules"),
  );
  assert.deepEqual(unwanted, []);
});

test("the installed bin is the built CLI with a node shebang", async () => {
  const main = await readFile(join(installedPackage, "dist", "cli", "main.js"), "utf8");
  assert.ok(main.startsWith("#!/usr/bin/env node\n"), main.slice(0, 80));
  const installed = JSON.parse(await readFile(join(installedPackage, "package.json"), "utf8")) as {
    version: string;
  };
  assert.equal(installed.version, pkg.version);
});

/** PATH with `binary`'s directory first, so the bin's `#!/usr/bin/env node` finds that Node. */
function envWithNode(binary: string): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dirname(binary)}${delimiter}${process.env.PATH ?? ""}` };
}

const LIBRARY_SCRIPT = `import { createTreeSitterHclParser, loadConfig, NodeFileSystem, readConfigText, validate } from "crossform";

const dir = process.argv[2];
const fs = new NodeFileSystem();
const loaded = await loadConfig(fs, { cwd: dir });
if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
const read = readConfigText(await fs.readText(loaded.path), "crossform.yaml");
const report = await validate({ fs, parser: await createTreeSitterHclParser() }, { cwd: dir });
console.log(JSON.stringify({
  node: process.versions.node,
  units: loaded.units.units.length,
  unitsFromText: read.ok ? read.units.units.length : -1,
  valid: report.valid,
  diagnostics: report.diagnostics,
}));
`;

async function checkOnNode(binary: string, major: number): Promise<void> {
  const env = envWithNode(binary);
  const version = await run("node", ["--version"], { cwd: project, env });
  assert.equal(version.code, 0, show("node --version", version));
  assert.match(version.stdout.trim(), new RegExp(`^v${major}\\.`));

  const printed = await run(installedBin, ["--version"], { cwd: project, env });
  assert.equal(printed.code, 0, show("crossform --version", printed));
  assert.equal(printed.stdout.trim(), pkg.version);

  const validated = await run(installedBin, ["validate", "--chdir", quickstart], {
    cwd: project,
    env,
  });
  assert.equal(validated.code, 0, show("crossform validate", validated));
  assert.match(validated.stdout, new RegExp(`\\b${QUICKSTART_UNITS} units\\b`));

  const script = join(project, `library-node${major}.mjs`);
  await writeFile(script, LIBRARY_SCRIPT);
  const library = await run(binary, [script, quickstart], { cwd: project, env });
  assert.equal(library.code, 0, show("library script", library));
  const result = JSON.parse(library.stdout) as Record<string, unknown>;
  assert.match(String(result.node), new RegExp(`^${major}\\.`));
  assert.deepEqual(
    { units: result.units, unitsFromText: result.unitsFromText, valid: result.valid },
    { units: QUICKSTART_UNITS, unitsFromText: QUICKSTART_UNITS, valid: true },
    library.stdout,
  );
}

test("the installed CLI and library run on the pinned Node 24", async () => {
  assert.match(process.version, /^v24\./, "the test itself runs on the project's Node 24");
  await checkOnNode(process.execPath, 24);
});

test("the installed CLI and library run on Node 22", async () => {
  await checkOnNode(node22, 22);
});

// Library checking is skipped (it doubles the time). A declaration that failed to resolve would
// then silently become `any`, so the consumer also holds mistakes that only real types reject.
const CONSUMER = `import { createTreeSitterHclParser, loadConfig, NodeFileSystem, validate } from "crossform";
import type { LoadConfigResult, Unit, ValidateReport } from "crossform";

const fs = new NodeFileSystem();
const loaded: LoadConfigResult = await loadConfig(fs, { cwd: "." });
if (loaded.ok) {
  const unit: Unit | undefined = loaded.units.units[0];
  const bucket: string | undefined = unit?.state.bucket;
  // @ts-expect-error a unit's id is a string
  const id: number | undefined = unit?.id;
  console.log(bucket, id);
}
// @ts-expect-error loadConfig reads through a FileSystem
await loadConfig({}, { cwd: "." });
const report: ValidateReport = await validate(
  { fs, parser: await createTreeSitterHclParser() },
  { cwd: "." },
);
// @ts-expect-error valid is a boolean
const valid: string = report.valid;
console.log(valid);
`;

test("the installed type declarations type-check a consumer", async () => {
  await writeFile(join(project, "consumer.mts"), CONSUMER);
  await writeFile(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        typeRoots: [join(repo, "node_modules", "@types")],
        types: ["node"],
      },
      files: ["consumer.mts"],
    }),
  );
  const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
  const checked = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project });
  assert.equal(checked.code, 0, show("tsc", checked));
});
