import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import * as crossform from "../../src/index.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const CONFIG = `version: 1
base: { region: eu-west-1 }
accounts:
  dev: { id: "111111111111", tier: dev }
  prod: { id: "222222222222", tier: prod }
stacks:
  app: { path: stacks/app, accounts: [dev, prod] }
`;

test("the public entry exports exactly the documented runtime names", () => {
  assert.deepEqual(Object.keys(crossform).sort(), [
    "AtomicFileWriter",
    "CONFIG_FILE_NAME",
    "CrossformError",
    "EVENT_CODES",
    "EXIT_CODES",
    "GitCliStatus",
    "NodeFileSystem",
    "NodeJournalFiles",
    "NodeProcessTable",
    "RUN_REPORT_FORMATTERS",
    "SdkAwsSessions",
    "SpawnTerraformRunner",
    "adopt",
    "adoptMoves",
    "approvalAccountsOf",
    "approvalProblem",
    "baseCredentialSource",
    "bootstrap",
    "checkProfiles",
    "ciPipeline",
    "ciPipelineModel",
    "computeGeneratedFiles",
    "configJsonSchema",
    "configSchema",
    "createLintSourceReader",
    "createTreeSitterHclParser",
    "decodePlanText",
    "discoverOrganization",
    "discoveryYaml",
    "emitBootstrapTemplate",
    "exitCodeOf",
    "explainUnit",
    "findConfigFile",
    "formatAdopt",
    "formatAdoptJson",
    "formatCi",
    "formatDiagnostics",
    "formatLintJson",
    "formatLintPretty",
    "formatLintSarif",
    "formatPosition",
    "formatRunHtml",
    "formatRunJson",
    "formatRunMarkdown",
    "formatRunReport",
    "formatRunSummary",
    "generate",
    "generateFiles",
    "githubWorkflow",
    "gitlabPipeline",
    "init",
    "lint",
    "lintRules",
    "listRunReports",
    "listRuns",
    "loadConfig",
    "loadRun",
    "loadRunReport",
    "mergeDiscovery",
    "mergeReportFiles",
    "mergeRunReports",
    "moveFromFlags",
    "movesFromMappingFile",
    "movesFromPrevious",
    "parseAdoptMapping",
    "parseSelector",
    "parseShard",
    "planHasChanges",
    "planStatus",
    "profileSpecs",
    "profiles",
    "pruneRuns",
    "readConfigText",
    "readRunReportFile",
    "renderCiFile",
    "resolveWave",
    "runCommand",
    "runExit",
    "runExitCode",
    "runReportFormatOfFile",
    "selectUnits",
    "selectVerifyTargets",
    "shardOf",
    "summarizePlan",
    "unitsOfShard",
    "validate",
    "verify",
    "verifySelectionForUnits",
    "verifySelectionOfShard",
  ]);
});

test("every exported function and class is callable", () => {
  const callables = Object.entries(crossform).filter(
    ([name]) =>
      ![
        "CONFIG_FILE_NAME",
        "lintRules",
        "EXIT_CODES",
        "EVENT_CODES",
        "RUN_REPORT_FORMATTERS",
      ].includes(name),
  );
  for (const [name, value] of callables) {
    if (name === "configSchema") {
      assert.equal(typeof (value as { safeParse?: unknown }).safeParse, "function", name);
      continue;
    }
    assert.equal(typeof value, "function", `${name} is ${typeof value}`);
  }
  assert.equal(crossform.CONFIG_FILE_NAME, "crossform.yaml");
  assert.ok(crossform.lintRules.length >= 7, "the lint rule registry");
  assert.ok(new crossform.NodeFileSystem().readText);
  assert.ok(new crossform.AtomicFileWriter().writeAtomic);
});

test("readConfigText through the public entry gives units that select, explain and generate", () => {
  const read = crossform.readConfigText(CONFIG, "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : crossform.formatDiagnostics(read.diagnostics));
  assert.deepEqual(
    read.units.units.map((u) => u.id),
    ["app/dev/eu-west-1", "app/prod/eu-west-1"],
  );
  const prod = read.units.units[1];
  assert.ok(prod);
  assert.equal(prod.state.bucket, "crossform-state-222222222222-eu-west-1");
  assert.equal(prod.state.roleArn, "arn:aws:iam::222222222222:role/TerraformDeploy");

  const selector = crossform.parseSelector("tier:prod");
  assert.ok(selector.ok);
  const selected = crossform.selectUnits(read.config, read.units, { targets: ["tier:prod"] });
  assert.ok(selected.ok);
  assert.deepEqual(
    selected.units.map((u) => u.id),
    ["app/prod/eu-west-1"],
  );

  const explanation = crossform.explainUnit(read.config, prod);
  assert.equal(explanation.account.id, "222222222222");

  const files = crossform.generateFiles(read.config, read.units, new Map());
  assert.ok(files.some((f) => f.path === "stacks/app/backends/prod.s3.tfbackend"));
  assert.ok(files.every((f) => f.path.startsWith("stacks/app/")));
});

test("readConfigText through the public entry reports a wrong value at its position", () => {
  const read = crossform.readConfigText('version: 1\naccounts:\n  dev: { id: "12" }\n', "c.yaml");
  assert.equal(read.ok, false);
  assert.ok(!read.ok);
  const [first] = read.diagnostics;
  assert.ok(first?.position);
  assert.equal(crossform.formatPosition(first.position), "c.yaml:3:14");
  assert.match(crossform.formatDiagnostics(read.diagnostics), /^c\.yaml:3:14: error: .*"12"/);
});

test("configJsonSchema describes crossform.yaml and configSchema accepts what readConfigText reads", () => {
  const schema = crossform.configJsonSchema();
  assert.equal(schema.title, "crossform.yaml");
  assert.equal(crossform.configSchema.safeParse({ version: 1, accounts: {} }).success, true);
  assert.equal(crossform.configSchema.safeParse({ version: 2, accounts: {} }).success, false);
});

test("the run API through the public entry: recorded runs listed, loaded, judged and rendered", async () => {
  const dir = await makeTempDir("index-runs");
  const text = await readFile(
    new URL("../fixtures/report/plan-mixed/report.json", import.meta.url),
    "utf8",
  );
  const id = (JSON.parse(text) as { run: { id: string } }).run.id;
  await mkdir(join(dir, ".crossform/runs", id), { recursive: true });
  await writeFile(join(dir, ".crossform/runs", id, "run.json"), text);
  await mkdir(join(dir, ".crossform/runs/20261124-000000-broken"));
  const fs = new crossform.NodeFileSystem();

  const listed = await crossform.listRunReports(fs, dir);
  assert.deepEqual(
    listed.reports.map((r) => r.run.id),
    [id],
  );
  assert.deepEqual(listed.unreadable, ["20261124-000000-broken"]);
  const report = await crossform.loadRunReport(fs, dir, id);
  assert.deepEqual(report, listed.reports[0]);
  assert.ok(report.units.some((u) => u.status === "failed"));
  assert.equal(crossform.runExitCode(report, { detailedExitcode: false }), 1);
  const withoutFailures = { ...report, units: report.units.filter((u) => u.status !== "failed") };
  assert.equal(crossform.runExitCode(withoutFailures, { detailedExitcode: true }), 2);
  assert.equal(crossform.runExitCode(withoutFailures, { detailedExitcode: false }), 0);
  assert.deepEqual(JSON.parse(crossform.formatRunJson(report)).run.id, id);
  assert.match(crossform.formatRunMarkdown(report), new RegExp(id));
  assert.match(crossform.formatRunHtml(report), /^<!doctype html>/);
  assert.match(crossform.formatRunSummary(report), /network\/dev\/us-east-1/);
  await assert.rejects(crossform.loadRunReport(fs, dir, "no-such-run"), {
    code: "run/unknown-run",
  });
});
