/**
 * Stage 2 of a run, the guards, and the approvals they check: no terraform and no AWS are
 * involved (the stage gets neither).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { destroyBreachOf, guardStage } from "../../../../src/app/run/guard-stage.ts";
import type { RunOptions } from "../../../../src/app/run/run-types.ts";
import { approvalAccountsOf, approvalProblem } from "../../../../src/core/run/approvals.ts";
import { FakeGitStatus } from "../../../helpers/fake-git-status.ts";
import {
  APP_DEV,
  APP_PROD,
  NETWORK_DEV,
  NETWORK_PROD,
  fixture,
  options,
} from "../../../helpers/run-harness.ts";

const apply = (overrides: Partial<RunOptions> = {}): RunOptions =>
  options({ command: "apply", all: true, autoApprove: true, approve: ["prod"], ...overrides });

/** The guard stage over every unit of a fresh fixture. */
async function guard(
  overrides: Partial<RunOptions>,
  setup: { git?: FakeGitStatus; interactive?: boolean; maxUnits?: number } = {},
) {
  const loaded = await fixture();
  if (setup.maxUnits !== undefined) loaded.config.guards.maxUnits = setup.maxUnits;
  const git = setup.git ?? new FakeGitStatus();
  const stopped = await guardStage(
    { git, ...(setup.interactive ? { confirm: async () => true } : {}) },
    loaded,
    loaded.units.units,
    options(overrides),
  );
  return { stopped, git, loaded };
}

describe("guard stage", { concurrency: true }, () => {
  test("read-only commands pass every guard without asking git", async () => {
    for (const command of ["plan", "drift", "output"] as const) {
      const { stopped, git } = await guard({ command }, { maxUnits: 1 });
      assert.equal(stopped, undefined, command);
      assert.deepEqual(git.asked, []);
    }
  });

  test("a non-interactive apply touching an approval account without --approve is bad input naming it", async () => {
    const { stopped } = await guard(apply({ approve: [] }));
    assert.equal(stopped?.exit, "bad-input");
    assert.equal(stopped?.diagnostics[0]?.code, "run/approval-required");
    assert.equal(
      stopped?.diagnostics[0]?.message,
      "apply of approval account prod needs --approve prod when not interactive",
    );
    assert.match(stopped?.diagnostics[0]?.hint ?? "", /--auto-approve never covers/);
  });

  test("--approve of the approval accounts still needs --auto-approve for the other units", async () => {
    const { stopped } = await guard(apply({ autoApprove: false }));
    assert.equal(stopped?.diagnostics[0]?.code, "run/confirmation-required");
    assert.match(
      stopped?.diagnostics[0]?.message ?? "",
      /apply needs --auto-approve when not interactive \(3 units without approval accounts/,
    );
  });

  test("--approve naming an unknown account is bad input, interactive or not", async () => {
    for (const interactive of [false, true]) {
      const { stopped } = await guard(apply({ approve: ["prdo"] }), { interactive });
      assert.equal(stopped?.exit, "bad-input");
      assert.equal(stopped?.diagnostics[0]?.code, "run/unknown-approval");
      assert.match(stopped?.diagnostics[0]?.message ?? "", /--approve names no account "prdo"/);
    }
  });

  test("interactive runs need no approval flags", async () => {
    const { stopped } = await guard(apply({ approve: [], autoApprove: false }), {
      interactive: true,
    });
    assert.equal(stopped, undefined);
  });

  test("more units than guards.max_units is refused (exit 1) for apply and destroy; --max-units lifts it", async () => {
    const { stopped } = await guard(apply(), { maxUnits: 3 });
    assert.equal(stopped?.exit, "problems");
    assert.equal(stopped?.diagnostics[0]?.code, "guard/max-units");
    assert.equal(
      stopped?.diagnostics[0]?.message,
      "the selection has 5 units, more than guards.max_units (3)",
    );
    assert.match(stopped?.diagnostics[0]?.hint ?? "", /--max-units 5/);
    const low = await guard(apply({ maxUnits: 4 }), { maxUnits: 3 });
    assert.match(low.stopped?.diagnostics[0]?.message ?? "", /more than --max-units 4/);
    assert.equal((await guard(apply({ maxUnits: 5 }), { maxUnits: 3 })).stopped, undefined);
    const destroy = await guard(apply({ command: "destroy", allowDestroy: true }), { maxUnits: 2 });
    assert.equal(destroy.stopped?.diagnostics[0]?.code, "guard/max-units");
  });

  test("apply of a dirty working tree names the files (exit 1); --allow-dirty does not ask git", async () => {
    const git = new FakeGitStatus();
    git.answer = {
      kind: "repository",
      changed: ["stacks/app/main.tf", "a", "b", "c", "d", "e", "f"],
    };
    const { stopped, loaded } = await guard(apply(), { git });
    assert.equal(stopped?.exit, "problems");
    assert.equal(stopped?.diagnostics[0]?.code, "guard/dirty-tree");
    assert.match(
      stopped?.diagnostics[0]?.message ?? "",
      /uncommitted changes \(stacks\/app\/main\.tf, a, b, c, d and 2 more\)/,
    );
    assert.match(stopped?.diagnostics[0]?.hint ?? "", /--allow-dirty/);
    assert.deepEqual(git.asked, [loaded.dir]);
    const allowed = await guard(apply({ allowDirty: true }), { git });
    assert.equal(allowed.stopped, undefined);
    assert.equal(git.asked.length, 1);
  });

  test("apply outside git needs --allow-dirty; destroy does not ask", async () => {
    const git = new FakeGitStatus();
    git.answer = { kind: "outside" };
    const { stopped } = await guard(apply(), { git });
    assert.equal(stopped?.diagnostics[0]?.code, "guard/not-in-git");
    assert.match(stopped?.diagnostics[0]?.message ?? "", /is not in a git repository/);
    const destroy = await guard(apply({ command: "destroy", allowDestroy: true }), { git });
    assert.equal(destroy.stopped, undefined);
    assert.equal(git.asked.length, 1);
  });

  test("approvalAccountsOf and approvalProblem, on their own", async () => {
    const loaded = await fixture();
    const units = loaded.units.units;
    const appProd = units.find((u) => u.id === APP_PROD);
    const appDev = units.find((u) => u.id === APP_DEV);
    assert.ok(appProd && appDev);
    assert.deepEqual(approvalAccountsOf(loaded.config, appProd), ["prod"]);
    assert.deepEqual(approvalAccountsOf(loaded.config, appDev), []);
    const flags = { command: "apply" as const, approve: [] as string[], autoApprove: true };
    assert.equal(approvalProblem(loaded.config, units, flags, true), undefined);
    assert.match(
      approvalProblem(loaded.config, [appProd], flags, false)?.message ?? "",
      /needs --approve prod/,
    );
    assert.equal(
      approvalProblem(loaded.config, [appProd], { ...flags, approve: ["prod"] }, false),
      undefined,
    );
    assert.match(
      approvalProblem(
        loaded.config,
        [appDev],
        { ...flags, approve: ["prod"], autoApprove: false },
        false,
      )?.message ?? "",
      /needs --auto-approve/,
    );
  });

  test("destroyBreachOf: one cap per unit, stricter in approval accounts, lifted by --allow-destroy, apply only", async () => {
    const loaded = await fixture();
    loaded.config.guards.maxDestroy = 2;
    const byId = (id: string) => loaded.units.units.find((u) => u.id === id)!;
    const counts = (destroy: number, replace = 0) => ({ destroy, replace });
    const run = options({ command: "apply" });
    assert.equal(destroyBreachOf(loaded.config, byId(NETWORK_DEV), counts(2), run), undefined);
    assert.deepEqual(destroyBreachOf(loaded.config, byId(NETWORK_DEV), counts(2, 1), run), {
      unitId: NETWORK_DEV,
      destroys: 3,
      cap: 2,
      approval: false,
    });
    assert.equal(destroyBreachOf(loaded.config, byId(NETWORK_PROD), counts(1), run)?.cap, 0);
    assert.equal(
      destroyBreachOf(loaded.config, byId(NETWORK_PROD), counts(1), { ...run, allowDestroy: true }),
      undefined,
    );
    assert.equal(
      destroyBreachOf(
        loaded.config,
        byId(NETWORK_PROD),
        counts(9),
        options({ command: "destroy" }),
      ),
      undefined,
    );
  });
});
