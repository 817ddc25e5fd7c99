/**
 * The run use case (plan, apply, apply --run, destroy) on in-memory fakes of terraform and AWS,
 * with real temporary directories for the run records, the real file adapters and the real HCL
 * parser (generated files are written by the real generate use case and checked by preflight).
 */
import assert from "node:assert/strict";
import { cp, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { AtomicFileWriter } from "../../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { generate } from "../../../../src/app/generate.ts";
import { loadConfig } from "../../../../src/app/load-config.ts";
import type { LoadedConfig } from "../../../../src/app/load-config.ts";
import { gitCommit, gitignoreCoversCrossform } from "../../../../src/app/run/repository-info.ts";
import {
  approvalAccountsOf,
  checkApprovals,
  runCommand,
} from "../../../../src/app/run/run-command.ts";
import type {
  ConfirmRequest,
  RunDeps,
  RunOptions,
  RunResult,
} from "../../../../src/app/run/run-types.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import type { UnitReport } from "../../../../src/core/report/run-report.ts";
import type { ProgressEvent } from "../../../../src/ports/event-sink.ts";
import type { FileWriter, WriteAtomicOptions } from "../../../../src/ports/file-writer.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { FakeAwsSessions, hardened } from "../../../helpers/fake-aws-sessions.ts";
import {
  FakeTerraformRunner,
  SENSITIVE_VALUE,
  SHOW_JSON_NO_CHANGES,
  showJsonWithChange,
} from "../../../helpers/fake-terraform-runner.ts";
import type { FakeCall, FakeReply, FakeScript } from "../../../helpers/fake-terraform-runner.ts";
import { FakeGitStatus } from "../../../helpers/fake-git-status.ts";
import { unitsOfShard } from "../../../../src/core/units/shard.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const CONFIG = `version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate" }
accounts:
  dev: { id: "111111111111", tier: dev }
  prod: { id: "333333333333", tier: prod, approval: required }
stacks:
  network: { path: stacks/network, accounts: [dev, prod] }
  app: { path: stacks/app, accounts: [dev, prod], depends_on: [network] }
  web: { path: stacks/web, accounts: [dev], depends_on: [app] }
waves: [[dev], [prod]]
`;

const STACKS: Record<string, string> = {
  network: 'resource "terraform_data" "network" {\n  input = var.crossform_account_id\n}\n',
  app: 'resource "terraform_data" "app" {\n  input = var.crossform_region\n}\n',
  web: 'resource "terraform_data" "web" {\n  input = var.crossform_account_name\n}\n',
};

const NETWORK_DEV = "network/dev/us-east-1";
const APP_DEV = "app/dev/us-east-1";
const WEB_DEV = "web/dev/us-east-1";
const NETWORK_PROD = "network/prod/us-east-1";
const APP_PROD = "app/prod/us-east-1";
const ALL_UNITS = [APP_DEV, APP_PROD, NETWORK_DEV, NETWORK_PROD, WEB_DEV];

const parser: HclParser = await createTreeSitterHclParser();
/** A configuration directory with its generated files written by `crossform generate`. */
const template = await makeTempDir("run-template");
{
  await writeFile(join(template, "crossform.yaml"), CONFIG);
  for (const [name, code] of Object.entries(STACKS)) {
    await mkdir(join(template, "stacks", name), { recursive: true });
    await writeFile(join(template, "stacks", name, "main.tf"), code);
  }
  const fs = new NodeFileSystem();
  const loaded = await loadConfig(fs, { cwd: template });
  assert.ok(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.diagnostics));
  const generated = await generate(
    loaded,
    { fs, writer: new AtomicFileWriter(), parser },
    { check: false },
  );
  assert.deepEqual(
    generated.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  assert.ok(generated.files.some((f) => f.path === "stacks/app/crossform_remote_state.tf"));
}

/** A fresh copy of the template, loaded. */
async function fixture(): Promise<LoadedConfig> {
  const dir = await makeTempDir("run-command");
  await cp(template, dir, { recursive: true });
  const loaded = await loadConfig(new NodeFileSystem(), { cwd: dir });
  assert.ok(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.diagnostics));
  return loaded;
}

/** Distinct run id suffixes across the file (two runs may share one directory). */
let runCount = 0;

/** The real atomic writer, recording the modes it sets. */
class RecordingWriter implements FileWriter {
  readonly inner = new AtomicFileWriter();
  readonly modes: { path: string; mode: number }[] = [];
  readonly directories: { path: string; mode: number }[] = [];

  writeAtomic(path: string, contents: string | Uint8Array, options?: WriteAtomicOptions) {
    return this.inner.writeAtomic(path, contents, options);
  }
  remove(path: string) {
    return this.inner.remove(path);
  }
  async ensureDirectory(path: string, mode: number) {
    this.directories.push({ path, mode });
    await this.inner.ensureDirectory(path, mode);
  }
  async setMode(path: string, mode: number) {
    this.modes.push({ path, mode });
    await this.inner.setMode(path, mode);
  }
}

interface Harness {
  loaded: LoadedConfig;
  runner: FakeTerraformRunner;
  aws: FakeAwsSessions;
  writer: RecordingWriter;
  events: ProgressEvent[];
  confirms: ConfirmRequest[];
  git: FakeGitStatus;
  deps: RunDeps;
}

/**
 * Fakes around a fixture. `confirm` makes the run interactive: it answers each confirmation in
 * turn (the last answer repeats).
 */
async function harness(
  options: { script?: FakeScript; confirm?: boolean[]; loaded?: LoadedConfig } = {},
): Promise<Harness> {
  const loaded = options.loaded ?? (await fixture());
  const runner = new FakeTerraformRunner(loaded.dir, options.script);
  const aws = new FakeAwsSessions();
  aws.buckets.set("tfstate-111111111111", hardened("111111111111"));
  aws.buckets.set("tfstate-333333333333", hardened("333333333333"));
  const writer = new RecordingWriter();
  const events: ProgressEvent[] = [];
  const confirms: ConfirmRequest[] = [];
  let time = Date.UTC(2026, 0, 15, 10, 0, 0);
  const answers = options.confirm;
  const git = new FakeGitStatus();
  const deps: RunDeps = {
    git,
    retryDelaysMs: [1, 1],
    fs: new NodeFileSystem(),
    writer,
    parser,
    aws,
    runner,
    clock: {
      now: () => (time += 10),
      randomSuffix: () => `r${(runCount += 1)}`,
    },
    events: { emit: (event) => events.push(event) },
    ...(answers
      ? {
          confirm: async (request: ConfirmRequest) => {
            confirms.push(request);
            return answers[Math.min(confirms.length, answers.length) - 1] ?? false;
          },
        }
      : {}),
  };
  return { loaded, runner, aws, writer, events, confirms, git, deps };
}

function options(overrides: Partial<RunOptions>): RunOptions {
  return {
    command: "plan",
    stacks: [],
    targets: [],
    all: false,
    detailedExitcode: false,
    autoApprove: false,
    approve: [],
    allowDestroy: false,
    user: "alice",
    ...overrides,
  };
}

/** Answers `command` of `unit` (its `nth` call, or every call) with `reply`. */
function on(
  unit: string,
  command: string,
  reply: FakeReply,
  nth?: number,
): (call: FakeCall) => FakeReply | undefined {
  return (call) =>
    call.unit === unit && call.command === command && (nth === undefined || call.nth === nth)
      ? reply
      : undefined;
}

/** The first rule that answers a call. */
function script(...rules: ((call: FakeCall) => FakeReply | undefined)[]): FakeScript {
  return (call) => {
    for (const rule of rules) {
      const reply = rule(call);
      if (reply) return reply;
    }
    return undefined;
  };
}

function unit(result: RunResult, id: string): UnitReport {
  const found = result.report?.units.find((u) => u.id === id);
  assert.ok(found, `no unit ${id} in the report`);
  return found;
}

function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries((result.report?.units ?? []).map((u) => [u.id, u.status]));
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
  hint?: RegExp,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CrossformError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.source, "user");
    assert.match(error.message, message);
    if (hint) assert.match(error.hint ?? "", hint);
    return true;
  });
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

// The suites run side by side: each test has its own directory and fakes, and mostly waits on
// fsync of the run records.
describe("run engine on in-memory terraform and AWS", { concurrency: true }, () => {
  describe("guards", { concurrency: true }, () => {
    const apply = (overrides: Partial<RunOptions> = {}): RunOptions =>
      options({ command: "apply", all: true, autoApprove: true, approve: ["prod"], ...overrides });

    test("more units than guards.max_units: refused (exit 1) before any terraform or AWS call; --max-units lifts it", async () => {
      const h = await harness();
      h.loaded.config.guards.maxUnits = 3;
      const refused = await runCommand(h.deps, h.loaded, apply());
      assert.equal(refused.exitCode, 1);
      assert.equal(refused.report, undefined);
      assert.equal(refused.diagnostics[0]?.code, "guard/max-units");
      assert.match(
        refused.diagnostics[0]?.message ?? "",
        /^the selection has 5 units, more than guards\.max_units \(3\)$/,
      );
      assert.match(refused.diagnostics[0]?.hint ?? "", /--max-units 5/);
      assert.equal(h.runner.versionCalls, 0);
      assert.deepEqual(h.runner.calls, []);
      assert.deepEqual(h.aws.calls, []);

      const low = await runCommand(h.deps, h.loaded, apply({ maxUnits: 4 }));
      assert.equal(low.diagnostics[0]?.code, "guard/max-units");
      assert.match(low.diagnostics[0]?.message ?? "", /more than --max-units 4/);

      const lifted = await runCommand(h.deps, h.loaded, apply({ maxUnits: 5 }));
      assert.equal(lifted.exitCode, 0, JSON.stringify(lifted.diagnostics));
      assert.equal(statuses(lifted)[APP_PROD], "succeeded");
    });

    test("the unit cap covers destroy too, and not plan", async () => {
      const h = await harness();
      h.loaded.config.guards.maxUnits = 2;
      const destroy = await runCommand(
        h.deps,
        h.loaded,
        apply({ command: "destroy", allowDestroy: true }),
      );
      assert.equal(destroy.diagnostics[0]?.code, "guard/max-units");
      assert.deepEqual(h.runner.calls, []);
      const plan = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(plan.report?.units.length, 5);
    });

    test("apply of a dirty working tree names the files and runs nothing; --allow-dirty applies", async () => {
      const h = await harness();
      h.git.answer = {
        kind: "repository",
        changed: ["stacks/app/main.tf", "a", "b", "c", "d", "e", "f"],
      };
      const refused = await runCommand(h.deps, h.loaded, apply());
      assert.equal(refused.exitCode, 1);
      assert.equal(refused.diagnostics[0]?.code, "guard/dirty-tree");
      assert.match(
        refused.diagnostics[0]?.message ?? "",
        /uncommitted changes \(stacks\/app\/main\.tf, a, b, c, d and 2 more\)/,
      );
      assert.match(refused.diagnostics[0]?.hint ?? "", /--allow-dirty/);
      assert.deepEqual(h.git.asked, [h.loaded.dir]);
      assert.equal(h.runner.versionCalls, 0);
      assert.deepEqual(h.runner.calls, []);

      const allowed = await runCommand(h.deps, h.loaded, apply({ allowDirty: true }));
      assert.equal(allowed.exitCode, 0, JSON.stringify(allowed.diagnostics));
      assert.equal(h.git.asked.length, 1, "--allow-dirty does not ask git");
    });

    test("apply outside git needs --allow-dirty; plan and destroy do not ask", async () => {
      const h = await harness();
      h.git.answer = { kind: "outside" };
      const refused = await runCommand(h.deps, h.loaded, apply());
      assert.equal(refused.diagnostics[0]?.code, "guard/not-in-git");
      assert.match(refused.diagnostics[0]?.message ?? "", /is not in a git repository/);
      assert.deepEqual(h.runner.calls, []);
      await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      await runCommand(h.deps, h.loaded, apply({ command: "destroy", allowDestroy: true }));
      assert.equal(h.git.asked.length, 1);
    });

    test("a plan destroying more than guards.max_destroy: nothing applied, exit 1; approval accounts are stricter; --allow-destroy applies", async () => {
      const showWith = (deletes: number): FakeReply => ({
        stdout: JSON.stringify({
          format_version: "1.2",
          terraform_version: "1.11.4",
          errored: false,
          resource_changes: Array.from({ length: deletes }, (_, i) => ({
            address: `terraform_data.old${i}`,
            mode: "managed",
            type: "terraform_data",
            name: `old${i}`,
            change: {
              actions: ["delete"],
              before: { input: "x" },
              after: null,
              after_unknown: false,
              before_sensitive: false,
              after_sensitive: false,
            },
          })),
        }),
      });
      // network/dev destroys 2 (cap 2: allowed), network/prod destroys 1 (approval cap 0).
      const h = await harness({
        script: script(on(NETWORK_DEV, "show", showWith(2)), on(NETWORK_PROD, "show", showWith(1))),
      });
      h.loaded.config.guards.maxDestroy = 2;
      const refused = await runCommand(h.deps, h.loaded, apply());
      assert.equal(refused.exitCode, 1);
      const guard = refused.diagnostics.find((d) => d.code === "guard/max-destroy");
      assert.ok(guard, JSON.stringify(refused.diagnostics));
      assert.match(
        guard.message,
        /^apply refused by guards: network\/prod\/us-east-1 would destroy 1 resource \(cap 0, guards\.max_destroy_approval: an approval account\); nothing was applied$/,
      );
      assert.deepEqual(
        h.runner.calls.filter((c) => c.command === "apply"),
        [],
        "no unit applied",
      );
      assert.equal(unit(refused, NETWORK_PROD).status, "not-started");
      assert.match(unit(refused, NETWORK_PROD).reason ?? "", /refused by guards/);
      assert.match(unit(refused, NETWORK_DEV).reason ?? "", /another unit's plan was refused/);

      h.loaded.config.guards.maxDestroyApproval = 1;
      h.loaded.config.guards.maxDestroy = 1;
      const devOver = await runCommand(h.deps, h.loaded, apply());
      assert.match(
        devOver.diagnostics.find((d) => d.code === "guard/max-destroy")?.message ?? "",
        /network\/dev\/us-east-1 would destroy 2 resources \(cap 1, guards\.max_destroy\)/,
      );

      const allowed = await runCommand(h.deps, h.loaded, apply({ allowDestroy: true }));
      assert.equal(allowed.exitCode, 0, JSON.stringify(allowed.diagnostics));
      assert.ok(h.runner.calls.some((c) => c.unit === NETWORK_PROD && c.command === "apply"));
    });
  });

  describe("transient failures", { concurrency: true }, () => {
    test("init and plan are retried on transient failures only, at most twice, each retry logged; apply never", async () => {
      const h = await harness({
        script: script(
          // network/dev: plan throttled once, then fine.
          on(
            NETWORK_DEV,
            "plan",
            { exitCode: 1, stderr: "Error: ThrottlingException: Rate exceeded" },
            1,
          ),
          // network/prod: init cannot download its provider, three times.
          on(NETWORK_PROD, "init", { exitCode: 1, stderr: "Error: Failed to install provider" }),
          // app/dev: a held lock is never retried, whatever else the message says.
          on(APP_DEV, "plan", {
            exitCode: 1,
            stderr:
              "Error: Error acquiring the state lock\nLock Info:\n  ID: x\n  Who: bob\nconnection reset by peer",
          }),
        ),
      });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      const count = (unitId: string, command: string): number =>
        h.runner.calls.filter((c) => c.unit === unitId && c.command === command).length;
      assert.equal(unit(result, NETWORK_DEV).status, "succeeded");
      assert.equal(count(NETWORK_DEV, "plan"), 2);
      assert.equal(unit(result, NETWORK_PROD).status, "failed");
      assert.equal(count(NETWORK_PROD, "init"), 3);
      assert.equal(unit(result, APP_DEV).status, "failed");
      assert.equal(count(APP_DEV, "plan"), 1);
      assert.match(unit(result, APP_DEV).error?.message ?? "", /is locked by bob/);

      const broken = await harness({
        script: on(NETWORK_DEV, "plan", { exitCode: 1, stderr: "Error: Unsupported argument" }),
      });
      const configError = await runCommand(
        broken.deps,
        broken.loaded,
        options({ command: "plan" }),
      );
      assert.equal(unit(configError, NETWORK_DEV).status, "failed");
      assert.equal(
        broken.runner.calls.filter((c) => c.unit === NETWORK_DEV && c.command === "plan").length,
        1,
        "a configuration error is not retried",
      );
      const retries = h.events
        .filter((e) => e.type === "message" && /retry/.test(e.text))
        .map((e) => (e.type === "message" ? e.text : ""));
      assert.deepEqual(retries.sort(), [
        "network/dev/us-east-1: terraform plan failed with AWS throttling; retry 1 of 2 in 0.001 s",
        "network/prod/us-east-1: terraform init failed with a provider or module download; retry 1 of 2 in 0.001 s",
        "network/prod/us-east-1: terraform init failed with a provider or module download; retry 2 of 2 in 0.001 s",
      ]);

      const applied = await harness({
        script: on(NETWORK_DEV, "apply", { exitCode: 1, stderr: "Error: i/o timeout" }),
      });
      const apply = await runCommand(
        applied.deps,
        applied.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true, allowDirty: true }),
      );
      assert.equal(unit(apply, NETWORK_DEV).status, "failed");
      assert.equal(
        applied.runner.calls.filter((c) => c.unit === NETWORK_DEV && c.command === "apply").length,
        1,
      );
    });
  });

  describe("session lifetime", { concurrency: true }, () => {
    test("a base session shorter than the expected run warns; the last run of the same selection sets that length; under 5 min refuses", async () => {
      const h = await harness();
      const start = Date.UTC(2026, 0, 15, 10, 0, 0);
      h.aws.base = {
        ...(h.aws.base as Exclude<typeof h.aws.base, Error>),
        expiration: new Date(start + 10 * 60_000),
      };
      const warned = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(warned.exitCode, 0, JSON.stringify(warned.diagnostics));
      const warning = h.events.find(
        (e) => e.type === "message" && e.level === "warning" && /expires/.test(e.text),
      );
      assert.ok(warning && warning.type === "message", "no run recorded yet: 30 min expected");
      assert.match(warning.text, /30 min/);

      // That plan took well under a second: the same selection is now expected to be short.
      h.events.length = 0;
      const again = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(again.exitCode, 0);
      assert.ok(
        !h.events.some(
          (e) => e.type === "message" && e.level === "warning" && /expires/.test(e.text),
        ),
        JSON.stringify(h.events.filter((e) => e.type === "message")),
      );

      h.aws.base = {
        ...(h.aws.base as Exclude<typeof h.aws.base, Error>),
        expiration: new Date(start + 2 * 60_000),
      };
      const refused = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(refused.exitCode, 1);
      assert.equal(refused.report, undefined);
      assert.ok(refused.diagnostics.some((d) => d.code === "session/too-short"));
      assert.deepEqual(
        h.runner.calls.filter((c) => c.command === "plan").length,
        2 * 5,
        "the refused run planned nothing",
      );
    });
  });

  describe("selection and approvals", { concurrency: true }, () => {
    test("apply without a selection or --all is a user error, before anything runs", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(h.deps, h.loaded, options({ command: "apply", autoApprove: true })),
        "run/selection-required",
        /^apply needs a selection or --all/,
      );
      assert.equal(h.runner.versionCalls, 0);
      assert.deepEqual(h.runner.calls, []);
    });

    test("--wave counts as a selection: apply --wave 1 runs the first wave's units only", async () => {
      const h = await harness();
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", wave: "1", autoApprove: true }),
      );
      assert.deepEqual(statuses(result), {
        [NETWORK_DEV]: "succeeded",
        [APP_DEV]: "succeeded",
        [WEB_DEV]: "succeeded",
      });
      assert.ok(h.runner.calls.every((c) => c.unit.endsWith("/dev/us-east-1")));
      const prod = await runCommand(h.deps, h.loaded, options({ wave: "2" }));
      assert.deepEqual(Object.keys(statuses(prod)).sort(), [APP_PROD, NETWORK_PROD]);
    });

    test("--wave of an unknown wave is a user error listing the waves, before anything runs", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(h.deps, h.loaded, options({ wave: "3" })),
        "run/unknown-wave",
        /^--wave 3: there are 2 waves$/,
        /^waves: 1 \(dev\), 2 \(prod\)$/,
      );
      assert.deepEqual(h.runner.calls, []);
    });

    test("--shard i/n: the shards of one n split the selection; an empty shard runs nothing and exits 0", async () => {
      const h = await harness();
      const count = 5;
      const seen: string[] = [];
      let empty = 0;
      for (let index = 1; index <= count; index += 1) {
        const expected = unitsOfShard(h.loaded.units.units, { index, count }).map((u) => u.id);
        const calls = h.runner.calls.length;
        const result = await runCommand(h.deps, h.loaded, options({ shard: { index, count } }));
        assert.equal(result.exitCode, 0);
        if (expected.length === 0) {
          empty += 1;
          assert.equal(result.report, undefined);
          assert.equal(h.runner.calls.length, calls, "an empty shard ran terraform");
          assert.deepEqual(
            result.diagnostics.map((d) => [d.code, d.message]),
            [
              [
                "run/nothing-selected",
                `shard ${index}/${count} holds none of the selected units: nothing to plan`,
              ],
            ],
          );
          continue;
        }
        const ids = Object.keys(statuses(result));
        assert.deepEqual(ids.sort(), [...expected].sort());
        seen.push(...ids);
      }
      assert.deepEqual(seen.sort(), [...ALL_UNITS].sort());
      // Two account/region groups over five shards: at least three shards are empty.
      assert.ok(empty >= 3, `${empty} empty shards`);
    });

    test("a non-interactive apply touching an approval account without --approve names it and runs nothing", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(h.deps, h.loaded, options({ command: "apply", all: true, autoApprove: true })),
        "run/approval-required",
        /approval account prod needs --approve prod/,
      );
      assert.equal(h.runner.versionCalls, 0);
      assert.deepEqual(h.runner.calls, []);
      assert.deepEqual(h.aws.calls, []);
    });

    test("--auto-approve never covers approval accounts, even when they are all that is selected", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(
          h.deps,
          h.loaded,
          options({ command: "apply", targets: ["prod"], autoApprove: true }),
        ),
        "run/approval-required",
        /^apply of approval account prod needs --approve prod when not interactive$/,
        /--auto-approve never covers accounts with approval: required/,
      );
      assert.deepEqual(h.runner.calls, []);
    });

    test("--approve of a selected approval account still needs --auto-approve for the other units", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(h.deps, h.loaded, options({ command: "apply", all: true, approve: ["prod"] })),
        "run/confirmation-required",
        /apply needs --auto-approve when not interactive \(3 units without approval accounts/,
      );
      assert.deepEqual(h.runner.calls, []);
    });

    test("--approve naming an unknown account is an error, interactive or not", async () => {
      const h = await harness({ confirm: [true] });
      await rejectsWith(
        runCommand(
          h.deps,
          h.loaded,
          options({ command: "apply", all: true, approve: ["prdo"], autoApprove: true }),
        ),
        "run/unknown-approval",
        /--approve names no account "prdo"/,
      );
      assert.deepEqual(h.confirms, []);
      assert.deepEqual(h.runner.calls, []);
    });

    test("destroy without --allow-destroy is an error", async () => {
      const h = await harness();
      await rejectsWith(
        runCommand(
          h.deps,
          h.loaded,
          options({ command: "destroy", all: true, autoApprove: true, approve: ["prod"] }),
        ),
        "run/destroy-not-allowed",
        /destroy needs --allow-destroy/,
      );
      assert.deepEqual(h.runner.calls, []);
    });

    test("checkApprovals: interactive runs need no flags; approvalAccountsOf lists approval accounts", async () => {
      const loaded = await fixture();
      const units = loaded.units.units;
      const appProd = units.find((u) => u.id === APP_PROD);
      const appDev = units.find((u) => u.id === APP_DEV);
      assert.ok(appProd && appDev);
      assert.deepEqual(approvalAccountsOf(loaded.config, appProd), ["prod"]);
      assert.deepEqual(approvalAccountsOf(loaded.config, appDev), []);
      const apply = options({ command: "apply", all: true });
      assert.doesNotThrow(() => checkApprovals(loaded.config, units, apply, true));
      assert.throws(
        () => checkApprovals(loaded.config, [appProd], { ...apply, autoApprove: true }, false),
        /needs --approve prod/,
      );
      assert.doesNotThrow(() =>
        checkApprovals(loaded.config, [appProd], { ...apply, approve: ["prod"] }, false),
      );
      assert.throws(
        () => checkApprovals(loaded.config, [appDev], { ...apply, approve: ["prod"] }, false),
        /needs --auto-approve/,
      );
    });
  });

  describe("preflight", { concurrency: true }, () => {
    test("stale generated files stop the run with exit 1 before any terraform process", async () => {
      const loaded = await fixture();
      const tfvars = join(loaded.dir, "stacks/app/targets/dev.tfvars.json");
      await writeFile(tfvars, (await readFile(tfvars, "utf8")).replace("us-east-1", "eu-west-1"));
      const h = await harness({ loaded });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.exitCode, 1);
      assert.equal(result.report, undefined);
      assert.equal(result.diagnostics[0]?.code, "preflight/stale-generated-files");
      assert.match(result.diagnostics[0]?.message ?? "", /stacks\/app\/targets\/dev\.tfvars\.json/);
      assert.equal(h.runner.versionCalls, 0);
      assert.deepEqual(h.runner.calls, []);
    });

    test("a terraform older than supported is exit 2, nothing started", async () => {
      const h = await harness();
      h.runner.versionInfo = { binary: "terraform", flavor: "terraform", version: "1.5.7" };
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.exitCode, 2);
      assert.equal(result.report, undefined);
      assert.match(result.diagnostics.map((d) => d.message).join("\n"), /1\.5\.7/);
      assert.deepEqual(h.runner.calls, []);
      assert.deepEqual(h.aws.calls, []);
    });

    test("a verify failure in one account is exit 1 and no terraform process starts at all", async () => {
      const h = await harness();
      h.aws.buckets.delete("tfstate-333333333333");
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.exitCode, 1);
      assert.equal(result.report, undefined);
      const text = result.diagnostics.map((d) => d.message).join("\n");
      assert.match(text, /account prod \(333333333333\)/);
      assert.doesNotMatch(text, /account dev/);
      assert.ok(result.diagnostics.some((d) => d.code === "preflight/verify-failed"));
      assert.deepEqual(h.runner.calls, []);
      assert.deepEqual(h.runner.prepared, []);
    });
  });

  describe("plan", { concurrency: true }, () => {
    test("a unit whose dependency has no state is blocked, its dependents skipped, exit 2 with --detailed-exitcode", async () => {
      const h = await harness({
        script: on(APP_DEV, "plan", {
          exitCode: 1,
          stderr:
            "Error: Unable to find remote state\n\n  with data.terraform_remote_state.network,\nNo stored state was found for the given workspace in the given backend.",
        }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", detailedExitcode: true }),
      );
      assert.equal(result.exitCode, 2);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "blocked",
        [APP_PROD]: "succeeded",
        [NETWORK_DEV]: "succeeded",
        [NETWORK_PROD]: "succeeded",
        [WEB_DEV]: "skipped",
      });
      assert.equal(unit(result, APP_DEV).reason, `${NETWORK_DEV} has no state yet`);
      assert.deepEqual(h.runner.argv(WEB_DEV), []);
      assert.equal(result.report?.totals.blocked, 1);
      const finished = h.events.find(
        (e) => e.type === "task-finished" && e.id === `plan/${APP_DEV}`,
      );
      assert.deepEqual(finished && "status" in finished ? finished.status : undefined, "warning");
      // Without --detailed-exitcode, pending changes are not an error.
      const plain = await harness({
        loaded: h.loaded,
        script: on(APP_DEV, "plan", { exitCode: 1, stderr: "Error: Unable to find remote state" }),
      });
      assert.equal((await runCommand(plain.deps, plain.loaded, options({}))).exitCode, 0);
    });

    test("a failed unit does not stop the others; its dependents are skipped; exit 1", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "plan", { exitCode: 1, stderr: "Error: boom in network\n" }),
      });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.exitCode, 1);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "skipped",
        [APP_PROD]: "succeeded",
        [NETWORK_DEV]: "failed",
        [NETWORK_PROD]: "succeeded",
        [WEB_DEV]: "skipped",
      });
      assert.match(
        unit(result, NETWORK_DEV).error?.message ?? "",
        /terraform plan failed:\nError: boom in network/,
      );
      assert.deepEqual(h.runner.argv(APP_PROD), [
        `${APP_PROD} init`,
        `${APP_PROD} plan`,
        `${APP_PROD} show`,
      ]);
      assert.equal(unit(result, APP_PROD).summary?.add, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
    });
  });

  describe("drift", { concurrency: true }, () => {
    test("a refresh-only plan that exits 2 for an unset collection read back empty is no drift; a real one is", async () => {
      // hashicorp/aws 5.100.0 right after an apply with default_tags: `tags` null -> {} everywhere.
      const driftOf = (changes: [string, object, object][]) =>
        JSON.stringify({
          format_version: "1.2",
          terraform_version: "1.11.4",
          errored: false,
          resource_drift: changes.map(([address, before, after]) => ({
            address,
            mode: "managed",
            change: { actions: ["update"], before, after, after_unknown: {} },
          })),
        });
      const h = await harness({
        script: script(
          (call) => (call.command === "plan" ? { exitCode: 2 } : undefined),
          on(NETWORK_DEV, "show", {
            stdout: driftOf([
              [
                "aws_ssm_parameter.cidr",
                { value: "10.0.0.0/16", tags: null },
                { value: "10.9.0.0/16", tags: {} },
              ],
            ]),
          }),
          (call) =>
            call.command === "show"
              ? { stdout: driftOf([["aws_s3_bucket.b", { tags: null }, { tags: {} }]]) }
              : undefined,
        ),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "drift", detailedExitcode: true }),
      );
      assert.equal(result.exitCode, 2);
      assert.deepEqual(
        (result.report?.units ?? []).map((u) => [u.id, u.has_changes, u.drifted.length]),
        [
          [NETWORK_DEV, true, 1],
          [NETWORK_PROD, false, 0],
          [APP_DEV, false, 0],
          [APP_PROD, false, 0],
          [WEB_DEV, false, 0],
        ],
      );
    });
  });

  describe("apply", { concurrency: true }, () => {
    test("interactively, confirm is asked once with the plan report and the approval accounts, then every unit applies", async () => {
      const h = await harness({ confirm: [true] });
      const result = await runCommand(h.deps, h.loaded, options({ command: "apply", all: true }));
      assert.equal(result.exitCode, 0, JSON.stringify(result.diagnostics));
      assert.equal(h.confirms.length, 1);
      const [request] = h.confirms;
      assert.equal(request?.command, "apply");
      assert.deepEqual(request?.approvalAccounts, ["prod"]);
      assert.equal(request?.plan.run.command, "plan");
      assert.deepEqual(
        request?.plan.units.map((u) => [u.id, u.status, u.has_changes]).sort(),
        ALL_UNITS.map((id) => [id, "succeeded", true]),
      );
      assert.equal(request?.reason, undefined);
      assert.deepEqual(h.runner.unitsOf("apply").sort(), ALL_UNITS);
      assert.deepEqual(Object.values(statuses(result)), Array(5).fill("succeeded"));
      assert.equal(result.report?.run.command, "apply");
    });

    test("declined: nothing is applied", async () => {
      const h = await harness({ confirm: [false] });
      const result = await runCommand(h.deps, h.loaded, options({ command: "apply", all: true }));
      assert.equal(h.confirms.length, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
      assert.ok(result.diagnostics.some((d) => d.code === "run/not-confirmed"));
    });

    test("a dependent whose dependency applied changes is planned again before it applies", async () => {
      // Its second plan reads the dependency's new outputs: it differs from the confirmed one.
      const h = await harness({
        script: on(APP_DEV, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true }),
      );
      assert.equal(result.exitCode, 0, JSON.stringify(result.diagnostics));
      const order = h.runner
        .argv()
        .filter((c) => /^(network|app)\/dev\/us-east-1 (plan|apply)$/.test(c));
      assert.deepEqual(order, [
        `${NETWORK_DEV} plan`,
        `${APP_DEV} plan`,
        `${NETWORK_DEV} apply`,
        `${APP_DEV} plan`,
        `${APP_DEV} apply`,
      ]);
      // The apply applies the new plan's file, the one the second plan wrote.
      const applied = h.runner.calls.find((c) => c.unit === APP_DEV && c.command === "apply");
      const planned = h.runner.calls.filter((c) => c.unit === APP_DEV && c.command === "plan");
      assert.equal(planned.length, 2);
      assert.ok(planned[1]?.args.includes(`-out=${applied?.args.at(-1)}`));
      assert.equal(unit(result, APP_DEV).status, "succeeded");
      // A dependency without applied changes lets its dependent apply the confirmed plan.
      assert.deepEqual(h.runner.argv(NETWORK_DEV), [
        `${NETWORK_DEV} init`,
        `${NETWORK_DEV} plan`,
        `${NETWORK_DEV} show`,
        `${NETWORK_DEV} apply`,
      ]);
    });

    test("interactively, a re-plan that differs is asked again; declined, the unit needs a re-plan", async () => {
      const h = await harness({
        confirm: [true, false],
        script: on(APP_DEV, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["dev"] }),
      );
      assert.equal(h.confirms.length, 2);
      const again = h.confirms[1];
      assert.match(
        again?.reason ?? "",
        /app\/dev\/us-east-1 was planned again after its dependencies applied, and its plan differs/,
      );
      assert.deepEqual(again?.approvalAccounts, []);
      assert.deepEqual(
        again?.plan.units.map((u) => u.id),
        [APP_DEV],
      );
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV]);
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.match(unit(result, APP_DEV).reason ?? "", /not approved again/);
      assert.equal(unit(result, WEB_DEV).status, "skipped");
      assert.equal(result.exitCode, 1);
    });

    test("a re-plan equal to the confirmed plan is not asked again", async () => {
      const h = await harness({ confirm: [true] });
      await runCommand(h.deps, h.loaded, options({ command: "apply", targets: ["dev"] }));
      assert.equal(h.confirms.length, 1);
      assert.equal(h.runner.unitsOf("plan").filter((u) => u === APP_DEV).length, 2);
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV, APP_DEV, WEB_DEV]);
    });

    test("non-interactively, a differing re-plan in an approval account stops, even under --approve (CONTRACT.md section 7)", async () => {
      const h = await harness({
        script: on(APP_PROD, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["prod"], approve: ["prod"], autoApprove: true }),
      );
      assert.equal(result.exitCode, 1, JSON.stringify(result.report?.units));
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD]);
      assert.equal(h.runner.unitsOf("plan").filter((u) => u === APP_PROD).length, 2);
      const app = result.report?.units.find((u) => u.id === APP_PROD);
      assert.equal(app?.status, "needs-replan");
      assert.match(app?.reason ?? "", /not approved again/);
    });

    test("a unit blocked in the plan, and its skipped dependent, are planned and applied once the dependency applies", async () => {
      const h = await harness({
        script: on(
          APP_DEV,
          "plan",
          { exitCode: 1, stderr: "Error: Unable to find remote state" },
          1,
        ),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true }),
      );
      assert.equal(result.exitCode, 0, JSON.stringify(result.report?.units));
      assert.deepEqual(
        h.runner.argv().filter((c) => / (plan|apply)$/.test(c)),
        [
          `${NETWORK_DEV} plan`,
          `${APP_DEV} plan`,
          `${NETWORK_DEV} apply`,
          `${APP_DEV} plan`,
          `${APP_DEV} apply`,
          `${WEB_DEV} plan`,
          `${WEB_DEV} apply`,
        ],
      );
      assert.deepEqual(Object.values(statuses(result)), Array(3).fill("succeeded"));
    });

    test("a plan failure anywhere: nothing is applied, exit 1", async () => {
      const h = await harness({
        script: on(APP_PROD, "plan", { exitCode: 1, stderr: "Error: invalid reference" }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", all: true, autoApprove: true, approve: ["prod"] }),
      );
      assert.equal(result.exitCode, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
      const failed = result.diagnostics.find((d) => d.code === "run/plan-failed");
      assert.match(
        failed?.message ?? "",
        /1 unit failed to plan \(app\/prod\/us-east-1\); nothing was applied/,
      );
      assert.equal(unit(result, APP_PROD).status, "failed");
    });

    test("a failure in the first wave: the next wave is not started", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "apply", { exitCode: 1, stderr: "Error: apply broke" }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", all: true, autoApprove: true, approve: ["prod"] }),
      );
      assert.equal(result.exitCode, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV]);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "skipped",
        [APP_PROD]: "not-started",
        [NETWORK_DEV]: "failed",
        [NETWORK_PROD]: "not-started",
        [WEB_DEV]: "skipped",
      });
      assert.match(
        unit(result, NETWORK_DEV).error?.message ?? "",
        /terraform apply failed:\nError: apply broke/,
      );
      // prod was planned (plans continue) but nothing ran there after the plan.
      assert.deepEqual(h.runner.argv(NETWORK_PROD), [
        `${NETWORK_PROD} init`,
        `${NETWORK_PROD} plan`,
        `${NETWORK_PROD} show`,
      ]);
    });
  });

  describe("apply --run", { concurrency: true }, () => {
    /** Answers the plans of `stack`'s units with "no changes". */
    function noChanges(stack: string): FakeScript {
      return (call) =>
        !call.unit.startsWith(`${stack}/`)
          ? undefined
          : call.command === "plan"
            ? { exitCode: 0 }
            : call.command === "show"
              ? { stdout: SHOW_JSON_NO_CHANGES }
              : undefined;
    }

    /**
     * A plan run over everything in which only app has changes (network too with
     * `networkChanges`), then `apply --run` of it, non-interactive.
     */
    async function planned(networkChanges: boolean, extra?: FakeScript) {
      const rules = [
        ...(extra ? [extra] : []),
        ...(networkChanges ? [] : [noChanges("network")]),
        noChanges("web"),
      ];
      const h = await harness({ script: script(...rules) });
      const plan = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(plan.exitCode, 0);
      const runId = plan.report?.run.id;
      assert.ok(runId);
      const callsBefore = h.runner.calls.length;
      const apply = () =>
        runCommand(
          h.deps,
          h.loaded,
          options({ command: "apply", fromRun: runId, autoApprove: true, approve: ["prod"] }),
        );
      return { h, plan, runId, apply, later: () => h.runner.calls.slice(callsBefore) };
    }

    test("saved plans whose binding holds are applied as they are, without planning again", async () => {
      const { h, runId, apply, later } = await planned(false);
      const result = await apply();
      assert.equal(result.exitCode, 0, JSON.stringify(result.report?.units));
      assert.deepEqual(Object.values(statuses(result)), Array(5).fill("succeeded"));
      assert.deepEqual(
        later()
          .filter((c) => c.command !== "init")
          .map((c) => `${c.unit} ${c.command}`),
        [`${APP_DEV} apply`, `${APP_PROD} apply`],
      );
      const applied = later().find((c) => c.unit === APP_DEV && c.command === "apply");
      assert.equal(
        applied?.args.at(-1),
        join(h.loaded.dir, ".crossform/runs", runId, "units/app/dev/us-east-1/plan.tfplan"),
      );
      assert.equal(unit(result, APP_DEV).has_changes, true);
      assert.equal(unit(result, APP_DEV).summary?.add, 1);
      assert.equal(unit(result, NETWORK_DEV).has_changes, false);
      assert.equal(unit(result, WEB_DEV).has_changes, false);
    });

    test("a dependency with changes in that run: the dependent needs a re-plan, later waves wait", async () => {
      const { runId, apply, later } = await planned(true);
      const result = await apply();
      assert.equal(result.exitCode, 1);
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.equal(
        unit(result, APP_DEV).reason,
        `its dependency ${NETWORK_DEV} had changes in run ${runId}: re-plan after it applies`,
      );
      assert.deepEqual(
        later()
          .filter((c) => c.command === "apply")
          .map((c) => c.unit),
        [NETWORK_DEV],
      );
      // A unit left to re-plan counts against its wave: prod is not promoted to.
      assert.equal(unit(result, NETWORK_PROD).status, "not-started");
      assert.equal(unit(result, APP_PROD).status, "not-started");
    });

    test("a plan file that changed since the plan is refused: needs re-plan with the reason", async () => {
      const { h, runId, apply, later } = await planned(false);
      await writeFile(
        join(h.loaded.dir, ".crossform/runs", runId, "units/app/dev/us-east-1/plan.tfplan"),
        "another plan\n",
      );
      const result = await apply();
      assert.equal(result.exitCode, 1);
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.equal(
        unit(result, APP_DEV).reason,
        "saved plan refused: the plan file is not the one planned for this unit (its hash differs)",
      );
      assert.ok(!later().some((c) => c.command === "apply"));
    });

    test('"Saved plan is stale" is needs-replan, and the apply is made once only', async () => {
      const stale = on(APP_DEV, "apply", {
        exitCode: 1,
        stderr:
          "Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by another operation after the plan was created.",
      });
      const { apply, later } = await planned(false, stale);
      const result = await apply();
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.match(unit(result, APP_DEV).reason ?? "", /^stale: re-plan/);
      assert.equal(later().filter((c) => c.unit === APP_DEV && c.command === "apply").length, 1);
      assert.ok(!later().some((c) => c.command === "plan"));
      assert.equal(result.exitCode, 1);
    });
  });

  describe("destroy", { concurrency: true }, () => {
    test("plans with -destroy, then destroys dependents before their dependencies, later waves first", async () => {
      const h = await harness();
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({
          command: "destroy",
          all: true,
          allowDestroy: true,
          autoApprove: true,
          approve: ["prod"],
        }),
      );
      assert.equal(result.exitCode, 0, JSON.stringify(result.diagnostics));
      assert.ok(
        h.runner.calls
          .filter((c) => c.command === "plan")
          .every((c) => c.args.includes("-destroy")),
      );
      assert.deepEqual(h.runner.unitsOf("apply"), [
        APP_PROD,
        NETWORK_PROD,
        WEB_DEV,
        APP_DEV,
        NETWORK_DEV,
      ]);
      assert.equal(result.report?.run.command, "destroy");
    });
  });

  describe("records", { concurrency: true }, () => {
    test("run.json, 0700 directories, 0600 plan files, summaries without sensitive values", async () => {
      const h = await harness();
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.exitCode, 0);
      const recordDir = result.recordDir;
      assert.ok(recordDir && result.report);
      assert.equal(recordDir, join(h.loaded.dir, ".crossform/runs", result.report.run.id));
      const saved = JSON.parse(await readFile(join(recordDir, "run.json"), "utf8"));
      assert.equal(saved.run.id, result.report.run.id);
      assert.equal(saved.units.length, 5);
      const unitDir = join(recordDir, "units/network/dev/us-east-1");
      assert.equal(await mode(join(recordDir, "run.json")), 0o600);
      assert.ok(h.writer.directories.some((d) => d.path === unitDir));
      assert.ok(h.writer.directories.every((d) => d.mode === 0o700));

      for (const dir of [join(h.loaded.dir, ".crossform"), recordDir, unitDir]) {
        assert.equal(await mode(dir), 0o700, dir);
      }
      const planFile = join(unitDir, "plan.tfplan");
      assert.equal(await readFile(planFile, "utf8"), `fake plan of ${NETWORK_DEV} #1\n`);
      assert.equal(await mode(planFile), 0o600);
      assert.ok(h.writer.modes.some((m) => m.path === planFile && m.mode === 0o600));
      assert.equal(
        h.writer.modes.filter((m) => m.path.endsWith("plan.tfplan")).length,
        ALL_UNITS.length,
      );

      const summary = await readFile(join(unitDir, "summary.json"), "utf8");
      assert.match(summary, /"\(sensitive\)"/);
      assert.ok(!summary.includes(SENSITIVE_VALUE));
      assert.ok(!JSON.stringify(saved).includes(SENSITIVE_VALUE));
      assert.equal(await mode(join(unitDir, "summary.json")), 0o600);
      const binding = JSON.parse(await readFile(join(unitDir, "binding.json"), "utf8"));
      assert.equal(binding.unit, NETWORK_DEV);
      assert.equal(binding.terraform_version, "1.11.4");
      assert.equal(
        unit(result, NETWORK_DEV).log_path,
        `.crossform/runs/${result.report.run.id}/units/network/dev/us-east-1/log`,
      );
    });

    test("the report names the commit, and warns when .crossform/ is not ignored by git", async () => {
      const loaded = await fixture();
      const sha = "0123456789abcdef0123456789abcdef01234567";
      await mkdir(join(loaded.dir, ".git"));
      await writeFile(join(loaded.dir, ".git/HEAD"), `${sha}\n`);
      const h = await harness({ loaded });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.report?.run.git_commit, sha);
      assert.ok(result.diagnostics.some((d) => d.code === "run/crossform-not-ignored"));

      await writeFile(join(loaded.dir, ".gitignore"), "node_modules/\n.crossform/\n");
      const again = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.ok(!again.diagnostics.some((d) => d.code === "run/crossform-not-ignored"));
    });
  });

  describe("cancellation", { concurrency: true }, () => {
    test("an abort during a plan interrupts the running child once, starts nothing new, exit 130", async () => {
      const h = await harness({ script: on(NETWORK_DEV, "plan", { hang: true }) });
      const controller = new AbortController();
      const running = runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", signal: controller.signal }),
      );
      await h.runner.started((c) => c.unit === NETWORK_DEV && c.command === "plan");
      const startedBefore = h.runner.calls.length;
      controller.abort();
      const result = await running;
      assert.equal(result.exitCode, 130);
      assert.deepEqual(h.runner.interrupts, [
        { unit: NETWORK_DEV, command: "plan", signal: "SIGINT", sent: true },
      ]);
      assert.equal(h.runner.calls.length, startedBefore);
      assert.equal(result.report?.run.interrupted, true);
      assert.equal(unit(result, NETWORK_DEV).status, "interrupted");
      assert.equal(unit(result, NETWORK_PROD).status, "not-started");
      assert.deepEqual(h.runner.argv(NETWORK_PROD), []);
    });

    test("a kill after the interrupt: the provisional summary at once, the child killed, its lock reported with the force-unlock command", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "plan", { hang: true, ignoreInterrupt: true }),
      });
      const interrupt = new AbortController();
      const kill = new AbortController();
      const running = runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", signal: interrupt.signal, kill: kill.signal }),
      );
      await h.runner.started((c) => c.unit === NETWORK_DEV && c.command === "plan");
      interrupt.abort();
      const provisional = h.events.find(
        (e) => e.type === "message" && e.text.startsWith("interrupted:"),
      );
      assert.ok(provisional && provisional.type === "message");
      assert.equal(
        provisional.text,
        "interrupted: 1 terraform process asked to stop: network/dev/us-east-1 (plan); no new unit starts",
      );
      // The plan ignores the interrupt and still holds its lock.
      const lockId = "6f1f7b52-2f65-4d6b-a3ac-0c4a4d2b9b11";
      h.aws.objects.set(
        "tfstate-111111111111/network/terraform.tfstate.tflock",
        JSON.stringify({
          ID: lockId,
          Operation: "OperationTypePlan",
          Who: "alice@laptop",
          Created: "2026-01-15T10:00:00Z",
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(h.runner.interrupts.length, 1);
      kill.abort();
      const result = await running;
      assert.equal(result.exitCode, 130);
      assert.equal(unit(result, NETWORK_DEV).status, "interrupted");
      const held = result.diagnostics.filter((d) => d.code === "run/lock-possibly-held");
      assert.equal(held.length, 1, JSON.stringify(result.diagnostics));
      assert.match(
        held[0]?.message ?? "",
        new RegExp(
          `^network/dev/us-east-1: terraform plan was killed and may hold its state lock s3://tfstate-111111111111/network/terraform\\.tfstate\\.tflock \\(lock id ${lockId}, OperationTypePlan by alice@laptop at 2026-01-15T10:00:00Z\\); data dir /`,
        ),
      );
      const dataDir = join(h.loaded.dir, ".crossform", "units", "network", "dev", "us-east-1");
      assert.match(held[0]?.hint ?? "", /^once nothing else runs on this state: cd \//);
      assert.ok(
        (held[0]?.hint ?? "").endsWith(`terraform force-unlock -force ${lockId}`),
        held[0]?.hint,
      );
      assert.ok((held[0]?.hint ?? "").includes(dataDir), held[0]?.hint);
      // The lock was read through the session of the account holding the state.
      assert.ok(
        h.aws.calls.includes(
          "getObjectText 111111111111 tfstate-111111111111 network/terraform.tfstate.tflock",
        ),
      );
    });
  });
});

describe("repository-info", { concurrency: true }, () => {
  const fs = new NodeFileSystem();
  const SHA = "89abcdef0123456789abcdef0123456789abcdef";

  test("gitCommit follows HEAD to a loose ref, from a directory below the root", async () => {
    const root = await makeTempDir("git-ref");
    await mkdir(join(root, ".git/refs/heads"), { recursive: true });
    await mkdir(join(root, "infra"));
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(root, ".git/refs/heads/main"), `${SHA}\n`);
    assert.equal(await gitCommit(fs, join(root, "infra")), SHA);
  });

  test("gitCommit reads packed-refs when the ref is not loose", async () => {
    const root = await makeTempDir("git-packed");
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/release\n");
    await writeFile(
      join(root, ".git/packed-refs"),
      `# pack-refs with: peeled fully-peeled sorted\n${"1".repeat(40)} refs/heads/main\n${SHA} refs/heads/release\n`,
    );
    assert.equal(await gitCommit(fs, root), SHA);
  });

  test("gitCommit of a detached HEAD is its hash; outside git, or with an unknown ref, undefined", async () => {
    const root = await makeTempDir("git-detached");
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".git/HEAD"), `${SHA}\n`);
    assert.equal(await gitCommit(fs, root), SHA);
    const outside = await makeTempDir("no-git");
    assert.equal(await gitCommit(fs, outside), undefined);
    await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/gone\n");
    assert.equal(await gitCommit(fs, root), undefined);
  });

  test("gitignoreCoversCrossform: a .gitignore line at or above the config directory, up to the root", async () => {
    const root = await makeTempDir("gitignore");
    const config = join(root, "infra");
    await mkdir(join(root, ".git"));
    await mkdir(config);
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    await writeFile(join(root, ".gitignore"), "dist\r\n/.crossform\r\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), true);
    await writeFile(join(root, ".gitignore"), "# .crossform/\n.crossform-old/\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), false);
    await writeFile(join(config, ".gitignore"), ".crossform/\n");
    assert.equal(await gitignoreCoversCrossform(fs, config), true);
    assert.equal(await gitignoreCoversCrossform(fs, await makeTempDir("no-git")), true);
  });
});
