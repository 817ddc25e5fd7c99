import { createRunReport, emptyCounts } from "../../src/core/report/run-report.ts";
import type {
  ReportResourceChange,
  RunReport,
  UnitCounts,
  UnitReport,
} from "../../src/core/report/run-report.ts";
import type { UnitOutcome } from "../../src/formatters/run-html.ts";

const OUTCOMES: readonly UnitOutcome[] = [
  "changes",
  "no-change",
  "destroy",
  "drift",
  "failed",
  "blocked",
  "needs-replan",
  "interrupted",
  "not-run",
];

const STACKS = ["network", "app", "dns", "data", "edge"];
const TIERS = ["dev", "staging", "prod", "sandbox"];
const WAVES = ["canary", "dev", "staging", "prod-1", "prod-2"];

/** A generated report and the outcome the generator meant for each unit. */
export interface GeneratedRunReport {
  report: RunReport;
  /** Unit id -> outcome. */
  expected: Map<string, UnitOutcome>;
}

function resources(
  unit: string,
  action: ReportResourceChange["action"],
  n: number,
  from = 0,
): ReportResourceChange[] {
  return Array.from({ length: n }, (_, i) => ({
    address: `module.${unit.replace(/[^a-z0-9]/g, "_")}.terraform_data.item["${action}-${from + i}"]`,
    action,
    importing: false,
    attributes: action === "delete" ? [] : ["input", "triggers_replace"],
    replaced_by: action === "replace" ? ["triggers_replace"] : [],
  }));
}

/**
 * A plan report of `count` units (default 200) over 40 accounts in four tiers and five waves, five
 * stacks (some not deployed to some accounts, every sixth account in two regions), prod accounts
 * needing approval, and every outcome in turn: counts, resource lists, drift, output changes,
 * errors and reasons as the real report holds them. Deterministic.
 */
export function generatedRunReport(count = 200): GeneratedRunReport {
  const units: UnitReport[] = [];
  const expected = new Map<string, UnitOutcome>();
  let n = 0;
  for (let a = 0; units.length < count; a += 1) {
    const tier = TIERS[a % TIERS.length] as string;
    const account = `${tier}-${String(a).padStart(2, "0")}`;
    const accountId = String(100000000000 + a * 1111);
    const wave =
      tier === "dev" ? (a < 8 ? 0 : 1) : tier === "staging" ? 2 : tier === "prod" ? 3 + (a % 2) : 1;
    const regions = a % 6 === 0 ? ["us-east-1", "eu-west-1"] : ["us-east-1"];
    for (const region of regions) {
      STACKS.forEach((stack, s) => {
        if (units.length >= count || (a + s) % 7 === 3) return;
        const id = `${stack}/${account}/${region}`;
        const outcome = OUTCOMES[(n * 4 + a) % OUTCOMES.length] as UnitOutcome;
        n += 1;
        const base: UnitReport = {
          id,
          stack,
          account,
          account_id: accountId,
          tier,
          region,
          wave,
          approval: tier === "prod",
          status: "succeeded",
          has_changes: false,
          changes: [],
          drifted: [],
          outputs_changed: [],
          log_path: `.crossform/runs/20261201-120000-plan-big/units/${id}/log`,
          duration_ms: 1000 + n * 37,
        };
        const summary = (c: Partial<UnitCounts>): UnitCounts => ({ ...emptyCounts(), ...c });
        let unit: UnitReport;
        switch (outcome) {
          case "no-change":
            unit = { ...base, summary: summary({}) };
            break;
          case "changes": {
            const add = 1 + (n % 4);
            const change = n % 3;
            unit = {
              ...base,
              has_changes: true,
              summary: summary({ add, change, outputs_changed: 1 }),
              changes: [...resources(id, "create", add), ...resources(id, "update", change)],
              outputs_changed: [
                {
                  name: "endpoint",
                  action: "update",
                  before: `a-${n}`,
                  after: `b-${n}`,
                  sensitive: false,
                },
              ],
            };
            break;
          }
          case "destroy": {
            const destroy = n % 3;
            const replace = 1 + (n % 2);
            const add = n % 2;
            unit = {
              ...base,
              has_changes: true,
              summary: summary({ add, destroy, replace }),
              changes: [
                ...resources(id, "create", add),
                ...resources(id, "delete", destroy),
                ...resources(id, "replace", replace),
              ],
            };
            break;
          }
          case "drift":
            unit = {
              ...base,
              summary: summary({ drift: 2 }),
              drifted: resources(id, "update", 2, 100),
            };
            break;
          case "failed":
            unit = {
              ...base,
              status: "failed",
              ...(n % 2 === 0
                ? { summary: summary({ add: 1 }), changes: resources(id, "create", 1) }
                : {}),
              error: {
                code: "terraform/plan-failed",
                message: `Error: Invalid reference\n\n  on main.tf line ${n}:\n  input = var.missing <"${n}"> & </script>\n`,
                hint: "declare the variable",
              },
            };
            break;
          case "blocked":
            unit = {
              ...base,
              status: "blocked",
              reason: `network/${account}/${region} has no state yet`,
            };
            break;
          case "needs-replan":
            unit = { ...base, status: "needs-replan", reason: "the saved plan is stale: re-plan" };
            break;
          case "interrupted":
            unit = { ...base, status: "interrupted", reason: "interrupted while planning" };
            break;
          case "not-run":
            unit =
              n % 2 === 0
                ? {
                    ...base,
                    status: "skipped",
                    reason: `dependency network/${account}/${region} failed`,
                  }
                : { ...base, status: "not-started", reason: "the run was interrupted" };
            break;
        }
        units.push(unit);
        expected.set(id, outcome);
      });
    }
  }
  const report = createRunReport({
    run: {
      id: "20261201-120000-plan-big",
      command: "plan",
      started_at: "2026-12-01T12:00:00.000Z",
      finished_at: "2026-12-01T12:14:03.500Z",
      duration_ms: 843_500,
      user: "ci",
      git_commit: "0123456789abcdef0123456789abcdef01234567",
      terraform_version: "1.11.4",
      selection: { stacks: [], targets: ["tier:dev,tier:prod"], all: false },
      interrupted: true,
    },
    units,
    waves: WAVES.map((name, index) => ({
      index,
      name,
      status: index < 3 ? "completed" : "interrupted",
      tolerance: index === 0 ? 1 : 0,
      canary_accounts: index === 3 ? ["prod-02"] : [],
      failed_accounts: [],
    })),
  });
  return { report, expected };
}
