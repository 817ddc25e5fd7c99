import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createRunReport, parseRunReport } from "../../../src/core/report/run-report.ts";
import type { RunReport, UnitReport } from "../../../src/core/report/run-report.ts";
import { formatRunMarkdown, GITHUB_COMMENT_LIMIT } from "../../../src/formatters/run-markdown.ts";

const FIXTURES = new URL("../../fixtures/report/", import.meta.url).pathname;
const read = (path: string) => readFileSync(`${FIXTURES}${path}`, "utf8");
const fixture = (name: string) => parseRunReport(JSON.parse(read(`${name}/report.json`)), name);

test("the comment for a mixed plan equals its golden file", () => {
  assert.equal(formatRunMarkdown(fixture("plan-mixed")), read("plan-mixed/comment.md"));
});

test("the comment for a halted apply equals its golden file", () => {
  assert.equal(formatRunMarkdown(fixture("apply-halted")), read("apply-halted/comment.md"));
});

test("destroys in approval accounts come first, before failures and other changes", () => {
  const md = formatRunMarkdown(fixture("plan-mixed"));
  const caution = md.indexOf("> [!CAUTION]");
  assert.ok(caution > 0);
  assert.ok(caution < md.indexOf("### Failed, blocked and not run"));
  assert.ok(caution < md.indexOf("### Changes"));
  assert.match(
    md,
    /> - \*\*`network\/prod\/us-east-1`\*\* in prod \(333333333333\): \*\*1 to destroy, 1 to replace\*\*/,
  );
  // A destroy outside approval accounts is not in the caution box.
  const data = JSON.parse(read("plan-mixed/report.json"));
  data.units[5].approval = false;
  assert.ok(!formatRunMarkdown(parseRunReport(data, "x")).includes("[!CAUTION]"));
});

test("no-op units are collapsed into one <details>", () => {
  const md = formatRunMarkdown(fixture("plan-mixed"));
  assert.ok(
    md.includes(
      "### No changes\n\n<details><summary>2 units without changes</summary>\n\n`network/prod/eu-west-1`, `dns/shared/us-east-1`\n\n</details>\n",
    ),
  );
  assert.ok(!md.includes("<code>network/prod/eu-west-1</code>"));
});

function bigReport(units: number, resourcesPerUnit: number): RunReport {
  const list: UnitReport[] = [];
  for (let i = 0; i < units; i += 1) {
    list.push({
      id: `stack${i}/acct${i}/us-east-1`,
      stack: `stack${i}`,
      account: `acct${i}`,
      account_id: String(100000000000 + i),
      region: "us-east-1",
      wave: 0,
      approval: false,
      status: "succeeded",
      has_changes: true,
      summary: {
        add: resourcesPerUnit,
        change: 0,
        destroy: 0,
        replace: 0,
        moved: 0,
        imported: 0,
        forget: 0,
        drift: 0,
        outputs_changed: 0,
      },
      changes: Array.from({ length: resourcesPerUnit }, (_, r) => ({
        address: `module.service_${r}.terraform_data.resource_with_a_long_name["key-${r}"]`,
        action: "create" as const,
        importing: false,
        attributes: ["id", "input", "output", "triggers_replace"],
        replaced_by: [],
      })),
      drifted: [],
      outputs_changed: [],
      duration_ms: 1000,
    });
  }
  return createRunReport({
    run: {
      id: "big-run",
      command: "plan",
      started_at: "2026-01-01T00:00:00.000Z",
      finished_at: "2026-01-01T00:10:00.000Z",
      duration_ms: 600_000,
      selection: { stacks: [], targets: [], all: true },
      interrupted: false,
    },
    units: list,
  });
}

test("a comment too long for GitHub is shortened, with a note saying what was left out", () => {
  const report = bigReport(400, 40);
  const md = formatRunMarkdown(report);
  assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length} characters`);
  assert.ok(md.startsWith("## crossform plan: 16000 to add\n"));
  assert.match(
    md,
    /> \[!NOTE\]\n> Shortened to stay under GitHub's 65,536-character comment limit: the resource lists of \d+ units left out\. The full report: `crossform report big-run`\n$/,
  );
  // The first units keep their resource lists; the rest are one line each, none lost.
  assert.ok(md.includes("<details><summary><code>stack0/acct0/us-east-1</code>"));
  assert.ok(md.includes("\n- `stack399/acct399/us-east-1` in acct399 (100000000399): 40 to add"));
  const details = md.split("<details>").length - 1;
  const lines = md.split("\n").filter((l) => l.startsWith("- `stack")).length;
  assert.equal(details + lines, 400);
});

test("when even one line per unit is too long, the rest are counted", () => {
  const md = formatRunMarkdown(bigReport(60, 3), { maxLength: 2500 });
  assert.ok(md.length <= 2500, `${md.length} characters`);
  assert.match(md, /\n- … and \d+ more units\n/);
  assert.match(md, /the resource lists of \d+ units, \d+ units with changes left out/);
});

test("a report that fits is never shortened", () => {
  const md = formatRunMarkdown(bigReport(3, 2));
  assert.ok(!md.includes("[!NOTE]"));
  assert.equal(md.split("<details>").length - 1, 3);
});

test("interrupted runs and outputs: a warning, and each unit's outputs in a table", () => {
  const report = createRunReport({
    run: {
      id: "out-1",
      command: "output",
      started_at: "2026-01-01T00:00:00.000Z",
      finished_at: "2026-01-01T00:00:03.000Z",
      duration_ms: 3000,
      selection: { stacks: ["network"], targets: [], all: false },
      interrupted: true,
    },
    units: [
      {
        id: "network/dev/us-east-1",
        stack: "network",
        account: "dev",
        account_id: "111111111111",
        region: "us-east-1",
        wave: 0,
        approval: false,
        status: "succeeded",
        has_changes: false,
        changes: [],
        drifted: [],
        outputs_changed: [],
        outputs: [
          { name: "cidr", sensitive: false, type: "string", value: "10.0.0.0/16" },
          { name: "token", sensitive: true, type: "string", value: "(sensitive)" },
        ],
        duration_ms: 900,
      },
      {
        id: "network/prod/us-east-1",
        stack: "network",
        account: "prod",
        account_id: "333333333333",
        region: "us-east-1",
        wave: 1,
        approval: true,
        status: "not-started",
        has_changes: false,
        changes: [],
        drifted: [],
        outputs_changed: [],
        reason: "run cancelled: SIGINT",
        duration_ms: 0,
      },
    ],
  });
  assert.equal(
    formatRunMarkdown(report),
    [
      "## crossform output: 2 units · 1 not started",
      "",
      "**2 units**: 1 ok, 1 not started · run `out-1` · 3.0s",
      "",
      "> [!WARNING]",
      "> The run was interrupted: 0 units interrupted, 1 not started.",
      "",
      "### Failed, blocked and not run",
      "",
      "- **`network/prod/us-east-1`** in prod (333333333333): not started: run cancelled: SIGINT",
      "",
      "### Outputs",
      "",
      "<details><summary><code>network/dev/us-east-1</code> in dev (111111111111): 2 outputs</summary>",
      "",
      "| output | value |",
      "| --- | --- |",
      '| `cidr` | `"10.0.0.0/16"` |',
      "| `token` | *(sensitive)* |",
      "",
      "</details>",
      "",
    ].join("\n"),
  );
});

test("backticks, pipes and HTML in names and errors cannot break the markup", () => {
  const data = JSON.parse(read("plan-mixed/report.json"));
  data.units[0].changes[0].address = 'terraform_data.x["a`b|c"]';
  data.units[0].id = "network/<dev>/us-east-1";
  data.units[1].error.message = "Error: ```\nfenced | text";
  const md = formatRunMarkdown(parseRunReport(data, "x"));
  assert.ok(md.includes('| create | ``terraform_data.x["a`b\\|c"]`` |'));
  assert.ok(md.includes("<summary><code>network/&lt;dev&gt;/us-east-1</code>"));
  assert.ok(md.includes("  ````text\n  Error: ```\n  fenced | text\n  ````\n"));
});
