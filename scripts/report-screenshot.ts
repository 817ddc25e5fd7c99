// `npx node scripts/report-screenshot.ts [out.png]`: draws the HTML run report of a plan over the
// quickstart's accounts and stacks (a made-up run with a destroy in prod, a failure and drift) in
// headless chromium (Debian's, /usr/bin/chromium) with one unit's detail open, and saves it as
// docs/images/report.png (the README shows it) or as the given file.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRunReport, emptyCounts } from "../src/core/report/run-report.ts";
import type { ReportResourceChange, RunReport, UnitReport } from "../src/core/report/run-report.ts";
import { formatRunHtml } from "../src/formatters/run-html.ts";
import { launchChromium } from "../test/helpers/browser.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = resolve(process.argv[2] ?? join(root, "docs", "images", "report.png"));
/** The unit whose detail the picture shows open. */
const OPEN_UNIT = "network/prod/us-east-1";

const ACCOUNTS = {
  dev: { id: "111111111111", tier: "dev", wave: 0, approval: false },
  staging: { id: "222222222222", tier: "staging", wave: 1, approval: false },
  prod: { id: "333333333333", tier: "prod", wave: 2, approval: true },
  shared: { id: "444444444444", tier: "shared", wave: 3, approval: false },
} as const;

function resource(
  address: string,
  action: ReportResourceChange["action"],
  attributes: string[] = [],
  replacedBy: string[] = [],
): ReportResourceChange {
  return { address, action, importing: false, attributes, replaced_by: replacedBy };
}

function unit(
  stack: string,
  account: keyof typeof ACCOUNTS,
  region: string,
  fields: Partial<UnitReport>,
): UnitReport {
  const a = ACCOUNTS[account];
  const changes = fields.changes ?? [];
  const count = (action: ReportResourceChange["action"]) =>
    changes.filter((c) => c.action === action).length;
  return {
    id: `${stack}/${account}/${region}`,
    stack,
    account,
    account_id: a.id,
    tier: a.tier,
    region,
    wave: a.wave,
    approval: a.approval,
    status: "succeeded",
    has_changes: changes.length > 0,
    summary: {
      ...emptyCounts(),
      add: count("create"),
      change: count("update"),
      destroy: count("delete"),
      replace: count("replace"),
      drift: fields.drifted?.length ?? 0,
      outputs_changed: fields.outputs_changed?.length ?? 0,
    },
    changes: [],
    drifted: [],
    outputs_changed: [],
    log_path: `.crossform/runs/20261124-105500-plan-7f3a/units/${stack}/${account}/${region}/log`,
    duration_ms: 4200,
    ...fields,
  };
}

/** A plan over the quickstart's four accounts and three stacks. */
export function quickstartLikeReport(): RunReport {
  const units: UnitReport[] = [
    unit("network", "dev", "us-east-1", {
      changes: [
        resource("terraform_data.network", "update", ["input"]),
        resource("terraform_data.flow_logs", "create", ["input"]),
      ],
    }),
    unit("app", "dev", "us-east-1", {
      changes: [resource("terraform_data.app", "update", ["input", "triggers_replace"])],
      outputs_changed: [
        { name: "instance_count", action: "update", before: 1, after: 2, sensitive: false },
        {
          name: "api_token",
          action: "update",
          before: "(sensitive)",
          after: "(sensitive)",
          sensitive: true,
        },
      ],
    }),
    unit("network", "staging", "us-east-1", {}),
    unit("app", "staging", "us-east-1", {
      drifted: [resource("terraform_data.app", "update", ["input"])],
    }),
    unit("network", "prod", "us-east-1", {
      changes: [
        resource("terraform_data.network", "replace", ["input"], ["triggers_replace"]),
        resource("terraform_data.legacy_peering", "delete"),
      ],
    }),
    unit("network", "prod", "eu-west-1", {}),
    unit("app", "prod", "us-east-1", {
      status: "failed",
      summary: undefined,
      error: {
        code: "terraform/plan-failed",
        message:
          'Error: Invalid reference\n\n  on main.tf line 3, in resource "terraform_data" "app":\n   3:   input = var.missing\n\nA reference to a variable that is not declared.',
        hint: 'declare variable "missing" in stacks/app',
      },
    }),
    unit("app", "prod", "eu-west-1", {
      changes: [resource("terraform_data.app", "create", ["input"])],
    }),
    unit("dns", "shared", "us-east-1", {}),
  ];
  return createRunReport({
    run: {
      id: "20261124-105500-plan-7f3a",
      command: "plan",
      started_at: "2026-11-24T10:55:00.000Z",
      finished_at: "2026-11-24T10:56:05.250Z",
      duration_ms: 65_250,
      user: "alice",
      git_commit: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
      terraform_version: "1.11.4",
      selection: { stacks: [], targets: [], all: true },
      interrupted: false,
    },
    units,
    waves: ["dev", "staging", "prod", "shared"].map((name, index) => ({
      index,
      name,
      status: "completed",
      tolerance: 0,
      canary_accounts: [],
      failed_accounts: [],
    })),
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "crossform-report-screenshot-"));
  const browser = await launchChromium();
  try {
    const page = join(dir, "report.html");
    await writeFile(page, formatRunHtml(quickstartLikeReport()));
    const tab = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await tab.goto(pathToFileURL(page).href);
    await tab.click(`button[data-unit="${OPEN_UNIT}"]`);
    await mkdir(dirname(out), { recursive: true });
    await tab.screenshot({ path: out, fullPage: true });
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
