// crossform exec as an operator uses it, with the built CLI in a copy of the quickstart against
// real terraform, the real hashicorp/aws provider from the mirror and one moto_server: the
// network stack is applied in dev and staging first (prod's stays empty), then terraform commands
// run in the units' own directories, backends and roles. Read-only commands run in parallel and
// print per unit; a failing unit makes the exit code; state changes need every account approved,
// run one unit at a time and stop at the first failure; `state rm` and `import` change only the
// unit's own state (read back from each account's bucket) through the unit's own account (the
// import reads the resource through the generated provider); refused commands and flags change
// nothing; and every exec is in the run records.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { builtCli, emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { requireProviderMirror } from "../helpers/provider-mirror.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/run", import.meta.url));
requireProviderMirror();

const root = await makeTempDir("exec");
const work = join(root, "quickstart");
const home = join(root, "home");
const example = await copyExample(quickstart, work);
const DEV = "network/dev/us-east-1";
const STAGING = "network/staging/us-east-1";
const PROD = "network/prod/us-east-1";

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
  const boot = await crossform("bootstrap", "--create-role");
  assert.equal(boot.code, 0, showResult(boot));
  const applied = await crossform(
    "apply",
    "network",
    "--target",
    "dev,staging",
    "--auto-approve",
    "--allow-dirty",
  );
  assert.equal(applied.code, 0, showResult(applied));
});
after(() => moto?.stop());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...providerTerraformEnv(emulatorCliEnv(moto.env, { home, root })), ...extra };
}

/** The built CLI in the quickstart copy, no terminal (CI=true). */
function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: env() });
}

/** The resources a unit's state object holds, as `type.name`, read from its account's bucket. */
async function stateResources(id: string): Promise<string[]> {
  const { state } = example.unit(id);
  const text = await getStateObject(moto.env, {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    accountId: state.accountId,
  });
  const parsed = JSON.parse(text) as { resources: { type: string; name: string }[] };
  return parsed.resources.map((r) => `${r.type}.${r.name}`).sort();
}

/** The JSON document of `exec --format json`. */
interface ExecJson {
  run: { id: string; command: string; terraform_args: string[]; user: string };
  exit_code: number;
  units: {
    id: string;
    account_id: string;
    status: string;
    exit_code: number | null;
    stdout: string | null;
    stderr: string | null;
    error: string | null;
    reason: string | null;
  }[];
}

function execJson(result: CliResult): ExecJson {
  try {
    return JSON.parse(result.stdout) as ExecJson;
  } catch {
    return assert.fail(`stdout is not JSON:\n${showResult(result)}`);
  }
}

function unitOf(doc: ExecJson, id: string): ExecJson["units"][number] {
  const unit = doc.units.find((u) => u.id === id);
  assert.ok(unit, `${id} is in the exec document`);
  return unit;
}

test("state list runs in every selected unit and prints each unit's output as one block in CI", async () => {
  const result = await crossform(
    "exec",
    "network",
    "--target",
    "dev,staging",
    "--",
    "state",
    "list",
  );
  assert.equal(result.code, 0, showResult(result));
  for (const [id, account] of [
    [DEV, "dev, 111111111111"],
    [STAGING, "staging, 222222222222"],
  ] as const) {
    const block = new RegExp(
      `==> ${id} \\(${account}\\): exit 0\\naws_s3_bucket\\.artifacts\\naws_ssm_parameter\\.cidr_block\\n`,
    );
    assert.match(result.stdout, block, showResult(result));
  }
  assert.match(result.stderr, /2 units: 2 exit 0; terraform state list; exit 0/);
  const run = /run (\S+) recorded in/.exec(result.stderr)?.[1];
  assert.ok(run, showResult(result));
  const runs = await crossform("runs", "--format", "json");
  const listed = (
    JSON.parse(runs.stdout) as {
      runs: { id: string; command: string; terraform_args: string[]; user: string }[];
    }
  ).runs.find((r) => r.id === run);
  assert.deepEqual(
    { command: listed?.command, args: listed?.terraform_args, user: listed?.user },
    { command: "exec", args: ["state", "list"], user: "e2e" },
  );
  const shown = await crossform("report", run, "--format", "json");
  const report = JSON.parse(shown.stdout) as { units: { id: string; exit_code: number }[] };
  assert.deepEqual(
    report.units.map((u) => [u.id, u.exit_code]),
    [
      [DEV, 0],
      [STAGING, 0],
    ],
  );
  const journal = await readFile(join(work, ".crossform", "runs", run, "journal.jsonl"), "utf8");
  assert.match(journal, /"event":"terraform-started","command":"state"/);
  assert.match(journal, /"unit":"network\/dev\/us-east-1","event":"executed","exit":0/);
});

test("output -json in each unit's own account; the exit code is the worst unit's (prod has no state)", async () => {
  const result = await crossform(
    "exec",
    "network",
    "--target",
    "dev,staging,prod",
    "--format",
    "json",
    "--",
    "output",
    "-json",
    "account_id",
  );
  const doc = execJson(result);
  assert.equal(result.code, 1, showResult(result));
  assert.equal(doc.exit_code, 1);
  assert.deepEqual(doc.run.terraform_args, ["output", "-json", "account_id"]);
  for (const id of [DEV, STAGING]) {
    const unit = unitOf(doc, id);
    assert.equal(unit.exit_code, 0, JSON.stringify(unit));
    assert.equal(JSON.parse(unit.stdout ?? "null"), unit.account_id, `${id} reads its own account`);
  }
  const prod = unitOf(doc, PROD);
  assert.equal(prod.status, "failed");
  assert.equal(prod.exit_code, 1);
  assert.match(prod.stderr ?? "", /Output "account_id" not found/);
  assert.match(prod.error ?? "", /terraform output exited 1/);
});

test("a state-changing command without a terminal needs every account named by --approve, and runs nowhere without", async () => {
  const before = await stateResources(DEV);
  const result = await crossform(
    "exec",
    "network",
    "--target",
    "dev,staging",
    "--approve",
    "dev",
    "--",
    "state",
    "rm",
    "aws_ssm_parameter.cidr_block",
  );
  assert.equal(result.code, 2, showResult(result));
  assert.match(
    result.stderr,
    /exec of a state-changing command in account staging needs --approve staging when not interactive/,
  );
  assert.doesNotMatch(result.stderr, /recorded in/);
  assert.deepEqual(await stateResources(DEV), before);
  const all = await crossform("exec", "--approve", "dev", "--", "taint", "aws_s3_bucket.x");
  assert.equal(all.code, 2, showResult(all));
  assert.match(all.stderr, /exec -- taint needs a selection or --all/);
});

test("state rm changes only the unit's own state; import brings the resource back through the unit's account", async () => {
  const staging = await stateResources(STAGING);
  const bucket = "quickstart-artifacts-111111111111-us-east-1";
  const removed = await crossform(
    "exec",
    "network",
    "--target",
    "dev",
    "--approve",
    "dev",
    "--",
    "state",
    "rm",
    "aws_s3_bucket.artifacts",
  );
  assert.equal(removed.code, 0, showResult(removed));
  assert.match(removed.stdout, /Removed aws_s3_bucket\.artifacts/);
  assert.deepEqual(await stateResources(DEV), ["aws_ssm_parameter.cidr_block"]);
  assert.deepEqual(await stateResources(STAGING), staging, "staging's state is untouched");
  const imported = await crossform(
    "exec",
    "network",
    "--target",
    "dev",
    "--approve",
    "dev",
    "--",
    "import",
    "aws_s3_bucket.artifacts",
    bucket,
  );
  assert.equal(imported.code, 0, showResult(imported));
  assert.match(imported.stdout, /Import successful!/);
  assert.deepEqual(await stateResources(DEV), [
    "aws_s3_bucket.artifacts",
    "aws_ssm_parameter.cidr_block",
  ]);
  const shown = await crossform(
    "exec",
    "network",
    "--target",
    "dev",
    "--",
    "state",
    "show",
    "aws_s3_bucket.artifacts",
  );
  assert.equal(shown.code, 0, showResult(shown));
  assert.match(shown.stdout, new RegExp(`arn *= "arn:aws:s3:::${bucket}"`));
});

test("a state-changing command runs one unit at a time and stops at the first failure", async () => {
  const result = await crossform(
    "exec",
    "network",
    "--target",
    "dev,staging",
    "--approve",
    "dev,staging",
    "--format",
    "json",
    "--",
    "taint",
    "aws_s3_bucket.missing",
  );
  const doc = execJson(result);
  assert.equal(result.code, 1, showResult(result));
  const dev = unitOf(doc, DEV);
  assert.deepEqual([dev.status, dev.exit_code], ["failed", 1]);
  assert.match(dev.stderr ?? "", /No such resource instance/);
  const staging = unitOf(doc, STAGING);
  assert.deepEqual(
    [staging.status, staging.exit_code, staging.stdout],
    ["not-started", null, null],
  );
  assert.equal(staging.reason, `${DEV} failed: no other unit starts`);
});

test("refused subcommands and flags change nothing and say why", async () => {
  const cases: [string[], RegExp][] = [
    [["apply"], /exec -- apply: refused: use crossform apply/],
    [["state", "pull"], /exec -- state pull: refused: it prints the whole state/],
    [["workspace", "new", "x"], /exec -- workspace: refused: crossform keeps one state per unit/],
    [["frobnicate"], /exec -- frobnicate: not a subcommand crossform exec runs in units/],
    [
      ["state", "list", "-state=other.tfstate"],
      /-state=other.tfstate: refused: it reads or writes a local state file/,
    ],
    [
      ["-chdir=/tmp", "state", "list"],
      /exec -- -chdir=\/tmp: refused: each unit runs in its own working directory/,
    ],
    [
      ["import", "-var", "crossform_account_id=333333333333", "a.b", "id"],
      /refused: crossform_account_id wires the unit to its account/,
    ],
    [
      ["import", "-config=../other", "a.b", "id"],
      /-config=..\/other: refused: it loads another configuration directory/,
    ],
  ];
  for (const [words, message] of cases) {
    const result = await crossform("exec", "--target", "dev", "--", ...words);
    assert.equal(result.code, 2, `${words.join(" ")}\n${showResult(result)}`);
    assert.match(result.stderr, message, words.join(" "));
  }
  const none = await crossform("exec", "--target", "dev");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /exec needs a terraform command after --/);
});

/**
 * The built CLI on a pseudo-terminal (`script`), not in CI; once something prompts (`>`), each of
 * `lines` is typed a second apart. All it printed, stdout and stderr together.
 */
function inTerminal(
  args: string[],
  lines: string[] = [],
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, builtCli, ...args].map((w) => `'${w}'`).join(" ");
    const child = spawn("script", ["-qefc", command, "/dev/null"], {
      cwd: work,
      env: env({ CI: "false", TERM: "dumb" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, out });
    });
    const timer = setInterval(() => {
      if (lines.length === 0 || !out.includes(">")) return;
      clearInterval(timer);
      lines.forEach((line, i) => setTimeout(() => child.stdin.write(`${line}\n`), i * 1000));
    }, 200);
  });
}

test("on a terminal each line of several units' output has its unit in front", async () => {
  const result = await inTerminal([
    "exec",
    "network",
    "--target",
    "dev,staging",
    "--",
    "state",
    "list",
  ]);
  assert.equal(result.code, 0, result.out);
  for (const id of [DEV, STAGING]) {
    for (const address of ["aws_s3_bucket.artifacts", "aws_ssm_parameter.cidr_block"])
      assert.match(result.out, new RegExp(`^${id} +\\| ${address.replace(".", "\\.")}\\r?$`, "m"));
  }
  assert.doesNotMatch(result.out, /==> /, "no CI blocks on a terminal");
});

test("console runs in one unit only, attached to a terminal", async () => {
  const two = await runBuiltCli(["exec", "--target", "dev,staging", "--", "console"], {
    cwd: work,
    env: env({ CI: "false" }),
  });
  assert.equal(two.code, 2, showResult(two));
  assert.match(
    two.stderr,
    /exec -- console runs in one unit attached to the terminal; the selection holds/,
  );
  const piped = await crossform("exec", "--target", DEV, "--", "console");
  assert.equal(piped.code, 2, showResult(piped));
  assert.match(piped.stderr, /is interactive and needs a terminal/);
  // terraform console starts after the preflight and init: it prompts, then reads the lines.
  const attached = await inTerminal(
    ["exec", "--target", DEV, "--", "console"],
    ["upper(var.crossform_account_name)", "exit"],
  );
  assert.equal(attached.code, 0, attached.out);
  assert.match(attached.out, /"DEV"/);
  assert.match(attached.out, /1 unit: 1 exit 0; terraform console; exit 0/);
});

test("a state role that lands in another account fails the unit before any of its terraform, as it does for plan", async () => {
  const dir = join(root, "wrong-account");
  await copyExample(quickstart, dir);
  const config = join(dir, "crossform.yaml");
  const text = await readFile(config, "utf8");
  await writeFile(
    config,
    text.replace(
      "  lock: s3\n",
      '  lock: s3\n  role: "arn:aws:iam::444444444444:role/TerraformDeploy"\n',
    ),
  );
  const run = (...args: string[]) => runBuiltCli(args, { cwd: dir, env: env() });
  const generated = await run("generate");
  assert.equal(generated.code, 0, showResult(generated));
  const result = await run("exec", "network", "--target", "dev", "--", "state", "list");
  assert.equal(result.code, 1, showResult(result));
  assert.match(
    result.stderr,
    /state role arn:aws:iam::444444444444:role\/TerraformDeploy resolves to account 444444444444, not dev \(111111111111\)/,
  );
  assert.match(
    result.stderr,
    /network\/dev\/us-east-1: FAILED: account dev \(111111111111\) failed verification: .*; no terraform ran for this unit/,
  );
  assert.equal(result.stdout, "");
});

test("values the state holds as sensitive never reach exec's output, logs or records", async () => {
  const dir = join(root, "sensitive");
  await cp(join(fixtures, "sensitive"), dir, { recursive: true });
  const run = (...args: string[]) => runBuiltCli(args, { cwd: dir, env: env() });
  for (const args of [
    ["generate"],
    ["bootstrap", "--create-role"],
    ["apply", "--all", "--auto-approve", "--allow-dirty"],
  ]) {
    const result = await run(...args);
    assert.equal(result.code, 0, `${args.join(" ")}: ${showResult(result)}`);
  }
  const secrets = ["t0ken-output-value", "s3cr3t-value"];
  const printed: string[] = [];
  for (const words of [
    ["--format", "json", "--", "output", "-json"],
    ["--", "output", "-raw", "token"],
    ["--", "show", "-json"],
  ]) {
    const result = await run("exec", ...words);
    assert.equal(result.code, 0, `${words.join(" ")}: ${showResult(result)}`);
    assert.match(result.stdout, /\[redacted\]/, words.join(" "));
    printed.push(result.stdout, result.stderr);
  }
  assert.match(printed[0] ?? "", /v1sible-value/, "a value that is not sensitive is shown");
  const records = join(dir, ".crossform", "runs");
  for (const id of await readdir(records)) {
    for (const file of ["journal.jsonl", "run.json", "units/secrets/dev/us-east-1/log"])
      printed.push(await readFile(join(records, id, file), "utf8").catch(() => ""));
  }
  for (const text of printed)
    for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} leaked:\n${text}`);
});
