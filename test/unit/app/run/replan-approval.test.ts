/**
 * The run's one approval and the units planned again during an apply
 * (docs/decisions/0029-one-approval-per-run.md), on the run harness's fake terraform: a re-plan
 * that stays within the approved plan (the same addresses, no new destroy or replace) is applied
 * without a question, in a terminal and in CI; one that goes beyond it is asked again showing
 * exactly the difference, or, when nobody can be asked, stops as `needs re-plan` unless
 * `--auto-approve` covers an ordinary account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import { exitCodeOf } from "../../../../src/core/exit-codes.ts";
import type { FakeReply } from "../../../helpers/fake-terraform-runner.ts";
import {
  APP_DEV,
  APP_PROD,
  NETWORK_DEV,
  NETWORK_PROD,
  WEB_DEV,
  harness,
  on,
  options,
  script,
  statuses,
  unit,
} from "../../../helpers/run-harness.ts";

/** One resource change of a plan: its address and Terraform's action list. */
interface Change {
  address: string;
  actions: string[];
  value?: string;
}

/** A `terraform show -json` reply holding these resource changes (`no-op` ones included). */
function show(...changes: Change[]): FakeReply {
  return {
    stdout: JSON.stringify({
      format_version: "1.2",
      terraform_version: "1.11.4",
      errored: false,
      resource_changes: changes.map((c) => {
        const [type, name] = c.address.split(".");
        const creates = c.actions.length === 1 && c.actions[0] === "create";
        const deletes = c.actions.length === 1 && c.actions[0] === "delete";
        return {
          address: c.address,
          mode: "managed",
          type,
          name,
          change: {
            actions: c.actions,
            before: creates ? null : { input: "old" },
            after: deletes ? null : { input: c.value ?? "new" },
            after_unknown: {},
            before_sensitive: false,
            after_sensitive: false,
            ...(c.actions.includes("delete") && !deletes ? { replace_paths: [["input"]] } : {}),
          },
        };
      }),
    }),
  };
}

const create = (address: string, value?: string): Change => ({
  address,
  actions: ["create"],
  ...(value ? { value } : {}),
});
const update = (address: string, value?: string): Change => ({
  address,
  actions: ["update"],
  ...(value ? { value } : {}),
});
const noop = (address: string): Change => ({ address, actions: ["no-op"] });

const APP = "terraform_data.app";
const EXTRA = "terraform_data.extra";

/** apply of prod, as CI runs it: --approve prod, nobody to ask. */
const ciProd = options({ command: "apply", targets: ["prod"], approve: ["prod"] });
/** apply of prod in a terminal. */
const terminalProd = options({ command: "apply", targets: ["prod"] });

describe(
  "the run's one approval covers re-planned units within the approved plan",
  {
    concurrency: true,
  },
  () => {
    test("CI: --approve prod covers a re-plan of the same resources with other values; one run applies everything", async () => {
      const h = await harness({
        script: script(
          on(APP_PROD, "show", show(create(APP, "v1")), 1),
          on(APP_PROD, "show", show(create(APP, "v2")), 2),
        ),
      });
      const result = await runCommand(h.deps, h.loaded, ciProd);
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD, APP_PROD]);
      assert.equal(h.runner.unitsOf("plan").filter((u) => u === APP_PROD).length, 2);
      const within = h.events.find(
        (e) => e.type === "message" && e.code === "run.replan-within-approval",
      );
      assert.ok(within && within.type === "message");
      assert.match(
        within.text,
        /app\/prod\/us-east-1 was planned again after network\/prod\/us-east-1 applied; its new plan stays within the approved one/,
      );
    });

    test("CI: a confirmed plan without changes covers an in-place update of a resource it held (unchanged addresses count as shown)", async () => {
      const h = await harness({
        script: script(
          on(APP_PROD, "plan", { exitCode: 0 }, 1),
          on(APP_PROD, "show", show(noop(APP)), 1),
          on(APP_PROD, "show", show(update(APP)), 2),
        ),
      });
      const result = await runCommand(h.deps, h.loaded, ciProd);
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD, APP_PROD]);
      assert.equal(unit(result, APP_PROD).summary?.change, 1);
    });

    test("a terminal: a re-plan within the approved plan asks nothing; the run asked once", async () => {
      const h = await harness({
        confirm: [true],
        script: on(APP_PROD, "show", show(create(APP, "v2")), 2),
      });
      const result = await runCommand(h.deps, h.loaded, terminalProd);
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.equal(h.confirms.length, 1);
      assert.deepEqual(h.confirms[0]?.approvalAccounts, ["prod"]);
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD, APP_PROD]);
    });

    test("a terminal: units blocked at the confirmation whose plans only create are covered by it (the quickstart's first apply asks once)", async () => {
      const h = await harness({
        confirm: [true],
        script: script(
          on(APP_PROD, "plan", { exitCode: 1, stderr: "Error: Unable to find remote state" }, 1),
          on(APP_DEV, "plan", { exitCode: 1, stderr: "Error: Unable to find remote state" }, 1),
        ),
      });
      const result = await runCommand(h.deps, h.loaded, options({ command: "apply", all: true }));
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.equal(h.confirms.length, 1);
      assert.deepEqual(Object.values(statuses(result)), Array(5).fill("succeeded"));
      // web was skipped behind the blocked app/dev: planned and applied too, unasked.
      assert.ok(h.runner.unitsOf("apply").includes(WEB_DEV));
    });
  },
);

describe("a re-plan beyond the approved plan needs a new approval", { concurrency: true }, () => {
  test("CI: a new resource address stops the unit as needs re-plan, naming it; --approve does not cover it", async () => {
    const h = await harness({
      script: on(APP_PROD, "show", show(create(APP), create(EXTRA)), 2),
    });
    const result = await runCommand(h.deps, h.loaded, ciProd);
    assert.equal(exitCodeOf(result.exit), 1);
    assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD]);
    const app = unit(result, APP_PROD);
    assert.equal(app.status, "needs-replan");
    assert.equal(
      app.reason,
      "its plan changed after its dependencies applied: it touches terraform_data.extra (create), not in the approved plan; --approve prod covers only a new plan within the approved one: review it and run apply again",
    );
  });

  test("CI: a replace the approved plan did not have stops the unit, even with --allow-destroy", async () => {
    const h = await harness({
      script: script(
        on(APP_PROD, "show", show(update(APP)), 1),
        on(APP_PROD, "show", show({ address: APP, actions: ["delete", "create"] }), 2),
      ),
    });
    const result = await runCommand(h.deps, h.loaded, { ...ciProd, allowDestroy: true });
    assert.equal(exitCodeOf(result.exit), 1);
    assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD]);
    assert.equal(unit(result, APP_PROD).status, "needs-replan");
    assert.match(
      unit(result, APP_PROD).reason ?? "",
      /^its plan changed after its dependencies applied: it destroys or replaces terraform_data\.app \(replace\);/,
    );
  });

  test("CI: --auto-approve covers a re-plan beyond the approval in an ordinary account", async () => {
    const h = await harness({
      script: on(APP_DEV, "show", show(create(APP), create(EXTRA)), 2),
    });
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"], autoApprove: true }),
    );
    assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
    assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV, APP_DEV, WEB_DEV]);
    assert.equal(unit(result, APP_DEV).summary?.add, 2);
  });

  test("a terminal: a new address is asked again with exactly that difference; declined, the unit needs a re-plan", async () => {
    const h = await harness({
      confirm: [true, false],
      script: on(APP_PROD, "show", show(create(APP, "v2"), create(EXTRA)), 2),
    });
    const result = await runCommand(h.deps, h.loaded, terminalProd);
    assert.equal(h.confirms.length, 2);
    const again = h.confirms[1];
    assert.equal(
      again?.reason,
      "app/prod/us-east-1 was planned again after network/prod/us-east-1 applied, and its new plan goes beyond the approved one",
    );
    assert.deepEqual(again?.excess, [
      { address: EXTRA, action: "create", reason: "not-shown", replacedBy: [] },
    ]);
    assert.deepEqual(again?.approvalAccounts, ["prod"]);
    assert.deepEqual(
      again?.plan.units.map((u) => u.id),
      [APP_PROD],
    );
    assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_PROD]);
    assert.equal(unit(result, APP_PROD).status, "needs-replan");
    assert.match(unit(result, APP_PROD).reason ?? "", /and was not approved: run apply again$/);
    assert.equal(exitCodeOf(result.exit), 1);
  });

  test("a terminal: a new destroy in an ordinary account is asked again (yes), then applied", async () => {
    const OLD = "terraform_data.old";
    const h = await harness({
      confirm: [true, true],
      script: script(
        on(APP_DEV, "show", show(update(APP), update(OLD)), 1),
        on(APP_DEV, "show", show(update(APP), { address: OLD, actions: ["delete"] }), 2),
      ),
    });
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"] }),
    );
    assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
    assert.equal(h.confirms.length, 2);
    assert.deepEqual(h.confirms[1]?.excess, [
      { address: OLD, action: "delete", reason: "new-destroy", replacedBy: [] },
    ]);
    assert.deepEqual(h.confirms[1]?.approvalAccounts, []);
    assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV, APP_DEV, WEB_DEV]);
    assert.equal(unit(result, APP_DEV).summary?.destroy, 1);
  });

  test("a terminal: a unit blocked at the confirmation whose plan changes an existing resource is asked", async () => {
    const h = await harness({
      confirm: [true, true],
      script: script(
        on(APP_PROD, "plan", { exitCode: 1, stderr: "Error: Unable to find remote state" }, 1),
        on(APP_PROD, "show", show(update(APP)), 1),
      ),
    });
    const result = await runCommand(h.deps, h.loaded, terminalProd);
    assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
    assert.equal(h.confirms.length, 2);
    assert.equal(
      h.confirms[1]?.reason,
      "app/prod/us-east-1 had no plan when the run was confirmed and was planned after network/prod/us-east-1 applied, and its new plan goes beyond the approved one",
    );
    assert.deepEqual(h.confirms[1]?.excess, [
      { address: APP, action: "update", reason: "not-shown", replacedBy: [] },
    ]);
  });
});
