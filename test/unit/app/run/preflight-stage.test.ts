/**
 * Stage 3 of a run, the preflight: generated files, terraform's version, the accounts, the
 * session lifetime, the .gitignore warning. Terraform answers `version` only; AWS is in memory.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { preflightStage } from "../../../../src/app/run/preflight-stage.ts";
import type { Preflight } from "../../../../src/app/run/preflight-stage.ts";
import { saveRunReport } from "../../../../src/app/run/run-records.ts";
import type { RunDeps, RunOptions } from "../../../../src/app/run/run-types.ts";
import { isStop } from "../../../../src/app/run/stop.ts";
import type { Stop } from "../../../../src/app/run/stop.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { createRunReport } from "../../../../src/core/report/run-report.ts";
import type { LoadedConfig } from "../../../../src/app/load-config.ts";
import type { ProgressEvent } from "../../../../src/ports/event-sink.ts";
import { FakeAwsSessions, hardened } from "../../../helpers/fake-aws-sessions.ts";
import { FakeGitStatus } from "../../../helpers/fake-git-status.ts";
import { RecordingWriter, fixture, options, parser } from "../../../helpers/run-harness.ts";
import { VersionOnlyRunner } from "../../../helpers/version-only-runner.ts";
import { NodeJournalFiles } from "../../../../src/adapters/fs/append-journal.ts";
import { NodeProcessTable } from "../../../../src/adapters/system/node-process-table.ts";

const START = Date.UTC(2026, 0, 15, 10, 0, 0);

async function preflight(
  overrides: Partial<RunOptions> = {},
  setup: { loaded?: LoadedConfig; aws?: FakeAwsSessions; runner?: VersionOnlyRunner } = {},
) {
  const loaded = setup.loaded ?? (await fixture());
  const aws = setup.aws ?? new FakeAwsSessions();
  if (!setup.aws) {
    aws.buckets.set("tfstate-111111111111", hardened("111111111111"));
    aws.buckets.set("tfstate-333333333333", hardened("333333333333"));
  }
  const runner = setup.runner ?? new VersionOnlyRunner();
  const events: ProgressEvent[] = [];
  const deps: RunDeps = {
    fs: new NodeFileSystem(),
    writer: new RecordingWriter(),
    parser,
    aws,
    runner,
    git: new FakeGitStatus(),
    clock: { now: () => START, randomSuffix: () => "r1" },
    journals: new NodeJournalFiles(),
    processes: new NodeProcessTable(),
    events: { emit: (e) => events.push(e) },
  };
  const result = await preflightStage(deps, loaded, loaded.units.units, options(overrides));
  return { result, runner, aws, events, loaded };
}

function refusal(result: Preflight | Stop): Stop {
  assert.ok(isStop(result), "expected a stop");
  return result;
}

describe("preflight stage", { concurrency: true }, () => {
  test("all checks pass: terraform's version, no provider groups for stacks without providers", async () => {
    const { result, runner, aws } = await preflight();
    assert.ok(!isStop(result), JSON.stringify(result));
    assert.equal(result.terraformVersion, "1.11.4");
    assert.equal(result.groups.size, 0);
    assert.equal(runner.versionCalls, 1);
    assert.ok(aws.calls.includes("baseIdentity"));
  });

  test("stale generated files stop the run with exit 1 before terraform or AWS is asked", async () => {
    const loaded = await fixture();
    const tfvars = join(loaded.dir, "stacks/app/targets/dev.tfvars.json");
    await writeFile(tfvars, (await readFile(tfvars, "utf8")).replace("us-east-1", "eu-west-1"));
    const { result, runner, aws } = await preflight({}, { loaded });
    const stopped = refusal(result);
    assert.equal(stopped.exit, "problems");
    assert.equal(stopped.diagnostics[0]?.code, "preflight/stale-generated-files");
    assert.match(stopped.diagnostics[0]?.message ?? "", /stacks\/app\/targets\/dev\.tfvars\.json/);
    assert.equal(runner.versionCalls, 0);
    assert.deepEqual(aws.calls, []);
  });

  test("a terraform older than supported is bad input (exit 2), before any AWS call", async () => {
    const runner = new VersionOnlyRunner();
    runner.versionInfo = { binary: "terraform", flavor: "terraform", version: "1.5.7" };
    const { result, aws } = await preflight({}, { runner });
    const stopped = refusal(result);
    assert.equal(stopped.exit, "bad-input");
    assert.match(stopped.diagnostics.map((d) => d.message).join("\n"), /1\.5\.7/);
    assert.deepEqual(aws.calls, []);
  });

  test("a verify failure in one account refuses that account's units only, and the report names it", async () => {
    const aws = new FakeAwsSessions();
    aws.buckets.set("tfstate-111111111111", hardened("111111111111"));
    const { result, loaded } = await preflight({}, { aws });
    assert.ok(!isStop(result), "the preflight goes on: the accounts are verified as units start");
    const refusals = new Map<string, string | undefined>();
    for (const unit of loaded.units.units) {
      refusals.set(unit.id, await result.verification.gate.refusal(unit));
    }
    assert.equal(refusals.get("network/dev/us-east-1"), undefined);
    assert.match(
      refusals.get("network/prod/us-east-1") ?? "",
      /^account prod \(333333333333\) failed verification: .*; no terraform ran for this unit$/,
    );
    const report = await result.verification.report;
    assert.deepEqual(
      report.accounts.filter((a) => !a.ok).map((a) => a.name),
      ["prod"],
    );
  });

  test("a failed base identity stops the run before any unit, naming the problem", async () => {
    const aws = new FakeAwsSessions();
    aws.base = new CrossformError(
      "aws/expired-credentials",
      "external",
      "ExpiredToken: the security token included in the request is expired",
    );
    const { result } = await preflight({}, { aws });
    const stopped = refusal(result);
    assert.equal(stopped.exit, "problems");
    assert.match(stopped.diagnostics.map((d) => d.message).join("\n"), /base identity: .*expired/);
    assert.ok(stopped.diagnostics.some((d) => d.code === "preflight/verify-failed"));
  });

  test("a base session shorter than the last run of the same selection warns; under 5 min refuses", async () => {
    const loaded = await fixture();
    const aws = new FakeAwsSessions();
    aws.buckets.set("tfstate-111111111111", hardened("111111111111"));
    aws.buckets.set("tfstate-333333333333", hardened("333333333333"));
    aws.base = {
      ...(aws.base as Exclude<typeof aws.base, Error>),
      expiration: new Date(START + 10 * 60_000),
    };
    const first = await preflight({}, { loaded, aws });
    assert.ok(!isStop(first.result));
    const warning = first.events.find(
      (e) => e.type === "message" && e.level === "warning" && /expires/.test(e.text),
    );
    assert.ok(warning && warning.type === "message", "no run recorded yet: 30 min expected");
    assert.match(warning.text, /30 min/);
    // A recorded plan of the same selection took 2 minutes: 10 minutes left is enough.
    await saveRunReport(
      new RecordingWriter(),
      loaded.dir,
      createRunReport({
        run: {
          id: "20260115-090000-prev",
          command: "plan",
          started_at: "2026-01-15T09:00:00.000Z",
          finished_at: "2026-01-15T09:02:00.000Z",
          duration_ms: 120_000,
          selection: { stacks: [], targets: [], all: false },
          interrupted: false,
        },
        units: [],
      }),
    );
    const second = await preflight({}, { loaded, aws });
    assert.ok(!isStop(second.result));
    assert.ok(
      !second.events.some(
        (e) => e.type === "message" && e.level === "warning" && /expires/.test(e.text),
      ),
    );
    aws.base = {
      ...(aws.base as Exclude<typeof aws.base, Error>),
      expiration: new Date(START + 2 * 60_000),
    };
    const refused = refusal((await preflight({}, { loaded, aws })).result);
    assert.equal(refused.exit, "problems");
    assert.ok(refused.diagnostics.some((d) => d.code === "session/too-short"));
  });

  test("a repository whose .gitignore does not keep .crossform/ out gets a warning that stops nothing", async () => {
    const loaded = await fixture();
    await mkdir(join(loaded.dir, ".git"));
    const warned = await preflight({}, { loaded });
    assert.ok(!isStop(warned.result));
    assert.deepEqual(
      warned.result.warnings.map((d) => d.code),
      ["run/crossform-not-ignored"],
    );
    await writeFile(join(loaded.dir, ".gitignore"), "node_modules/\n.crossform/*\n");
    const quiet = await preflight({}, { loaded });
    assert.ok(!isStop(quiet.result));
    assert.deepEqual(quiet.result.warnings, []);
  });
});
