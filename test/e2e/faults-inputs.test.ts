// Fault tests of issue 13 about what goes in and what comes out, with the built CLI, real
// terraform and moto_server: 4, a sensitive value in a failing provisioner's command reaches
// nothing crossform prints or writes; 5, stack paths that escape the repository are refused and
// nothing is written outside it; 7, an AWS endpoint that accepts connections and never answers
// fails `verify` within the configured timeout, naming the endpoint.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, readdir, stat, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Socket } from "node:net";
import { promisify } from "node:util";
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

/** Every entry under `dir` with a digest of what it is: a file's bytes, a link's target, a directory. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile())
      seen.set(
        path,
        createHash("sha256")
          .update(await readFile(path))
          .digest("hex"),
      );
    else seen.set(path, entry.isDirectory() ? "dir" : "other");
  }
  return seen;
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
  test("5: stack paths escaping the repository (.., a symbolic link, .git) are refused by every command; nothing is written outside", async () => {
    const top = join(root, "escape");
    const repo = join(top, "repo");
    const elsewhere = join(top, "elsewhere");
    await mkdir(join(repo, "stacks", "app"), { recursive: true });
    await mkdir(join(elsewhere, "app"), { recursive: true });
    const code = 'resource "terraform_data" "x" {\n  input = "x"\n}\n';
    await writeFile(join(repo, "stacks", "app", "main.tf"), code);
    await writeFile(join(elsewhere, "app", "main.tf"), code);
    await promisify(execFile)("git", ["init", "-q", repo]);
    await mkdir(join(repo, ".git", "hooks", "stack"), { recursive: true });
    await writeFile(join(repo, ".git", "hooks", "stack", "main.tf"), code);
    await symlink(join(elsewhere, "app"), join(repo, "stacks", "linked"));
    await symlink(join(repo, ".git", "hooks"), join(repo, "stacks", "hooks"));
    const config = (paths: string[]): string =>
      `version: 1\nbase: { region: us-east-1 }\ndefaults: { role: TerraformDeploy, regions: [us-east-1] }\nstate: { bucket: "escape-{account_id}-{region}" }\naccounts:\n  dev: { id: "790000000001" }\nstacks:\n  app: { path: stacks/app, accounts: [dev] }\n${paths.map((p, i) => `  bad${i}: { path: "${p}", accounts: [dev] }\n`).join("")}waves: [[dev]]\n`;
    // The text of a path is checked first; links only once every path reads well.
    const cases: [string[], RegExp[]][] = [
      [
        ["../elsewhere/app", ".git/hooks/stack"],
        [
          /stack bad0: path "\.\.\/elsewhere\/app" leads outside the directory of crossform\.yaml/,
          /stack bad1: path "\.git\/hooks\/stack" is inside \.git/,
        ],
      ],
      [
        ["stacks/linked", "stacks/hooks/stack"],
        [
          /stack bad0: path "stacks\/linked" leads, through a symbolic link, to ".*elsewhere\/app", outside the directory/,
          /stack bad1: path "stacks\/hooks\/stack" leads, through a symbolic link, to ".*\.git\/hooks\/stack", inside \.git/,
        ],
      ],
    ];
    const outside = await snapshot(elsewhere);
    const git = await snapshot(join(repo, ".git"));
    for (const [paths, messages] of cases) {
      await writeFile(join(repo, "crossform.yaml"), config(paths));
      for (const args of [
        ["validate"],
        ["generate"],
        ["plan"],
        ["apply", "--all", "--auto-approve"],
      ]) {
        const result = await crossform(repo, args);
        assert.equal(result.code, 2, `${paths.join(", ")}: ${args.join(" ")}: ${show(result)}`);
        for (const message of messages) assert.match(result.stderr, message, args.join(" "));
        assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
      }
    }
    assert.deepEqual(await snapshot(elsewhere), outside, "nothing written outside the repository");
    assert.deepEqual(await snapshot(join(repo, ".git")), git, "nothing written into .git");
    const written = [...(await snapshot(repo)).keys()].filter((p) => !p.includes("/.git/"));
    assert.deepEqual(
      written.filter((p) => p.includes("crossform_") || p.includes(".crossform")),
      [],
      "no generated file, no run record",
    );
  });

  test("7: an endpoint that accepts connections and never answers: verify fails within aws.request_timeout, naming the endpoint, saying meanwhile that it waits", async () => {
    const sockets: Socket[] = [];
    let requests = 0;
    const hung = createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => undefined);
      socket.on("data", () => (requests += 1));
    });
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const address = hung.address();
    assert.ok(address !== null && typeof address === "object");
    const endpoint = `http://127.0.0.1:${address.port}`;
    const dir = join(root, "hung");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "crossform.yaml"),
      'version: 1\nbase: { region: us-east-1 }\ndefaults: { role: TerraformDeploy, regions: [us-east-1] }\naccounts:\n  dev: { id: "791000000001" }\n  prod: { id: "791000000002" }\naws: { request_timeout: 4s }\n',
    );
    const started = performance.now();
    try {
      const result = await crossform(dir, ["verify"], { AWS_ENDPOINT_URL: endpoint });
      const seconds = (performance.now() - started) / 1000;
      assert.equal(result.code, 1, show(result));
      assert.ok(seconds < 15, `verify took ${seconds.toFixed(1)} s`);
      assert.match(
        result.stderr,
        new RegExp(
          `sts:GetCallerIdentity as the base identity in us-east-1 failed: no answer from ${endpoint} in 4 s`,
        ),
      );
      assert.match(result.stdout, /raise aws\.request_timeout in crossform\.yaml/);
      assert.match(
        result.stderr,
        new RegExp(
          `info: waiting for an answer from ${endpoint} to sts:GetCallerIdentity in us-east-1: 2 s so far, giving up at 4 s`,
        ),
      );
      assert.equal(requests, 1, "the call without an answer was not retried");
    } finally {
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });
});
