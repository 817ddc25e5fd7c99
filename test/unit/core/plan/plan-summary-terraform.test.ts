/**
 * Plan summaries of plans made by the real terraform, from the stacks under
 * test/fixtures/plan/<scenario>/ (built-in `terraform_data` only, local state in a temp copy).
 */
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import {
  planHasChanges,
  planSensitiveStrings,
  summarizeOutputs,
  summarizePlan,
} from "../../../../src/core/plan/plan-summary.ts";
import type { PlanSummary } from "../../../../src/core/plan/plan-summary.ts";
import { createRunReport, unitFieldsFromPlan } from "../../../../src/core/report/run-report.ts";
import type { RunCommand, UnitReport } from "../../../../src/core/report/run-report.ts";
import { formatRunJson } from "../../../../src/formatters/run-json.ts";
import { formatRunMarkdown } from "../../../../src/formatters/run-markdown.ts";
import { formatRunSummary } from "../../../../src/formatters/run-summary.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";
import { runTerraform } from "../../../helpers/terraform.ts";

const FIXTURES = new URL("../../../fixtures/plan/", import.meta.url).pathname;

const SECRETS = [
  "var-secret-7f3a9c",
  "attr-secret-before-41d2",
  "attr-secret-after-41d2",
  "out-secret-before-9e1b",
  "out-secret-after-9e1b",
  "drift-secret-10.0.0.0/16",
  "drift-secret-10.9.0.0/16",
  "drift-nested-secret-55c1",
];

async function terraform(dir: string, args: string[], okCodes = [0]): Promise<string> {
  const result = await runTerraform(
    [...args, "-no-color"].filter((a) => a !== ""),
    { cwd: dir },
  );
  if (result.code === null || !okCodes.includes(result.code)) {
    throw new Error(`terraform ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  }
  return result.stdout;
}

async function show(dir: string, planFile: string): Promise<string> {
  const result = await runTerraform(["show", "-json", planFile], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `${where} contains the sensitive value ${secret}`);
  }
}

/** Plans of the three scenarios, made once, concurrently. */
const scenarios = (async () => {
  const changes = (async () => {
    const dir = await makeTempDir("plan-changes");
    await cp(join(FIXTURES, "changes", "before", "main.tf"), join(dir, "main.tf"));
    await terraform(dir, ["init", "-input=false"]);
    await terraform(dir, ["apply", "-auto-approve", "-input=false"]);
    await cp(join(FIXTURES, "changes", "after", "main.tf"), join(dir, "main.tf"));
    await terraform(dir, ["plan", "-input=false", "-out=unit.tfplan"]);
    return show(dir, "unit.tfplan");
  })();
  const errored = (async () => {
    const dir = await makeTempDir("plan-errored");
    await cp(join(FIXTURES, "errored", "main.tf"), join(dir, "main.tf"));
    await terraform(dir, ["init", "-input=false"]);
    await terraform(dir, ["plan", "-input=false", "-out=unit.tfplan"], [1]);
    return show(dir, "unit.tfplan");
  })();
  const drift = (async () => {
    const dir = await makeTempDir("plan-drift");
    await cp(join(FIXTURES, "drift", "main.tf"), join(dir, "main.tf"));
    await terraform(dir, ["init", "-input=false"]);
    await terraform(dir, ["apply", "-auto-approve", "-input=false"]);
    const statePath = join(dir, "terraform.tfstate");
    const state = JSON.parse(await readFile(statePath, "utf8"));
    const net = state.resources.find((r: { name: string }) => r.name === "net");
    net.instances[0].attributes.output.value = "10.9.0.0/16";
    state.serial += 1;
    await writeFile(statePath, JSON.stringify(state, null, 2));
    await terraform(
      dir,
      ["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-out=unit.tfplan"],
      [2],
    );
    const output = await terraform(dir, ["output", "-json"]);
    return { plan: await show(dir, "unit.tfplan"), output };
  })();
  return { changes: await changes, errored: await errored, drift: await drift };
})();

test("changes: every kind of change counted, replace as one, moved/imported/forgotten apart", async () => {
  const { changes } = await scenarios;
  const summary = summarizePlan(changes);
  const counts = (s: PlanSummary) => ({
    add: s.add,
    change: s.change,
    destroy: s.destroy,
    replace: s.replace,
    moved: s.moved,
    imported: s.imported,
    forget: s.forget,
    drift: s.drift,
    outputsChanged: s.outputsChanged,
    errored: s.errored,
  });
  assert.deepEqual(counts(summary), {
    add: 1,
    change: 1,
    destroy: 1,
    replace: 2,
    moved: 1,
    imported: 1,
    forget: 1,
    drift: 0,
    outputsChanged: 4,
    errored: false,
  });
  assert.equal(summary.terraformVersion?.split(".")[0], "1");
  assert.equal(planHasChanges(summary), true);
  assert.deepEqual(
    summary.resources.map((r) => [
      r.address,
      r.action,
      r.actions.join("+"),
      r.previousAddress ?? "",
      r.importing,
      r.replacedBy.join(","),
      r.attributes.map((a) => a.name).join(","),
    ]),
    [
      ["terraform_data.adopted", "no-op", "no-op", "", true, "", ""],
      [
        "terraform_data.cert",
        "replace",
        "create+delete",
        "",
        false,
        "triggers_replace",
        "id,output,triggers_replace",
      ],
      ["terraform_data.kept_outside", "forget", "forget", "", false, "", ""],
      ["terraform_data.legacy", "delete", "delete", "", false, "", ""],
      ["terraform_data.new_name", "no-op", "no-op", "terraform_data.old_name", false, "", ""],
      ["terraform_data.queue", "create", "create", "", false, "", "id,input,output"],
      [
        "terraform_data.server",
        "replace",
        "delete+create",
        "",
        false,
        "triggers_replace",
        "id,output,triggers_replace",
      ],
      ["terraform_data.settings", "update", "update", "", false, "", "input,output"],
    ],
  );
});

test("changes: values kept are redacted where Terraform marks them, and wherever they repeat", async () => {
  const { changes } = await scenarios;
  const summary = summarizePlan(changes);
  const settings = summary.resources.find((r) => r.address === "terraform_data.settings");
  assert.deepEqual(settings?.attributes, [
    {
      name: "input",
      before: { name: "blue", token: "(sensitive)" },
      after: { name: "green", token: "(sensitive)" },
      sensitive: true,
      unknown: false,
    },
    {
      // Terraform leaves this copy of the token unmarked; the scrub pass still redacts it.
      name: "output",
      before: { name: "blue", token: "(sensitive)" },
      after: "(known after apply)",
      sensitive: false,
      unknown: true,
    },
  ]);
  assert.deepEqual(summary.outputs, [
    {
      name: "api_key",
      action: "update",
      before: "(sensitive)",
      after: "(sensitive)",
      sensitive: true,
      unknown: false,
    },
    {
      name: "endpoint",
      action: "update",
      before: "https://before.example",
      after: "https://after.example",
      sensitive: false,
      unknown: false,
    },
    {
      name: "queue_id",
      action: "create",
      before: null,
      after: "(known after apply)",
      sensitive: false,
      unknown: true,
    },
    {
      name: "retired",
      action: "delete",
      before: "gone soon",
      after: null,
      sensitive: false,
      unknown: false,
    },
  ]);
  // The plan itself carries every secret in clear text; the summary carries none.
  for (const secret of SECRETS.slice(0, 5)) assert.ok(changes.includes(secret), secret);
  assertNoSecret(JSON.stringify(summary), "the summary");
  const found = planSensitiveStrings(changes);
  for (const secret of SECRETS.slice(0, 5)) assert.ok(found.has(secret), `found ${secret}`);
});

test("errored: the plan's errored flag, with what Terraform planned before the error", async () => {
  const { errored } = await scenarios;
  const summary = summarizePlan(JSON.parse(errored));
  assert.equal(summary.errored, true);
  assert.equal(summary.add, 1);
  assert.deepEqual(
    summary.resources.map((r) => r.address),
    ["terraform_data.ok"],
  );
});

test("drift: a refresh-only plan after an out-of-band edit reports the changed outputs", async () => {
  const { drift } = await scenarios;
  const summary = summarizePlan(drift.plan);
  assert.equal(summary.drift, 0);
  assert.deepEqual(summary.resources, []);
  assert.equal(planHasChanges(summary), true);
  assert.deepEqual(summary.outputs, [
    {
      name: "cidr",
      action: "update",
      before: "10.0.0.0/16",
      after: "10.9.0.0/16",
      sensitive: false,
      unknown: false,
    },
    {
      name: "connection",
      action: "update",
      before: "(sensitive)",
      after: "(sensitive)",
      sensitive: true,
      unknown: false,
    },
  ]);
  assert.ok(drift.plan.includes("drift-secret-10.9.0.0/16"));
  assertNoSecret(JSON.stringify(summary), "the drift summary");
});

test("outputs: terraform output -json prints sensitive values; the summary does not", async () => {
  const { drift } = await scenarios;
  assert.ok(drift.output.includes("drift-nested-secret-55c1"));
  const outputs = summarizeOutputs(drift.output);
  assert.deepEqual(outputs, [
    { name: "cidr", sensitive: false, type: "string", value: "10.0.0.0/16" },
    { name: "connection", sensitive: true, type: "string", value: "(sensitive)" },
    {
      name: "tags",
      sensitive: true,
      type: ["object", { secret: "string", team: "string" }],
      value: "(sensitive)",
    },
  ]);
  assertNoSecret(JSON.stringify(outputs), "the outputs");
});

test("sensitive outputs and attributes never reach the summary table, the Markdown or the JSON", async () => {
  const { changes, drift } = await scenarios;
  const unit = (id: string, summary: PlanSummary, command: RunCommand): UnitReport => ({
    id,
    stack: "network",
    account: "prod",
    account_id: "333333333333",
    region: "us-east-1",
    wave: 0,
    approval: true,
    status: "succeeded",
    ...unitFieldsFromPlan(summary, command),
    has_changes: true,
    duration_ms: 1000,
  });
  for (const [command, plan] of [
    ["plan", changes],
    ["drift", drift.plan],
  ] as const) {
    const report = createRunReport({
      run: {
        id: "secret-check",
        command,
        started_at: "2026-01-01T00:00:00.000Z",
        finished_at: "2026-01-01T00:00:01.000Z",
        duration_ms: 1000,
        selection: { stacks: [], targets: [], all: true },
        interrupted: false,
      },
      units: [
        {
          ...unit("network/prod/us-east-1", summarizePlan(plan), command),
          outputs: summarizeOutputs(drift.output),
        },
      ],
    });
    const rendered = {
      summary: formatRunSummary(report),
      markdown: formatRunMarkdown(report),
      json: formatRunJson(report),
    };
    for (const [format, text] of Object.entries(rendered))
      assertNoSecret(text, `${command} ${format}`);
    assert.ok(
      rendered.markdown.includes("*(sensitive)*"),
      `${command}: the redacted outputs are shown`,
    );
    assert.ok(rendered.json.includes('"(sensitive)"'));
  }
});
