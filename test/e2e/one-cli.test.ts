// One CLI, with the built CLI, real terraform and one moto_server: --all on verify and bootstrap,
// stack arguments that are accounts get the -t that selects them, --json (version 1) wherever a
// result is printed, a failed apply's cause in the summary, a destroy that would leave dependents
// refused, shard reports merged when a shard ran nothing, and run records pruned (run.keep after
// each run, `runs prune`) without ever removing an errored.tfstate or a crashed run's journal.
import assert from "node:assert/strict";
import { cp, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const fixture = fileURLToPath(new URL("../fixtures/run/one-cli/", import.meta.url));
const root = await makeTempDir("one-cli");
const home = join(root, "home");
const dir = join(root, "repo");
const runs = join(dir, ".crossform", "runs");

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
  await cp(fixture, dir, { recursive: true });
});
after(() => moto?.stop());

function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: dir,
    env: terraformEnv(emulatorCliEnv(moto.env, { home, root })),
  });
}

/** The JSON document a command printed, after checking its exit code. */
function json<T = Record<string, unknown>>(result: CliResult, code = 0): T & { version: number } {
  assert.equal(result.code, code, showResult(result));
  return JSON.parse(result.stdout) as T & { version: number };
}

test("one CLI", async (t) => {
  await t.test("generate --json, generate --check --json", async () => {
    const generated = json<{
      wrote: boolean;
      counts: { created: number };
      files: { path: string }[];
    }>(await crossform("generate", "--json"));
    assert.equal(generated.version, 1);
    assert.equal(generated.wrote, true);
    assert.equal(generated.counts.created, generated.files.length);
    assert.ok(generated.files.some((f) => f.path === "stacks/app/crossform_remote_state.tf"));
    const checked = json<{ stale: boolean; check: boolean }>(
      await crossform("generate", "--check", "--json"),
    );
    assert.deepEqual([checked.check, checked.stale], [true, false]);
  });

  await t.test("bootstrap --all and verify --all are accepted, with --json", async () => {
    const boot = json<{ ok: boolean }>(
      await crossform("bootstrap", "--all", "--create-role", "--json"),
    );
    assert.deepEqual([boot.version, boot.ok], [1, true]);
    const verified = json<{ ok: boolean }>(await crossform("verify", "--all", "--json"));
    assert.deepEqual([verified.version, verified.ok], [1, true]);
  });

  await t.test(
    "plan dev: dev is an account; the refusal names -t dev. verify app: app is a stack; the refusal names stack:app. explain dev lists dev's units",
    async () => {
      const result = await crossform("plan", "dev");
      assert.equal(result.code, 2, showResult(result));
      assert.match(
        result.stderr,
        /no stack named "dev": "dev" is an account, and positional arguments are stack names/,
      );
      assert.match(result.stderr, /select it with -t dev \(--target dev\)/);
      const verify = await crossform("verify", "app");
      assert.equal(verify.code, 2, showResult(verify));
      assert.match(
        verify.stderr,
        /error: no account named "app": "app" is a stack, and a selector's plain name is an account\nhint: select its units with stack:app\n/,
      );
      const explain = await crossform("explain", "dev");
      assert.equal(explain.code, 2, showResult(explain));
      assert.match(
        explain.stderr,
        /error: no unit "dev": "dev" is an account\nhint: explain takes one unit id; its units: network\/dev\/us-east-1, app\/dev\/us-east-1, flaky\/dev\/us-east-1\n/,
      );
      const help = await crossform("--help");
      assert.match(
        help.stdout,
        /plan, apply, destroy, drift and output take STACK names as arguments;\n\s+verify and bootstrap take selectors as arguments/,
      );
    },
  );

  await t.test("profiles, explain, ci and init print versioned JSON", async () => {
    const profiles = json<{ profiles: string[]; wrote: boolean }>(
      await crossform("profiles", "--json"),
    );
    assert.deepEqual(
      [profiles.version, profiles.profiles, profiles.wrote],
      [1, ["dev", "prod"], false],
    );
    const explained = json<{ unit: string; commands: string[] }>(
      await crossform("explain", "app/dev/us-east-1", "--json"),
    );
    assert.equal(explained.version, 1);
    assert.equal(explained.unit, "app/dev/us-east-1");
    const ci = json<{ platform: string; plan: { jobs: number } }>(
      await crossform("ci", "github", "--json", "--output", join(root, "ci.yml")),
    );
    assert.deepEqual([ci.version, ci.platform, ci.plan.jobs], [1, "github", 5]);
    const empty = await makeTempDir("one-cli-init");
    const init = json<{ path: string; accounts: number }>(
      await runBuiltCli(["init", "--json"], {
        cwd: empty,
        env: emulatorCliEnv(moto.env, { home, root }),
      }),
    );
    assert.deepEqual([init.version, init.path], [1, join(empty, "crossform.yaml")]);
  });

  await t.test("a failed apply shows Terraform's first error in the summary", async () => {
    const result = await crossform("apply", "flaky", "--auto-approve", "--allow-dirty");
    assert.equal(result.code, 1, showResult(result));
    assert.match(
      result.stdout,
      /^flaky\/dev\/us-east-1 .* failed .*\n {2}terraform apply failed: local-exec provisioner error\n {2}log: /m,
    );
  });

  await t.test(
    "destroy of network alone is refused, naming app; destroying both goes ahead",
    async () => {
      const applied = await crossform(
        "apply",
        "network",
        "app",
        "--auto-approve",
        "--approve",
        "prod",
        "--allow-dirty",
      );
      assert.equal(applied.code, 0, showResult(applied));
      const refused = await crossform(
        "destroy",
        "network",
        "-t",
        "dev",
        "--allow-destroy",
        "--auto-approve",
      );
      assert.equal(refused.code, 2, showResult(refused));
      assert.match(
        refused.stderr,
        /destroy would remove what units outside the selection depend on: network\/dev\/us-east-1 \(read by app\/dev\/us-east-1\); nothing was destroyed/,
      );
      assert.match(
        refused.stderr,
        /add the stack app to the arguments, or --target app\/dev\/us-east-1/,
      );
      const state = await getStateObject(moto.env, {
        bucket: "one-cli-780000000001-us-east-1",
        key: "network/terraform.tfstate",
        accountId: "780000000001",
        region: "us-east-1",
      });
      assert.match(state, /net-dev/);
      const both = await crossform(
        "destroy",
        "network",
        "app",
        "-t",
        "dev",
        "--allow-destroy",
        "--auto-approve",
      );
      assert.equal(both.code, 0, showResult(both));
    },
  );

  await t.test(
    "report --merge of shard reports, one shard empty: the rest merged, the empty one named",
    async () => {
      const files: string[] = [];
      for (let i = 1; i <= 4; i += 1) {
        const file = join(root, `shard-${i}.json`);
        files.push(file);
        const shard = await crossform("plan", "network", "--shard", `${i}/4`, "--report", file);
        assert.equal(shard.code, 0, showResult(shard));
      }
      const written = new Set(await readdir(root));
      const missing = files.filter((f) => !written.has(f.slice(root.length + 1)));
      assert.ok(missing.length >= 2, "two accounts in four shards leave two shards empty");
      const merged = await crossform("report", "--merge", ...files, "--format", "json");
      assert.equal(merged.code, 0, showResult(merged));
      const report = parseRunReport(JSON.parse(merged.stdout), "merged");
      assert.deepEqual(report.units.map((u) => u.id).sort(), [
        "network/dev/us-east-1",
        "network/prod/us-east-1",
      ]);
      for (const file of missing) {
        const shown = `../${file.slice(root.length + 1)}`;
        assert.ok(
          merged.stderr.includes(
            `warning: no report file ${shown}: taken as a shard that ran nothing`,
          ),
          merged.stderr,
        );
      }
    },
  );

  await t.test(
    "run.keep 3: each run leaves at most three records; runs --json lists them",
    async () => {
      const plan = await crossform("plan", "network");
      assert.equal(plan.code, 0, showResult(plan));
      assert.match(plan.stderr, /removed \d+ old run records? \(run\.keep: 3\)/);
      const listed = json<{ runs: { id: string }[] }>(await crossform("runs", "--json"));
      assert.equal(listed.version, 1);
      assert.equal(listed.runs.length, 3);
      assert.deepEqual((await readdir(runs)).sort(), listed.runs.map((r) => r.id).sort());
    },
  );

  await t.test(
    "runs prune --keep 1 removes the older records, never an errored.tfstate or a crashed run's journal",
    async () => {
      const errored = "20260101-000000-errord";
      const crashed = "20260102-000000-crashd";
      await mkdir(join(runs, errored, "units", "app", "dev", "us-east-1"), { recursive: true });
      await writeFile(join(runs, errored, "run.json"), "{}");
      await writeFile(
        join(runs, errored, "units", "app", "dev", "us-east-1", "errored.tfstate"),
        "{}",
      );
      await mkdir(join(runs, crashed));
      await writeFile(
        join(runs, crashed, "journal.jsonl"),
        `${JSON.stringify({
          type: "run",
          v: 1,
          id: crashed,
          command: "apply",
          started_at: "2026-01-02T00:00:00.000Z",
          terraform_version: "1.11.4",
          selection: { stacks: [], targets: [], all: true },
          process: { pid: 2 ** 30, started: "gone:1" },
          units: [],
        })}\n`,
      );
      const newest = (await readdir(runs)).sort().at(-1);
      const pruned = json<{ removed: string[]; protected: { id: string; reason: string }[] }>(
        await crossform("runs", "prune", "--keep", "1", "--json"),
      );
      assert.equal(pruned.removed.length, 2);
      assert.deepEqual(pruned.protected, [
        { id: crashed, reason: "crashed" },
        { id: errored, reason: "errored-state" },
      ]);
      assert.deepEqual((await readdir(runs)).sort(), [errored, crashed, newest].sort());
      const text = await crossform("runs", "prune", "--older-than", "1d");
      assert.equal(text.code, 0, showResult(text));
      assert.match(text.stdout, /^kept 20260102-000000-crashd: the journal of a crashed run/m);
      assert.match(text.stdout, /^kept 20260101-000000-errord: holds an errored\.tfstate/m);
    },
  );
});
