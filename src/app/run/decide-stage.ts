/**
 * Stage 6 of an apply or destroy, between its plan and its apply: apply, or stop with every
 * planned change recorded as not applied (docs/decisions/0012-run-engine.md). An apply stops when
 * any unit failed (or was interrupted) in its plan, when a plan breaks its destroy cap, or when the
 * operator does not confirm. Plain plan, drift and output runs have nothing to decide.
 */
import type { Diagnostic } from "../../core/errors.ts";
import { approvalAccountsOf } from "../../core/run/approvals.ts";
import { describeBreaches } from "../../core/run/guards.ts";
import type { DestroyCapBreach } from "../../core/run/guards.ts";
import { destroyBreachOf } from "./guard-stage.ts";
import type { RunSession } from "./session.ts";

/** What the run does after its plan. */
export type Decision = "apply" | "done";

/** Stage 6; see the module comment. */
export async function decideStage(session: RunSession): Promise<Decision> {
  const { options, units, ledger } = session;
  const command = options.command;
  if (command !== "apply" && command !== "destroy") return "done";
  if (session.signal.aborted) return "done";
  const failed = units.filter((u) => {
    const state = ledger.get(u.id)?.state;
    return state === "failed" || state === "interrupted";
  });
  if (failed.length > 0) {
    const n = failed.length;
    return refuse(session, `not applied: ${n} unit${n > 1 ? "s" : ""} failed to plan`, {
      severity: "error",
      code: "run/plan-failed",
      message: `${n} unit${n > 1 ? "s" : ""} failed to plan (${failed.map((u) => u.id).join(", ")}); nothing was applied`,
      hint: "fix the failures shown in the summary and run again",
    });
  }
  const breaches = destroyBreaches(session);
  if (breaches.length > 0) {
    const over = new Map(breaches.map((b) => [b.unitId, b]));
    return refuse(
      session,
      (unitId) => {
        const breach = over.get(unitId);
        return breach
          ? `refused by guards: destroys ${breach.destroys}, over its cap (--allow-destroy)`
          : "not applied: another unit's plan was refused by guards";
      },
      {
        severity: "error",
        code: "guard/max-destroy",
        message: `${command} refused by guards: ${describeBreaches(breaches)}; nothing was applied`,
        hint: "review the plan; pass --allow-destroy to apply these destroys, or raise guards.max_destroy / guards.max_destroy_approval in crossform.yaml",
      },
    );
  }
  const changing = units.filter((u) => {
    const record = ledger.get(u.id);
    return record?.planChanges === true || record?.state === "blocked";
  });
  if (changing.length === 0) return "done";
  const approvalAccounts = [
    ...new Set(changing.flatMap((u) => approvalAccountsOf(session.config, u))),
  ];
  const { confirm } = session.deps;
  if (!confirm || (await confirm({ command, plan: ledger.planReport(), approvalAccounts })))
    return "apply";
  return refuse(session, `${command} not confirmed: nothing applied`, {
    severity: "error",
    code: "run/not-confirmed",
    message: `${command} not confirmed; nothing was changed`,
  });
}

/** Every unit whose plan destroys more than its cap allows. */
function destroyBreaches(session: RunSession): DestroyCapBreach[] {
  const breaches: DestroyCapBreach[] = [];
  for (const unit of session.units) {
    const summary = session.runnerOf(unit.id)?.plan?.summary;
    if (!summary) continue;
    const breach = destroyBreachOf(session.config, unit, summary, session.options);
    if (breach) breaches.push(breach);
  }
  return breaches;
}

/** Records every planned change as not applied, with the reason, and the run's error. */
async function refuse(
  session: RunSession,
  reason: string | ((unitId: string) => string),
  diagnostic: Diagnostic,
): Promise<Decision> {
  session.diagnostics.push(diagnostic);
  for (const unit of session.units) {
    const record = session.ledger.get(unit.id);
    if (record?.state !== "planned" || !record.planChanges) continue;
    await session.ledger.record(unit.id, {
      event: "not-applied",
      reason: typeof reason === "string" ? reason : reason(unit.id),
    });
  }
  return "done";
}
