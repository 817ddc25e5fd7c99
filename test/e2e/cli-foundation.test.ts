import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, readFile, readdir, realpath, rename, stat, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { runBuiltCli } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// The foundation commands (validate, generate, explain, schema, profiles) run as a user runs
// them: the built CLI, in temporary copies of the quickstart and of test/fixtures/cli/<scenario>/.

const repo = fileURLToPath(new URL("../../", import.meta.url));
const quickstart = join(repo, "examples", "quickstart");
const fixture = (scenario: string): string => join(repo, "test", "fixtures", "cli", scenario);

/** The operator crossform sees; never the machine's own AWS configuration. */
const USER = "tester";
let unusedAwsConfig: string;

before(async () => {
  unusedAwsConfig = join(await makeTempDir("cli-unused"), "aws-config");
});

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("TF_")) env[key] = value;
  }
  return { ...env, USER, AWS_CONFIG_FILE: unusedAwsConfig, ...extra };
}

function crossform(
  args: string[],
  cwd: string,
  extra: Record<string, string> = {},
): Promise<CliResult> {
  return runBuiltCli(args, { cwd, env: cliEnv(extra) });
}

/** A copy of `source` in a fresh temporary directory, without run data. */
async function copyOf(source: string): Promise<string> {
  const dir = await makeTempDir("cli");
  await cp(source, dir, {
    recursive: true,
    filter: (path) =>
      !path.split(sep).some((part) => part === ".crossform" || part === ".terraform"),
  });
  return dir;
}

/** Every directory and file under `root`, with each file's bytes and modification time. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        out.set(`${path}/`, "");
        await visit(path);
      } else {
        const full = join(root, path);
        out.set(path, `${(await readFile(full)).toString("base64")} ${(await stat(full)).mtimeMs}`);
      }
    }
  };
  await visit("");
  return out;
}

function exitCode(result: CliResult, expected: number, what: string): void {
  assert.equal(
    result.code,
    expected,
    `${what} exits ${expected}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
  );
}

// Suites and their tests run side by side: most of the time is spent waiting on child processes.
describe("the foundation commands", { concurrency: true }, () => {
  describe("validate", { concurrency: true }, () => {
    test("a valid configuration: exit 0, the units listed by wave", async () => {
      const dir = await copyOf(quickstart);
      const result = await crossform(["validate"], dir);
      exitCode(result, 0, "validate");
      assert.equal(
        result.stdout,
        [
          "crossform.yaml: valid: 4 accounts, 3 stacks, 9 units, 4 waves",
          "  wave 1 (tier:dev): network/dev/us-east-1, app/dev/us-east-1",
          "  wave 2 (tier:staging): network/staging/us-east-1, app/staging/us-east-1",
          "  wave 3 (prod): network/prod/us-east-1, network/prod/eu-west-1, app/prod/us-east-1, app/prod/eu-west-1",
          "  wave 4 (tier:shared): dns/shared/us-east-1",
          "",
        ].join("\n"),
      );
      assert.equal(result.stderr, "");
    });

    test("--json: a versioned document with the units, their waves, dependencies and state", async () => {
      const dir = await copyOf(quickstart);
      const result = await crossform(["validate", "--json"], dir);
      exitCode(result, 0, "validate --json");
      const report = JSON.parse(result.stdout) as {
        version: number;
        valid: boolean;
        diagnostics: unknown[];
        accounts: number;
        stacks: number;
        waves: string[];
        units: {
          id: string;
          wave: string;
          dependsOn: string[];
          state: { bucket: string; key: string; region: string; account: string };
        }[];
      };
      assert.deepEqual(Object.keys(report).sort(), [
        "accounts",
        "diagnostics",
        "stacks",
        "units",
        "valid",
        "version",
        "waves",
      ]);
      assert.equal(report.version, 1);
      assert.equal(report.valid, true);
      assert.deepEqual(report.diagnostics, []);
      assert.equal(report.accounts, 4);
      assert.equal(report.stacks, 3);
      assert.deepEqual(report.waves, ["tier:dev", "tier:staging", "prod", "tier:shared"]);
      assert.equal(report.units.length, 9);
      for (const unit of report.units) {
        assert.deepEqual(Object.keys(unit).sort(), ["dependsOn", "id", "state", "wave"]);
        assert.deepEqual(Object.keys(unit.state).sort(), ["account", "bucket", "key", "region"]);
      }
      assert.deepEqual(
        report.units.find((u) => u.id === "app/prod/eu-west-1"),
        {
          id: "app/prod/eu-west-1",
          wave: "prod",
          dependsOn: ["network/prod/eu-west-1"],
          state: {
            bucket: "crossform-quickstart-333333333333-eu-west-1",
            key: "app/terraform.tfstate",
            region: "eu-west-1",
            account: "prod",
          },
        },
      );
      assert.deepEqual(report.units.find((u) => u.id === "dns/shared/us-east-1")?.dependsOn, []);
    });

    for (const [scenario, position, code, hint] of [
      ["yaml-syntax", "crossform.yaml:4:3", "config/yaml-syntax", /hint: fix the YAML syntax/],
      [
        "unknown-account",
        "crossform.yaml:8:21",
        "config/unknown-account",
        /hint: did you mean "prod"\?/,
      ],
    ] as const) {
      test(`a broken crossform.yaml (${scenario}): file:line:column on stderr, exit 2, nothing written`, async () => {
        const dir = await copyOf(fixture(scenario));
        const before = await snapshot(dir);
        const commands = [["validate"], ["generate"], ["generate", "--check"]];
        for (const args of scenario === "yaml-syntax" ? commands : commands.slice(0, 2)) {
          const result = await crossform(args, dir);
          exitCode(result, 2, args.join(" "));
          assert.match(
            result.stderr,
            new RegExp(`^${position.replace(/\./g, "\\.")}: error: .* \\[${code}\\]$`, "m"),
            args.join(" "),
          );
          assert.match(result.stderr, hint);
          assert.match(result.stderr, /nothing was (changed|written)/);
          assert.equal(result.stdout, "");
          assert.deepEqual(await snapshot(dir), before, `${args.join(" ")} wrote nothing`);
        }
        // The JSON form carries the same position.
        if (scenario !== "yaml-syntax") return;
        const json = await crossform(["validate", "--json"], dir);
        exitCode(json, 2, "validate --json");
        const report = JSON.parse(json.stdout) as {
          valid: boolean;
          diagnostics: { code: string; position: { file: string; line: number; column: number } }[];
        };
        assert.equal(report.valid, false);
        const [file, line, column] = position.split(":");
        assert.deepEqual(
          report.diagnostics.map((d) => [d.code, d.position]),
          [[code, { file, line: Number(line), column: Number(column) }]],
        );
      });
    }
  });

  describe("generate", { concurrency: true }, () => {
    test("--check on a stale tree exits 1 naming every stale file; generate then --check exits 0", async () => {
      const dir = await copyOf(fixture("stale"));
      const before = await snapshot(dir);
      const check = await crossform(["generate", "--check"], dir);
      exitCode(check, 1, "generate --check");
      assert.deepEqual(await snapshot(dir), before, "generate --check wrote nothing");
      const units = ["dev", "prod.us-east-1", "prod.eu-west-1"];
      const perUnit = (stack: string): string[] =>
        units.flatMap((u) => [
          `stacks/${stack}/backends/${u}.s3.tfbackend (missing)`,
          `stacks/${stack}/targets/${u}.tfvars.json (missing)`,
        ]);
      const expected = [
        "stacks/network/crossform_variables.tf (differs)",
        "stacks/network/crossform_backend.tf (missing)",
        ...perUnit("network"),
        "stacks/app/crossform_variables.tf (missing)",
        "stacks/app/crossform_backend.tf (missing)",
        "stacks/app/crossform_remote_state.tf (missing)",
        ...perUnit("app"),
        "stacks/app/targets/staging.tfvars.json (no longer generated)",
      ];
      const named = check.stderr
        .split("\n")
        .filter((line) => line.startsWith("stale: "))
        .map((line) => line.slice("stale: ".length));
      assert.deepEqual([...named].sort(), [...expected].sort());
      assert.match(check.stderr, /^18 stale generated files; run `crossform generate`/m);

      const generate = await crossform(["generate"], dir);
      exitCode(generate, 0, "generate");
      assert.match(generate.stdout, /^updated +stacks\/network\/crossform_variables\.tf$/m);
      assert.match(generate.stdout, /^removed +stacks\/app\/targets\/staging\.tfvars\.json$/m);
      assert.match(generate.stdout, /^created +stacks\/app\/crossform_remote_state\.tf$/m);
      assert.match(generate.stdout, /^18 changed, 0 unchanged$/m);
      await assert.rejects(stat(join(dir, "stacks/app/targets/staging.tfvars.json")), {
        code: "ENOENT",
      });

      const fresh = await crossform(["generate", "--check"], dir);
      exitCode(fresh, 0, "generate --check after generate");
      assert.equal(fresh.stdout, "generated files are up to date (17 files)\n");
    });

    test("the config is found upward from a subdirectory", async () => {
      const dir = await copyOf(quickstart);
      const sub = join(dir, "stacks", "app", "targets");
      const validate = await crossform(["validate"], sub);
      exitCode(validate, 0, "validate from a subdirectory");
      assert.match(validate.stdout, /valid: 4 accounts, 3 stacks, 9 units, 4 waves/);
      // Found above the working directory, the file is named by its absolute (real) path.
      const real = join(await realpath(dir), "crossform.yaml");
      assert.ok(validate.stdout.startsWith(`${real}: valid`), validate.stdout);
    });

    test("--config names the file; --chdir runs as if started elsewhere", async () => {
      const dir = await copyOf(quickstart);
      const outside = await makeTempDir("cli-outside");
      await rename(join(dir, "crossform.yaml"), join(dir, "org.yaml"));

      const missing = await crossform(["validate"], dir);
      exitCode(missing, 2, "validate without crossform.yaml");
      assert.match(missing.stderr, /^error: no crossform\.yaml in .* or any directory above it$/m);
      assert.match(missing.stderr, /--config PATH/);

      const chdir = await crossform(["validate", "--chdir", dir, "--config", "org.yaml"], outside);
      exitCode(chdir, 0, "--chdir DIR --config org.yaml");
      assert.match(chdir.stdout, /^org\.yaml: valid/);
      const absolute = await crossform(
        ["generate", "--check", "--config", join(dir, "org.yaml")],
        outside,
      );
      exitCode(absolute, 0, "generate --check --config ABSOLUTE from outside");
      assert.match(absolute.stdout, /up to date \(28 files\)/);

      await rename(join(dir, "org.yaml"), join(dir, "crossform.yaml"));
      const upward = await crossform(["validate", "--chdir", join(dir, "stacks", "dns")], outside);
      exitCode(upward, 0, "--chdir into a stack directory");
      assert.match(upward.stdout, /valid: 4 accounts/);
    });
  });

  describe("explain, schema", { concurrency: true }, () => {
    test("explain prints the plain terraform commands with the unit's backend and tfvars files", async () => {
      const dir = await copyOf(quickstart);
      for (const [unit, stem, bucket] of [
        ["app/dev/us-east-1", "dev", "crossform-quickstart-111111111111-us-east-1"],
        ["app/prod/eu-west-1", "prod.eu-west-1", "crossform-quickstart-333333333333-eu-west-1"],
      ] as const) {
        const result = await crossform(["explain", unit], dir);
        exitCode(result, 0, `explain ${unit}`);
        const lines = result.stdout.trimEnd().split("\n");
        const commands = lines.filter((line) => !line.startsWith("#"));
        assert.deepEqual(commands.slice(0, 1), ["cd stacks/app"]);
        assert.ok(
          commands.includes(
            `terraform init -reconfigure -input=false -lockfile=readonly -backend-config=backends/${stem}.s3.tfbackend`,
          ),
          result.stdout,
        );
        assert.ok(
          commands.includes(
            `terraform plan -input=false -var-file=targets/${stem}.tfvars.json -out=${stem}.tfplan`,
          ),
          result.stdout,
        );
        assert.ok(commands.includes(`terraform apply -input=false ${stem}.tfplan`), result.stdout);
        assert.ok(
          commands.some((c) => c.startsWith(`export TF_DATA_DIR=.terraform-${stem}`)),
          result.stdout,
        );
        assert.ok(
          lines.includes(
            `# state: s3://${bucket}/app/terraform.tfstate (${unit.split("/")[2]}, account ${unit.split("/")[1]})`,
          ),
          result.stdout,
        );
        assert.match(result.stdout, /^# the one difference: .*\.crossform\/units\/app\//m);
        // The files it names are the ones generate wrote, and the backend holds the state it names.
        const backend = await readFile(
          join(dir, "stacks/app/backends", `${stem}.s3.tfbackend`),
          "utf8",
        );
        assert.match(backend, new RegExp(`^bucket += "${bucket}"$`, "m"));
        assert.ok((await stat(join(dir, "stacks/app/targets", `${stem}.tfvars.json`))).isFile());
      }
    });

    test("explain of an unknown unit exits 2 with a did-you-mean", async () => {
      const dir = await copyOf(quickstart);
      const unknown = await crossform(["explain", "app/dev/us-east-2"], dir);
      exitCode(unknown, 2, "explain app/dev/us-east-2");
      assert.match(unknown.stderr, /^error: no unit "app\/dev\/us-east-2"$/m);
      assert.match(unknown.stderr, /^hint: did you mean app\/dev\/us-east-1\?$/m);
      assert.equal(unknown.stdout, "");
    });

    test("schema prints the committed JSON Schema byte for byte", async () => {
      const result = await crossform(["schema"], await makeTempDir("cli-schema"));
      exitCode(result, 0, "schema");
      const committed = await readFile(join(repo, "schema", "crossform.schema.json"), "utf8");
      assert.equal(result.stdout, committed);
      assert.equal((JSON.parse(result.stdout) as { type: string }).type, "object");
    });
  });

  describe("profiles", { concurrency: true }, () => {
    const existing = [
      "# my own settings",
      "[default]",
      "region = eu-west-1",
      "output = json",
      "",
      "[profile sso-admin]",
      "sso_start_url = https://example.awsapps.com/start",
      "sso_region = eu-west-1",
      "",
    ].join("\n");
    let moto: MotoServer;

    before(async () => {
      moto = await startMoto();
    });
    after(async () => {
      await moto?.stop();
    });

    test("profiles prints the managed block and writes nothing", async () => {
      const dir = await copyOf(quickstart);
      const home = await makeTempDir("cli-home");
      const config = join(home, "config");
      await writeFile(config, existing);
      const before = await snapshot(home);
      const result = await crossform(["profiles"], dir, { AWS_CONFIG_FILE: config });
      exitCode(result, 0, "profiles");
      assert.match(result.stdout, /^# >>> crossform managed profiles/);
      assert.match(
        result.stdout,
        /^\[profile dev\]\nrole_arn = arn:aws:iam::111111111111:role\/TerraformDeploy\ncredential_source = Environment\nrole_session_name = crossform-tester\nregion = us-east-1\n/m,
      );
      for (const account of ["dev", "staging", "prod", "shared"]) {
        assert.match(result.stdout, new RegExp(`^\\[profile ${account}\\]$`, "m"));
      }
      assert.match(result.stderr, /differs from this block: run with --write/);
      assert.deepEqual(await snapshot(home), before);
    });

    test("profiles --write keeps the rest of the file, backs it up, and is idempotent; the AWS CLI assumes each role", async () => {
      const dir = await copyOf(quickstart);
      const home = await makeTempDir("cli-home");
      const config = join(home, "config");
      await writeFile(config, existing);

      const write = await crossform(["profiles", "--write"], dir, { AWS_CONFIG_FILE: config });
      exitCode(write, 0, "profiles --write");
      assert.equal(
        write.stdout,
        `wrote 4 profiles to ${config} (previous file kept as ${config}.crossform-backup)\n`,
      );
      const written = await readFile(config, "utf8");
      assert.ok(written.startsWith(existing), "the user's sections come first, byte for byte");
      const start = written.indexOf("# >>> crossform managed profiles");
      const end = written.indexOf("# <<< crossform managed profiles");
      assert.ok(start >= existing.length && end > start);
      assert.equal(written.slice(0, start).trimEnd(), existing.trimEnd());
      assert.equal(written.slice(written.indexOf("\n", end) + 1), "");
      assert.equal(await readFile(`${config}.crossform-backup`, "utf8"), existing);
      const printed = await crossform(["profiles"], dir, { AWS_CONFIG_FILE: config });
      assert.ok(written.includes(printed.stdout), "the file holds the block profiles prints");
      assert.match(printed.stderr, /is up to date/);

      const afterWrite = await snapshot(home);
      const again = await crossform(["profiles", "--write"], dir, { AWS_CONFIG_FILE: config });
      exitCode(again, 0, "profiles --write again");
      assert.equal(again.stdout, `${config} is up to date (4 profiles)\n`);
      assert.deepEqual(await snapshot(home), afterWrite, "the second --write touches nothing");

      // The real AWS CLI reads the written profiles: the base identity is the environment's keys.
      const aws = {
        HOME: home,
        PATH: process.env.PATH ?? "",
        ...(process.env.PYENV_ROOT === undefined ? {} : { PYENV_ROOT: process.env.PYENV_ROOT }),
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: moto.env.AWS_ACCESS_KEY_ID ?? "",
        AWS_SECRET_ACCESS_KEY: moto.env.AWS_SECRET_ACCESS_KEY ?? "",
        AWS_DEFAULT_REGION: "us-east-1",
      };
      const identities = await Promise.all(
        ["dev", "prod"].map((profile) =>
          runAws(["sts", "get-caller-identity", "--profile", profile, "--output", "json"], aws),
        ),
      );
      const [dev, prod] = identities.map((result, i) => {
        assert.equal(
          result.code,
          0,
          `aws sts get-caller-identity --profile ${i === 0 ? "dev" : "prod"}: ${result.stderr}`,
        );
        return JSON.parse(result.stdout) as { Account: string; Arn: string };
      });
      assert.equal(dev?.Account, "111111111111");
      assert.equal(
        dev?.Arn,
        "arn:aws:sts::111111111111:assumed-role/TerraformDeploy/crossform-tester",
      );
      assert.equal(prod?.Account, "333333333333");
    });

    test("a profile of the same name outside the block: exit 2 and the file unchanged", async () => {
      const dir = await copyOf(quickstart);
      const home = await makeTempDir("cli-home");
      const config = join(home, "config");
      await writeFile(config, `${existing}\n[profile dev]\nregion = us-west-2\n`);
      const before = await snapshot(home);
      const result = await crossform(["profiles", "--write"], dir, { AWS_CONFIG_FILE: config });
      exitCode(result, 2, "profiles --write with a clash");
      assert.match(
        result.stderr,
        /profile "dev" is already defined at .*config:10 \(\[profile dev\]\)/,
      );
      assert.match(result.stderr, /was not changed/);
      assert.deepEqual(await snapshot(home), before);
    });
  });
});

function runAws(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("aws", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
