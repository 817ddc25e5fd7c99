// `npm run demo`: the quickstart (examples/quickstart) against a local AWS API emulator. It runs
// the built CLI (dist/), real terraform and moto_server; it writes only under
// examples/quickstart/.crossform/demo/ and never reads or changes the user's AWS configuration.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { readConfigText } from "../src/core/config/read-config.ts";
import type { Config } from "../src/core/config/model.ts";
import type { Unit } from "../src/core/units/units.ts";
import { ADMIN_ROLE, listOwnedBuckets, listStateObjects } from "../test/helpers/aws-accounts.ts";
import { startMoto } from "../test/helpers/moto.ts";
import type { MotoServer } from "../test/helpers/moto.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const quickstart = join(root, "examples", "quickstart");
const cli = join(root, "dist", "cli", "main.js");
const demoDir = join(quickstart, ".crossform", "demo");
const STACK_ORDER = ["network", "app", "dns"] as const;

/** A failure the demo explains in one line and exits 1 for. */
class DemoError extends Error {}

let moto: MotoServer | undefined;
let stopping: Promise<void> | undefined;

function stopMoto(): Promise<void> {
  stopping ??= moto?.stop() ?? Promise.resolve();
  return stopping;
}

function heading(text: string): void {
  process.stdout.write(`\n==> ${text}\n`);
}

function display(path: string): string {
  return relative(root, path) || ".";
}

/** Runs a command with argv (no shell); streams its output when `echo`, else keeps it. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo: boolean },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (stream: NodeJS.WriteStream) => (chunk: string) => {
      output += chunk;
      if (options.echo) stream.write(chunk);
    };
    child.stdout.setEncoding("utf8").on("data", collect(process.stdout));
    child.stderr.setEncoding("utf8").on("data", collect(process.stderr));
    child.once("error", (error) => {
      const hint =
        command === "terraform"
          ? "; install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install)"
          : "";
      reject(new DemoError(`cannot run ${command}: ${error.message}${hint}`));
    });
    child.once("close", (code) => resolve({ code, output }));
  });
}

/** The children's whole environment: no user AWS settings pass through (CONTRACT.md section 5). */
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
    TF_CLI_CONFIG_FILE: join(demoDir, "terraformrc"),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
}

async function prepareDemoDir(server: MotoServer): Promise<void> {
  // Every run starts from scratch: the emulator forgets everything when it stops.
  await rm(demoDir, { recursive: true, force: true });
  await mkdir(join(quickstart, ".crossform"), { recursive: true, mode: 0o700 });
  await chmod(join(quickstart, ".crossform"), 0o700);
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
  await writeFile(join(demoDir, "terraformrc"), "", { mode: 0o600 });
}

async function crossform(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  heading(`crossform ${args.join(" ")}`);
  const result = await run(process.execPath, [cli, ...args], { cwd: quickstart, env, echo: true });
  if (result.code !== 0) {
    throw new DemoError(`crossform ${args.join(" ")} exited with ${result.code}`);
  }
}

function dataDir(unit: Unit): string {
  return join(demoDir, "data", unit.id);
}

function stackPath(config: Config, unit: Unit): string {
  return config.stacks.get(unit.stack)?.path ?? unit.stack;
}

/** Runs terraform for one unit in its stack directory, with the unit's own TF_DATA_DIR. */
async function terraform(
  config: Config,
  unit: Unit,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const path = stackPath(config, unit);
  const cwd = join(quickstart, path);
  process.stdout.write(
    `$ (cd ${path} && TF_DATA_DIR=${relative(cwd, dataDir(unit))} terraform ${args.join(" ")})\n`,
  );
  const result = await run("terraform", [...args, "-no-color"], {
    cwd,
    env: { ...env, TF_DATA_DIR: dataDir(unit) },
    echo: false,
  });
  if (result.code !== 0) {
    process.stderr.write(result.output);
    throw new DemoError(`terraform ${args[0]} of ${unit.id} exited with ${result.code}`);
  }
  return result.output;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
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

  heading("start the AWS API emulator (moto_server)");
  try {
    moto = await startMoto();
  } catch (error) {
    // The helper's message names the cause (and the pip command when moto_server is missing).
    throw new DemoError(error instanceof Error ? error.message : String(error));
  }
  const server = moto;
  process.stdout.write(`moto_server answers on ${server.endpoint}\n`);
  await prepareDemoDir(server);
  const env = childEnv(server);
  process.stdout.write(
    `AWS_ENDPOINT_URL=${server.endpoint}, static fake keys, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE under ${display(join(demoDir, "aws"))}\n`,
  );

  await crossform(["validate"], env);
  await crossform(["generate", "--check"], env);
  await crossform(["explain", "app/dev/us-east-1"], env);

  process.stdout.write(
    `\nbootstrap assumes ${ADMIN_ROLE} in each account and creates, inside that account, its state buckets (versioned, encrypted, public access blocked, TLS only) and its deploy role\n`,
  );
  await crossform(["bootstrap", "--create-role"], env);
  await crossform(["verify"], env);

  heading("terraform init of every unit, each against its own account's bucket");
  process.stdout.write("(commands shown from examples/quickstart; the demo adds -no-color)\n");
  for (const unit of units) {
    await terraform(
      config,
      unit,
      [
        "init",
        "-reconfigure",
        "-input=false",
        "-lockfile=readonly",
        `-backend-config=backends/${unit.fileStem}.s3.tfbackend`,
      ],
      env,
    );
  }

  for (const stack of STACK_ORDER) {
    heading(`terraform apply: ${stack}`);
    for (const unit of units.filter((u) => u.stack === stack)) {
      const output = await terraform(
        config,
        unit,
        [
          "apply",
          "-auto-approve",
          "-input=false",
          `-var-file=targets/${unit.fileStem}.tfvars.json`,
        ],
        env,
      );
      const done = /^Apply complete!.*$/m.exec(output)?.[0] ?? "applied";
      process.stdout.write(`  ${unit.id}: ${done}\n`);
    }
  }

  heading("summary: where each unit's state landed");
  const rows = [["unit", "state object", "bucket owner"]];
  for (const unit of units) {
    const { state } = unit;
    const owned = await listOwnedBuckets(server.env, state.accountId);
    const keys = await listStateObjects(server.env, state);
    if (!owned.includes(state.bucket) || !keys.includes(state.key)) {
      throw new DemoError(
        `the state of ${unit.id} is not at s3://${state.bucket}/${state.key} in account ${state.accountId}`,
      );
    }
    rows.push([
      unit.id,
      `s3://${state.bucket}/${state.key}`,
      `${state.accountName} (${state.accountId})`,
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
  process.stdout.write(
    "\neach state object was listed through a session of the account that owns its bucket.\n" +
      `written: terraform data directories in ${display(join(demoDir, "data"))}/<stack>/<account>/<region>,\n` +
      `the demo's AWS config files in ${display(join(demoDir, "aws"))}; the buckets and states lived in the emulator\n` +
      "and are gone when it stops. Against real AWS, the same files run without the emulator.\n",
  );
}

function onSignal(signal: NodeJS.Signals): void {
  process.stderr.write(`\n${signal}: stopping the emulator\n`);
  void stopMoto().finally(() => process.exit(130));
}
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

try {
  await main();
  await stopMoto();
  process.stdout.write("\ndemo complete; moto_server stopped\n");
} catch (error) {
  await stopMoto();
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`\ndemo failed: ${message}\n`);
  if (!(error instanceof DemoError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = 1;
}
