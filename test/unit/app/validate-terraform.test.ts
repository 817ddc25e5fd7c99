import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { LoadedConfig } from "../../../src/app/load-config.ts";
import { validateTerraform } from "../../../src/app/validate-terraform.ts";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import type { ProgressEvent } from "../../../src/ports/event-sink.ts";
import type { FileSystem } from "../../../src/ports/file-system.ts";
import type { FileWriter } from "../../../src/ports/file-writer.ts";
import type { TerraformCommand, TerraformProcess } from "../../../src/ports/terraform-runner.ts";
import { FakeTerraformRunner } from "../../helpers/fake-terraform-runner.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";
import type { FakeCall, FakeReply } from "../../helpers/fake-terraform-runner.ts";

// The scripted terraform writes each command's log, as the real one does: into a temporary tree.
const DIR = await makeTempDir("validate-terraform-app");

function loaded(stacks: string[]): LoadedConfig {
  const read = readConfigText(
    [
      "version: 1",
      "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
      'state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "222222222222" }',
      "stacks:",
      ...stacks,
      "",
    ].join("\n"),
    "crossform.yaml",
  );
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics));
  return {
    config: read.config,
    units: read.units,
    warnings: [],
    path: join(DIR, "crossform.yaml"),
    dir: DIR,
  };
}

const fs: FileSystem = {
  readText: () => Promise.reject(new Error("not read")),
  readTextsIfPresent: () => Promise.reject(new Error("not read")),
  readBytes: () => Promise.reject(new Error("not read")),
  listDir: () => Promise.reject(new Error("not listed")),
  exists: () => Promise.resolve(true),
  // stacks/a and stacks/b have one lock file; every other stack its own.
  sha256: (path) => Promise.resolve(/\/stacks\/[ab]\//.test(path) ? "lock ab" : `lock of ${path}`),
  pathInfo: () => Promise.resolve({ kind: "directory", size: 0 }),
  realPath: (path) => Promise.resolve(path),
};
const writer: FileWriter = {
  writeAtomic: () => Promise.resolve({ changed: false }),
  writeAllAtomic: (files) => Promise.resolve(files.map(() => ({ changed: false }))),
  remove: () => Promise.resolve(),
  removeAll: () => Promise.resolve(),
  ensureDirectory: () => Promise.resolve(),
  setMode: () => Promise.resolve(),
};

const VALID = JSON.stringify({ format_version: "1.0", valid: true, diagnostics: [] });

function invalid(filename: string, summary: string): string {
  return JSON.stringify({
    format_version: "1.0",
    valid: false,
    diagnostics: [
      {
        severity: "error",
        summary,
        detail: "details\nover two lines",
        range: { filename, start: { line: 3, column: 5 }, end: { line: 3, column: 9 } },
      },
    ],
  });
}

describe("validateTerraform (with a scripted terraform)", () => {
  test("each stack directory once, init -backend=false then validate -json, in its scratch copy", async () => {
    const runner = new FakeTerraformRunner(DIR, (call) =>
      call.command === "validate" ? { stdout: VALID } : undefined,
    );
    runner.stacksWithLockFile.add("a");
    const events: ProgressEvent[] = [];
    const config = loaded([
      "  a: { path: stacks/a, accounts: [dev, prod] }",
      "  also-a: { path: stacks/also-a, accounts: [dev] }",
      "  c: { path: stacks/c, accounts: [dev, prod] }",
    ]);
    // Two stacks on one directory are a configuration error; a library caller may still build
    // such a configuration, and the directory is validated once.
    const alsoA = config.config.stacks.get("also-a");
    assert.ok(alsoA);
    alsoA.path = "stacks/a";
    const report = await validateTerraform(
      { runner, fs, writer, events: { emit: (e) => events.push(e) } },
      config,
      { parallel: 4 },
    );
    assert.equal(report.valid, true);
    assert.equal(report.terraform, "terraform 1.11.4");
    assert.deepEqual(
      report.stacks.map((s) => [s.stacks, s.path, s.status, s.log]),
      [
        [["a", "also-a"], "stacks/a", "valid", ".crossform/validate/a/log"],
        [["c"], "stacks/c", "valid", ".crossform/validate/c/log"],
      ],
    );
    assert.deepEqual(runner.preparedStacks, ["a", "c"]);
    assert.deepEqual(runner.calls.map((c) => `${c.unit} ${c.args.join(" ")}`).sort(), [
      "validate/a init -backend=false -input=false -no-color -lockfile=readonly",
      "validate/a validate -json -no-color",
      "validate/c init -backend=false -input=false -no-color",
      "validate/c validate -json -no-color",
    ]);
    assert.ok(runner.calls.every((c) => c.cwd.startsWith(join(DIR, ".crossform/validate/"))));
    assert.deepEqual(
      events.flatMap((e) => (e.type === "task-finished" ? [`${e.label} ${e.status}`] : [])).sort(),
      ["stacks/a ok", "stacks/c ok"],
    );
  });

  test("an init that may write the plugin cache runs alone; the others and every validate run after, together", async () => {
    const active: string[] = [];
    const seen: string[][] = [];
    class TrackingRunner extends FakeTerraformRunner {
      override start(command: TerraformCommand): TerraformProcess {
        const child = super.start(command);
        const call = this.calls[this.calls.length - 1];
        const label = `${call?.unit ?? "?"} ${call?.command ?? "?"}`;
        active.push(label);
        seen.push([...active]);
        void child.result.finally(() => active.splice(active.indexOf(label), 1));
        return child;
      }
    }
    const runner = new TrackingRunner(DIR, (call) =>
      call.command === "validate" ? { stdout: VALID, delayMs: 20 } : { delayMs: 20 },
    );
    for (const stack of ["a", "b", "d"]) runner.stacksWithLockFile.add(stack);
    const report = await validateTerraform(
      { runner, fs, writer },
      loaded(
        ["a", "b", "c", "d"].map((name) => `  ${name}: { path: stacks/${name}, accounts: [dev] }`),
      ),
      { parallel: 4 },
    );
    assert.equal(report.valid, true);
    const writers = ["validate/a init", "validate/c init", "validate/d init"];
    assert.deepEqual(
      seen.slice(0, 3),
      writers.map((w) => [w]),
      "the writers, one by one, alone",
    );
    assert.ok(
      seen.every((running) => running.length === 1 || !running.some((l) => writers.includes(l))),
      JSON.stringify(seen),
    );
    assert.ok(
      seen.some((running) => running.length > 1),
      "the rest run together",
    );
    assert.equal(runner.unitsOf("init").length, 4);
    assert.equal(runner.unitsOf("validate").length, 4);
  });

  test("terraform's diagnostics become crossform's, with the user's path of a module file", async () => {
    const runner = new FakeTerraformRunner(DIR, (call): FakeReply | undefined =>
      call.command === "validate"
        ? { stdout: invalid("../../modules/m/main.tf", "Unsupported argument"), exitCode: 1 }
        : undefined,
    );
    const report = await validateTerraform(
      { runner, fs, writer },
      loaded(["  app: { path: stacks/app, accounts: [dev] }"]),
      { parallel: 1 },
    );
    assert.equal(report.valid, false);
    assert.deepEqual(report.stacks[0]?.status, "invalid");
    assert.deepEqual(report.stacks[0]?.diagnostics, [
      {
        severity: "error",
        code: "terraform/validate",
        message: "Unsupported argument: details over two lines",
        position: { file: "modules/m/main.tf", line: 3, column: 5 },
      },
    ]);
  });

  test("init fails on a configuration error: validate's located diagnostics are the report", async () => {
    const runner = new FakeTerraformRunner(DIR, (call) =>
      call.command === "init"
        ? { exitCode: 1, stderr: "Error: Argument or block definition required" }
        : { stdout: invalid("main.tf", "Argument or block definition required"), exitCode: 1 },
    );
    const report = await validateTerraform(
      { runner, fs, writer },
      loaded(["  app: { path: stacks/app, accounts: [dev] }"]),
      { parallel: 1 },
    );
    assert.equal(report.stacks[0]?.status, "invalid");
    assert.equal(report.stacks[0]?.diagnostics[0]?.position?.file, "stacks/app/main.tf");
  });

  test("init fails for another reason: the stack could not be validated, terraform's error named", async () => {
    const stderr = [
      "",
      "Error: Failed to query available provider packages",
      "",
      "Could not retrieve the list of available versions for provider hashicorp/random",
      "",
    ].join("\n");
    const runner = new FakeTerraformRunner(DIR, (call: FakeCall) =>
      call.command === "init"
        ? { exitCode: 1, stderr }
        : {
            exitCode: 1,
            stdout: JSON.stringify({
              format_version: "1.0",
              valid: false,
              diagnostics: [
                { severity: "error", summary: "Missing required provider", detail: "" },
              ],
            }),
          },
    );
    const report = await validateTerraform(
      { runner, fs, writer },
      loaded(["  app: { path: stacks/app, accounts: [dev] }"]),
      { parallel: 1 },
    );
    assert.equal(report.stacks[0]?.status, "failed");
    assert.equal(report.stacks[0]?.diagnostics[0]?.code, "terraform/init-failed");
    assert.equal(
      report.stacks[0]?.diagnostics[0]?.message,
      "stack stacks/app: terraform init -backend=false failed: Error: Failed to query available provider packages Could not retrieve the list of available versions for provider hashicorp/random",
    );
    assert.match(
      report.stacks[0]?.diagnostics[0]?.hint ?? "",
      /^see \.crossform\/validate\/app\/log/,
    );
  });

  test("an interrupt stops the running terraform once and starts no other stack", async () => {
    const controller = new AbortController();
    const runner = new FakeTerraformRunner(DIR, (call) =>
      call.command === "init" ? { hang: true } : { stdout: VALID },
    );
    const pending = validateTerraform(
      { runner, fs, writer },
      loaded([
        "  a: { path: stacks/a, accounts: [dev] }",
        "  b: { path: stacks/b, accounts: [dev] }",
      ]),
      { parallel: 1, signal: controller.signal },
    );
    await runner.started((c) => c.command === "init");
    controller.abort();
    const report = await pending;
    assert.equal(report.interrupted, true);
    assert.deepEqual(
      report.stacks.map((s) => s.status),
      ["interrupted", "interrupted"],
    );
    assert.deepEqual(runner.argv(), ["validate/a init"]);
    assert.deepEqual(
      runner.interrupts.map((i) => [i.unit, i.sent]),
      [["validate/a", true]],
    );
  });

  test("a terraform older than crossform supports: refused before anything runs", async () => {
    const runner = new FakeTerraformRunner(DIR);
    runner.versionInfo = { binary: "terraform", flavor: "terraform", version: "1.5.7" };
    await assert.rejects(
      validateTerraform(
        { runner, fs, writer },
        loaded(["  a: { path: stacks/a, accounts: [dev] }"]),
        {
          parallel: 1,
        },
      ),
      (error: unknown) => error instanceof CrossformError && error.code === "terraform/too-old",
    );
    assert.deepEqual(runner.calls, []);
  });
});
