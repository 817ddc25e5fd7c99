// Fault tests of issue 13 about what goes in and what comes out, with the built CLI, real
// terraform and moto_server: 4, a sensitive value in a failing provisioner's command reaches
// nothing crossform prints or writes; 5, stack paths that escape the repository are refused and
// nothing is written outside it; 7, an AWS endpoint that accepts connections and never answers
// fails `verify` within the configured timeout, naming the endpoint.
import assert from "node:assert/strict";
import { cp, readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { runBuiltCli, emulatorCliEnv, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const fixtures = fileURLToPath(new URL("../fixtures/faults/", import.meta.url));
const root = await makeTempDir("faults-inputs");
const home = join(root, "home");

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

/** The built CLI in `dir` against the emulator, no terminal (CI=true), plus `extra` variables. */
function crossform(
  dir: string,
  args: string[],
  extra: Record<string, string> = {},
): Promise<CliResult> {
  const env = { ...emulatorCliEnv(moto.env, { home, root }), ...extra };
  return runBuiltCli(args, { cwd: dir, env: terraformEnv(env) });
}

const show = showResult;

/** A copy of test/fixtures/faults/<name>. */
async function scenario(name: string): Promise<string> {
  const dir = join(root, name);
  await cp(join(fixtures, name), dir, { recursive: true });
  return dir;
}

/** Every regular file under `dir`, recursively (symbolic links into the user's tree left out). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("faults: inputs and outputs", { concurrency: 3 }, () => {
  test("4: sensitive values in terraform's own error text (a failing provisioner's command, a provider error at plan time; from tfvars, a default, TF_VAR_) reach no output and no file crossform writes, with --debug, and through apply --run", async () => {
    const dir = await scenario("secret-provisioner");
    const secrets = [
      "tfvars-db-password-8d1f2c",
      "default-api-key-5e07a9",
      "env-token-value-3b6e11",
      "sensitive-bucket-name-41c9d2",
    ];
    const environment = { TF_VAR_token: "env-token-value-3b6e11" };
    const generated = await crossform(dir, ["generate"]);
    assert.equal(generated.code, 0, show(generated));
    const bootstrap = await crossform(dir, ["bootstrap", "--create-role"]);
    assert.equal(bootstrap.code, 0, show(bootstrap));

    const runs: CliResult[] = [];
    const run = async (args: string[], code: number): Promise<CliResult> => {
      const result = await crossform(dir, args, environment);
      assert.equal(result.code, code, `${args.join(" ")}: ${show(result)}`);
      runs.push(result);
      return result;
    };
    const apply = ["apply", "app", "--auto-approve", "--allow-dirty"];
    const reports = (name: string): string[] =>
      ["md", "json", "html"].flatMap((e) => ["--report", `${name}.${e}`]);
    // The provisioner fails in the apply after the plan, with and without --debug.
    await run([...apply, ...reports("apply")], 1);
    await run([...apply, "--debug", ...reports("debug")], 1);
    // A saved plan applied by another process, which never saw the plan's show -json.
    const planned = await run(["plan", "app", "--format", "json"], 0);
    const runId = (JSON.parse(planned.stdout) as { run: { id: string } }).run.id;
    await run(["apply", "--run", runId, "--auto-approve", "--allow-dirty", ...reports("saved")], 1);
    // A plan that fails on a provider error quoting a sensitive default.
    await run(["plan", "reader", ...reports("reader")], 1);
    await run(["plan", "reader", "--debug"], 1);
    const printed = runs.map((r) => `${r.stdout}\n${r.stderr}`).join("\n");
    assert.match(printed, /app\/dev\/us-east-1 +\d.* failed/);
    assert.match(printed, /reader\/dev\/us-east-1 +- .* failed/);

    // The failures are reported with terraform's own words, redacted.
    for (const name of ["apply", "saved"]) {
      const report = await readFile(join(dir, `${name}.md`), "utf8");
      assert.match(report, /local-exec provisioner error/, report);
      assert.match(report, /Error running command 'echo connecting with \[redacted\]/, report);
    }
    const reader = await readFile(join(dir, "reader.md"), "utf8");
    assert.match(reader, /S3 bucket "\[redacted\]" does/, reader);

    const files = [
      ...(await filesUnder(join(dir, ".crossform"))),
      ...["apply", "debug", "saved", "reader"].flatMap((n) =>
        ["md", "json", "html"].map((e) => join(dir, `${n}.${e}`)),
      ),
    ];
    const names = new Set(files.map((f) => f.split("/").pop()));
    for (const kind of ["log", "journal.jsonl", "run.json", "report.md", "summary.json"])
      assert.ok(names.has(kind), `the records hold a ${kind}`);
    const logs = files.filter((f) => f.endsWith("/log"));
    const logged = (await Promise.all(logs.map((f) => readFile(f, "utf8")))).join("\n");
    assert.match(logged, /Error running command/, "terraform's error text is in the unit's log");
    assert.match(logged, /\[TRACE\]/, "the --debug runs' trace is in the log");

    let searched = 0;
    for (const file of files) {
      // Saved plans are terraform's own, 0600, never a report (docs/contract.md section 7).
      if (file.endsWith("plan.tfplan")) continue;
      const text = await readFile(file, "utf8");
      for (const secret of secrets)
        assert.equal(text.includes(secret), false, `${secret} in ${file}`);
      searched += 1;
    }
    assert.ok(searched >= 25, `searched ${searched} files`);
    for (const secret of secrets)
      assert.equal(printed.includes(secret), false, `${secret} printed:\n${printed}`);
    const plans = files.filter((f) => f.endsWith("plan.tfplan"));
    assert.ok(plans.length >= 3);
    for (const plan of plans) assert.equal((await stat(plan)).mode & 0o777, 0o600, plan);
  });
});
