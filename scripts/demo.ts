// `npm run demo`: the quickstart (examples/quickstart) against a local AWS API emulator, as
// docs/contract.md section 8 orders it. It runs the built CLI (dist/), real terraform with the real
// hashicorp/aws provider and moto_server; it writes only under examples/quickstart/.crossform/ and
// never reads or changes the user's AWS or Terraform configuration (its own AWS_CONFIG_FILE,
// credentials file and TF_CLI_CONFIG_FILE live under .crossform/demo/).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { pluginCacheDirOf } from "../src/app/run/run-records.ts";
import type { Config } from "../src/core/config/model.ts";
import { readConfigText } from "../src/core/config/read-config.ts";
import { parseRunReport } from "../src/core/report/run-report.ts";
import type { UnitReport } from "../src/core/report/run-report.ts";
import type { Unit } from "../src/core/units/units.ts";
import { AccountResources } from "../test/helpers/account-resources.ts";
import type { Tags } from "../test/helpers/account-resources.ts";
import { startMoto } from "../test/helpers/moto.ts";
import type { MotoServer } from "../test/helpers/moto.ts";
import { readInventory } from "../test/helpers/quickstart-inventory.ts";
import {
  BASE_REGIONS,
  describeInventory,
  expectedInventory,
  inventoryProblems,
} from "./demo-inventory.ts";
import { PROVIDER_MIRROR_ENV } from "../test/helpers/provider-mirror.ts";
import { checkProviderInstall, providerSource } from "./demo-provider.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const quickstart = join(root, "examples", "quickstart");
const cli = join(root, "dist", "cli", "main.js");
const crossformDir = join(quickstart, ".crossform");
const demoDir = join(crossformDir, "demo");
/** The demo's own Terraform CLI configuration: where providers come from. */
const cliConfigPath = join(demoDir, "terraformrc");
/** The role bootstrap goes through, and the demo's read-back and out-of-band change too. */
const ADMIN_ROLE = "OrganizationAccountAccessRole";
/** The unit whose resource the demo changes behind crossform's back, and how. */
const EDITED_UNIT = "network/dev/us-east-1";
const EDITED_PARAMETER = "/quickstart/network/cidr_block";
const EDITED_RESOURCE = "aws_ssm_parameter.cidr_block";
const EDITED_VALUE = "10.99.0.0/16";
const STEP_COUNT = 13;

/** A failure the demo explains in one line and exits 1 for. */
class DemoError extends Error {}

/** The operator stopped the demo (Ctrl-C, SIGTERM): exit 130. */
class Interrupted extends Error {}

/** One crossform run the demo made, with its record. */
interface RecordedRun {
  id: string;
  command: string;
  exitCode: number;
}

let moto: MotoServer | undefined;
let stopping: Promise<void> | undefined;
const children = new Set<ChildProcess>();
const runs: RecordedRun[] = [];
let step = 0;
let interrupted: NodeJS.Signals | undefined;

/** Ends the demo between steps once a signal came. */
function checkInterrupted(): void {
  if (interrupted !== undefined) throw new Interrupted(interrupted);
}

function stopMoto(): Promise<void> {
  stopping ??= moto?.stop() ?? Promise.resolve();
  return stopping;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function heading(text: string, why: string): void {
  checkInterrupted();
  step += 1;
  process.stdout.write(`\n==> [${step}/${STEP_COUNT}] ${text}\n`);
  say(`    ${why}`);
}

function display(path: string): string {
  return relative(root, path) || ".";
}

/** Runs a command with argv (no shell, async: moto keeps running); streams and keeps its output. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group: a Ctrl-C reaches the demo alone, which passes it on once.
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.once("error", (error) => {
      children.delete(child);
      reject(new DemoError(`cannot run ${command}: ${error.message}`));
    });
    child.once("close", (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The children's whole environment: no user AWS settings pass through (docs/contract.md section 5). */
function childEnv(server: MotoServer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TERM"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    ...server.env,
    AWS_CONFIG_FILE: join(demoDir, "aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(demoDir, "aws", "credentials"),
    TF_CLI_CONFIG_FILE: cliConfigPath,
    CHECKPOINT_DISABLE: "1",
  };
}

/** Removes what earlier demos left in examples/quickstart/.crossform (and nothing outside it). */
async function cleanPreviousRuns(): Promise<void> {
  const leftovers = ["demo", "units", "runs", "providers"].map((name) => join(crossformDir, name));
  const present = leftovers.filter((path) => existsSync(path));
  for (const path of leftovers) await rm(path, { recursive: true, force: true });
  say(
    present.length > 0
      ? `removed what earlier demos left: ${present.map(display).join(", ")}`
      : `nothing left by earlier demos under ${display(crossformDir)}`,
  );
}

async function prepareDemoDir(server: MotoServer): Promise<void> {
  await mkdir(join(demoDir, "aws"), { recursive: true, mode: 0o700 });
  await writeFile(
    join(demoDir, "aws", "config"),
    `# the demo's own AWS config (AWS_CONFIG_FILE); yours is never read\n[default]\nregion = ${server.env.AWS_REGION}\n`,
    { mode: 0o600 },
  );
  await writeFile(
    join(demoDir, "aws", "credentials"),
    "# the emulator's static fake keys (AWS_SHARED_CREDENTIALS_FILE)\n" +
      `[default]\naws_access_key_id = ${server.env.AWS_ACCESS_KEY_ID}\n` +
      `aws_secret_access_key = ${server.env.AWS_SECRET_ACCESS_KEY}\n`,
    { mode: 0o600 },
  );
}

/**
 * Writes the demo's Terraform CLI configuration and installs the provider the quickstart's lock
 * files pin into crossform's plugin cache, before anything else runs; stops the demo when it
 * cannot be installed, saying why.
 */
async function checkProvider(): Promise<void> {
  await mkdir(demoDir, { recursive: true, mode: 0o700 });
  await chmod(crossformDir, 0o700);
  const source = providerSource(process.env);
  if ("problem" in source) throw new DemoError(source.problem);
  await writeFile(cliConfigPath, source.cliConfig, { mode: 0o600 });
  say(`the aws provider comes from ${source.description}`);
  say(
    `  the demo's Terraform CLI configuration is ${display(cliConfigPath)}; ~/.terraformrc is not read`,
  );
  const env: NodeJS.ProcessEnv = { TF_CLI_CONFIG_FILE: cliConfigPath, CHECKPOINT_DISABLE: "1" };
  for (const name of [
    "PATH",
    "HOME",
    "TMPDIR",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
  ]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  const checked = await checkProviderInstall({
    lockFile: join(quickstart, "stacks", "network", ".terraform.lock.hcl"),
    dir: join(demoDir, "provider-check"),
    pluginCacheDir: pluginCacheDirOf(quickstart),
    env,
  });
  if (!checked.ok) {
    throw new DemoError(
      `the hashicorp/aws provider cannot be installed from ${source.description}, so nothing was run:\n${checked.reason}\n` +
        `set ${PROVIDER_MIRROR_ENV} to a Terraform filesystem mirror holding registry.terraform.io/hashicorp/aws/5.100.0 (terraform providers mirror writes one), or run the demo where registry.terraform.io can be reached`,
    );
  }
  say(
    `installed ${checked.providers.join(", ")} into ${display(pluginCacheDirOf(quickstart))}, the plugin cache crossform's units link from`,
  );
}

/**
 * Runs `crossform <args>` from examples/quickstart and fails the demo unless it exits with one of
 * `expected`. Returns the run it recorded, when it recorded one.
 */
async function crossform(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  expected: readonly number[] = [0],
): Promise<RecordedRun | undefined> {
  say(`$ crossform ${args.join(" ")}`);
  checkInterrupted();
  const result = await run(process.execPath, [cli, ...args], { cwd: quickstart, env });
  checkInterrupted();
  const code = result.code ?? 1;
  if (!expected.includes(code)) {
    throw new DemoError(
      `crossform ${args.join(" ")} exited with ${result.code ?? "a signal"}, expected ${expected.join(" or ")}`,
    );
  }
  if (args.includes("--detailed-exitcode")) say(`exit ${code}, as expected here`);
  const id = /^run (\S+) recorded in /m.exec(result.stderr)?.[1];
  if (id === undefined) return undefined;
  const recorded = { id, command: args[0] ?? "", exitCode: code };
  runs.push(recorded);
  return recorded;
}

/** The units of a run's `report.json`, read back the way `crossform report` reads a record. */
async function reportUnits(run: RecordedRun | undefined): Promise<UnitReport[]> {
  if (!run) throw new DemoError("crossform recorded no run; its stderr names no run id");
  const path = join(crossformDir, "runs", run.id, "report.json");
  return parseRunReport(JSON.parse(await readFile(path, "utf8")), display(path)).units;
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new DemoError(message);
}

function recordPaths(id: string): string[] {
  const dir = join(crossformDir, "runs", id);
  return ["run.json", "report.md", "report.json", "report.html"].map((f) => display(join(dir, f)));
}

/** The default tags of a stack's resources: defaults < account < stack (no account sets any). */
function tagsOf(config: Config, stack: string): Tags {
  const account = [...config.accounts.values()][0];
  return { ...account?.defaultTags, ...config.stacks.get(stack)?.defaultTags };
}

/** Reads every account (and the base identity's own) through its own session and checks it. */
async function readBack(server: MotoServer, config: Config, units: Unit[]): Promise<void> {
  const accounts = [...config.accounts.values()].map((a) => ({
    name: a.name,
    id: a.id,
    regions: a.regions,
  }));
  accounts.push({ name: "base", id: "base", regions: BASE_REGIONS });
  const held = await readInventory(server.env, accounts, ADMIN_ROLE);
  const ids = new Map([...config.accounts.values()].map((a) => [a.name, a.id]));
  for (const line of describeInventory(held)) say(line);
  const zone = String(config.stacks.get("dns")?.vars.zone ?? "");
  const problems = inventoryProblems(expectedInventory(config, units, zone), held, ids, (stack) =>
    tagsOf(config, stack),
  );
  expect(
    problems.length === 0,
    `the accounts do not hold what the quickstart creates:\n  ${problems.join("\n  ")}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!existsSync(cli)) {
    throw new DemoError(`${display(cli)} is missing; run npm run demo (it builds first)`);
  }
  const read = readConfigText(
    await readFile(join(quickstart, "crossform.yaml"), "utf8"),
    "crossform.yaml",
  );
  if (!read.ok) {
    throw new DemoError("examples/quickstart/crossform.yaml is invalid; see crossform validate");
  }
  const { config } = read;
  const units = read.units.units;
  const edited = units.find((u: Unit) => u.id === EDITED_UNIT);
  if (!edited) throw new DemoError(`examples/quickstart has no unit ${EDITED_UNIT}`);
  const devId = config.accounts.get(edited.account)?.id ?? "";

  say(
    `==> start: examples/quickstart, ${units.length} units with the real hashicorp/aws provider, against a local AWS API emulator`,
  );
  await cleanPreviousRuns();

  heading(
    "check that the aws provider can be installed",
    "before anything runs: the provider the stacks' .terraform.lock.hcl pins, installed once into the plugin cache every unit links from",
  );
  await checkProvider();

  try {
    moto = await startMoto();
  } catch (error) {
    // The helper's message names the cause (and the pip command when moto_server is missing).
    throw new DemoError(error instanceof Error ? error.message : String(error));
  }
  const server = moto;
  checkInterrupted();
  await prepareDemoDir(server);
  const env = childEnv(server);
  say(`moto_server answers on ${server.endpoint}; it forgets everything when it stops`);
  say(
    `AWS_ENDPOINT_URL=${server.endpoint}, static fake keys, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE under ${display(join(demoDir, "aws"))}`,
  );

  heading(
    "validate the configuration, offline",
    "accounts, stacks, dependencies, waves, the state layout and the stacks' code; one line per wave",
  );
  await crossform(["validate"], env);

  heading(
    "check that the committed generated files are fresh",
    "what a unit runs is exactly what is committed; CI runs this and fails on a stale file",
  );
  await crossform(["generate", "--check"], env);

  heading(
    "bootstrap every account",
    `through ${ADMIN_ROLE} in each account: its state buckets (versioned, encrypted, private) and its deploy role TerraformDeploy`,
  );
  await crossform(["bootstrap", "--create-role"], env);

  heading(
    "verify every account",
    "assume each deploy role, check the identity is the configured account and the state bucket is safe",
  );
  await crossform(["verify"], env);

  heading(
    "plan everything",
    "nothing exists yet: network and dns plan their resources; app reads network's state, which does not exist yet, so app is blocked",
  );
  const firstPlan = await crossform(["plan"], env);
  const blocked = (await reportUnits(firstPlan)).filter((u) => u.status === "blocked");
  expect(
    blocked.length > 0 && blocked.every((u) => u.id.startsWith("app/")),
    `the first plan should show the app units blocked; it showed ${blocked.map((u) => u.id).join(", ") || "none"}`,
  );

  heading(
    "apply everything, wave by wave",
    "--auto-approve confirms dev, staging and shared; prod needs approval: required, so --approve prod names it; app is planned again once its network applied; --allow-dirty because apply otherwise refuses a working tree with uncommitted changes, and this checkout may have some",
  );
  const apply = await crossform(
    ["apply", "--all", "--allow-dirty", "--auto-approve", "--approve", "prod"],
    env,
  );
  const applied = await reportUnits(apply);
  const notApplied = applied.filter((u) => u.status !== "succeeded" || !u.has_changes);
  expect(
    notApplied.length === 0,
    `every unit should be applied; these were not: ${notApplied.map((u) => `${u.id} (${u.status})`).join(", ")}`,
  );

  heading(
    "read every resource back through its own account's session",
    `a session of ${ADMIN_ROLE} in each account lists what is there, with the default tags crossform.yaml gives; the base identity's own account must hold nothing`,
  );
  await readBack(server, config, units);

  heading(
    "plan again: nothing to do",
    "--detailed-exitcode follows terraform: 0 no changes, 1 error, 2 changes",
  );
  await crossform(["plan", "--detailed-exitcode"], env, [0]);

  heading(
    `change ${EDITED_RESOURCE} of ${EDITED_UNIT} behind crossform's back`,
    `as a console click would: through a session of ${edited.account}, the Parameter Store entry ${EDITED_PARAMETER} gets another value`,
  );
  const dev = await AccountResources.open(server.env, devId, ADMIN_ROLE);
  try {
    const before = (await dev.parameters(edited.region)).find((p) => p.name === EDITED_PARAMETER);
    await dev.putParameter(edited.region, EDITED_PARAMETER, EDITED_VALUE);
    say(
      `${EDITED_PARAMETER} in ${edited.account} (${dev.accountId}), ${edited.region}: ${JSON.stringify(before?.value)} -> ${JSON.stringify(EDITED_VALUE)}`,
    );
  } finally {
    dev.close();
  }

  heading(
    "look for drift",
    "plan -refresh-only in every unit: reports changed resources and outputs, never applies; exit 2 = drift found",
  );
  const drift = await crossform(["drift", "--detailed-exitcode"], env, [2]);
  const drifted = (await reportUnits(drift)).filter((u) => u.has_changes);
  expect(
    drifted.length === 1 &&
      drifted[0]?.id === EDITED_UNIT &&
      drifted[0].drifted.map((d) => d.address).join() === EDITED_RESOURCE,
    `drift should find ${EDITED_RESOURCE} of ${EDITED_UNIT} alone; it found ${drifted.map((u) => `${u.id} (${u.drifted.map((d) => d.address).join(", ")})`).join(", ") || "nothing"}`,
  );

  heading("the recorded runs", "every run command leaves a record; `crossform runs` lists them");
  await crossform(["runs"], env);

  heading("where the records and reports are", "one directory per run, files 0600");
  for (const r of runs) {
    say(`${r.command} (exit ${r.exitCode}), run ${r.id}:`);
    for (const path of recordPaths(r.id)) say(`  ${path}`);
  }
  say(
    `per unit: ${display(join(crossformDir, "runs"))}/<run>/units/<stack>/<account>/<region>/{log,plan.tfplan,summary.json,binding.json}`,
  );
  say(`render one again: crossform report ${runs[runs.length - 1]?.id ?? "<run>"} --format md`);
  const html = join(crossformDir, "runs", drift?.id ?? "", "report.html");
  expect(existsSync(html), `the drift run recorded no HTML report at ${display(html)}`);
  say(`the HTML report of the drift run (open it in a browser): ${display(html)}`);

  const seconds = Math.round((Date.now() - started) / 1000);
  say("\n==> summary");
  say(
    `${units.length} units in 4 accounts (prod in 2 regions), each state in a bucket of its own account:`,
  );
  say("  bootstrap and verify proved every account reachable and its state bucket safe;");
  say(
    `  the first plan showed app blocked until network had state; apply applied all ${units.length};`,
  );
  say(
    "  every resource was read back in its own account, with its default tags; the base identity's account held nothing;",
  );
  say("  the second plan found nothing to do (exit 0);");
  say(`  drift caught the out-of-band change of ${EDITED_RESOURCE} in ${EDITED_UNIT} (exit 2).`);
  say(
    `written: ${display(join(crossformDir, "runs"))} (run records), ${display(join(crossformDir, "units"))} (per-unit working and data directories), ${display(join(crossformDir, "plugin-cache"))} (the provider, linked), ${display(demoDir)} (the demo's AWS and Terraform configuration)`,
  );
  say(
    `the resources, buckets, roles and states lived in the emulator and are gone when it stops (${seconds} s)`,
  );
}

/** Asks each running crossform to stop (one SIGINT, as a terminal's Ctrl-C would). */
function interruptChildren(): void {
  for (const child of children) child.kill("SIGINT");
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted !== undefined) {
    process.stderr.write(`\n${signal} again: stopping the emulator now\n`);
    void stopMoto().finally(() => process.exit(130));
    return;
  }
  interrupted = signal;
  process.stderr.write(`\n${signal}: stopping crossform, then the emulator\n`);
  // crossform runs in its own process group, so this is the one interrupt it gets.
  interruptChildren();
  setTimeout(() => {
    process.stderr.write("crossform did not stop in time: stopping the emulator\n");
    void stopMoto().finally(() => process.exit(130));
  }, 60_000).unref();
}
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

try {
  await main();
  await stopMoto();
  say("\ndemo complete; moto_server stopped");
} catch (error) {
  interruptChildren();
  await stopMoto();
  if (error instanceof Interrupted) {
    process.stderr.write(`\ndemo interrupted (${error.message}); moto_server stopped\n`);
    process.exitCode = 130;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    if (!(error instanceof DemoError) && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  }
}
