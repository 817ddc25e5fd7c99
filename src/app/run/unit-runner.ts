/**
 * One unit's runner: its plan, apply, apply of a saved plan, or output, through the terraform steps
 * of `unit-steps.ts`. It owns what the unit left behind (its workspace, its confirmed plan, the
 * progress label) and records every change of the unit's state in the ledger as it happens,
 * awaiting the journal before the unit's next step.
 */
import { join } from "node:path";
import type { PlanSummary } from "../../core/plan/plan-summary.ts";
import { countsOfSummary } from "../../core/report/run-report.ts";
import type { UnitReport } from "../../core/report/run-report.ts";
import { describeBreaches } from "../../core/run/guards.ts";
import { lastLines } from "../../core/run/terraform-failure.ts";
import type { UnitEvent, UnitStep } from "../../core/run/ledger.ts";
import type { TaskControl } from "../../core/run/scheduler.ts";
import type { ExecuteOutcome } from "../../core/run/task-outcome.ts";
import type { Unit } from "../../core/units/units.ts";
import type { UnitWorkspace } from "../../ports/terraform-runner.ts";
import type { ExecRequest } from "../../core/run/exec-request.ts";
import { attachUnit, execUnit, learnStateSecrets } from "./exec-steps.ts";
import type { ExecResult } from "./exec-steps.ts";
import { destroyBreachOf } from "./guard-stage.ts";
import { approveReplan, approveUnreviewed } from "./replan-approval.ts";
import { samePlan, stateChange } from "../../core/run/reviewed-plan.ts";
import type { StateVersion } from "../../core/run/reviewed-plan.ts";
import type { FetchedReviewedPlan, ReviewedPlans } from "./reviewed-plans.ts";
import { unitInputsSha256 } from "./unit-inputs.ts";
import { loadBinding, unitRecordDir } from "./run-records.ts";
import type { RunSession } from "./session.ts";
import {
  applyPlan,
  bindingProblem,
  init,
  isFailure,
  learnSavedPlanSecrets,
  outputUnit,
  planUnit,
  prepare,
} from "./unit-steps.ts";
import type { PlannedUnit, StepFailure } from "./unit-steps.ts";

/** A plan run's record of a unit, as `apply --run` reads it. */
export interface SavedUnit {
  runId: string;
  report: UnitReport | undefined;
  /** Whether a dependency of the unit had changes in that run (its plan is then stale). */
  changedDependency: string | undefined;
}

/**
 * A step that ended badly: its ledger event, and the scheduler's outcome (a stale plan halts its
 * wave like a failure).
 */
function failureOf(failure: StepFailure): { event: UnitEvent; outcome: ExecuteOutcome } {
  switch (failure.kind) {
    case "failed":
      return {
        event: { event: "failed", error: failure.message },
        outcome: { status: "failed", error: failure.message },
      };
    case "blocked":
    case "interrupted":
      return {
        event: { event: failure.kind, reason: failure.reason },
        outcome: { status: failure.kind, reason: failure.reason },
      };
    case "stale":
      return {
        event: { event: "needs-replan", reason: failure.reason },
        outcome: { status: "failed", error: failure.reason },
      };
  }
}

/** The progress label of a plan's counts. */
function countsLabel(summary: PlanSummary, command: string): string {
  if (command === "drift")
    return summary.drift > 0 || summary.outputsChanged > 0
      ? `drift: ${summary.drift} resources, ${summary.outputsChanged} outputs`
      : "no drift";
  const parts = [`+${summary.add}`, `~${summary.change}`, `-${summary.destroy}`];
  if (summary.replace > 0) parts.push(`±${summary.replace}`);
  return parts.join(" ");
}

/** Runs one unit's steps and records them; see the module comment. */
export class UnitRunner {
  readonly unit: Unit;
  private readonly session: RunSession;
  private workspace: UnitWorkspace | undefined;
  /** The plan the operator confirmed (or the last one made). */
  private planned: PlannedUnit | undefined;
  /** Whether the unit's last init was skipped because its data directory was current. */
  private initSkipped = false;
  /** The progress detail of its last step's success. */
  label: string | undefined;
  /** `crossform exec`: how the operator's command ended, once it ran. */
  execResult: ExecResult | undefined;

  constructor(session: RunSession, unit: Unit) {
    this.session = session;
    this.unit = unit;
  }

  /** The unit's record directory in this run. */
  private get dir(): string {
    const { loaded, runId } = this.session;
    return unitRecordDir(loaded.dir, runId, this.unit.id);
  }

  private get log(): string {
    return join(this.dir, "log");
  }

  /** The plan the unit holds now (the confirmed one until a re-plan). */
  get plan(): PlannedUnit | undefined {
    return this.planned;
  }

  /**
   * The plan phase: init, then plan (or, for `output`, read the outputs). With `store`
   * (`plan --store-plans`), a plan with changes is stored for `apply --reviewed-plans`, with the
   * state's version read before the plan.
   */
  planPhase(control?: TaskControl, store?: ReviewedPlans): Promise<ExecuteOutcome> {
    const step: UnitStep = this.session.options.command === "output" ? "output" : "plan";
    return this.step(step, async () => {
      const workspace = await this.initialised();
      if (isFailure(workspace)) return this.fail(workspace);
      // The shared plugin cache holds this provider set now: the others of the set may init.
      control?.groupReady();
      if (step === "output") return this.readOutputs(workspace);
      const state = store ? await store.stateVersion(this.unit) : undefined;
      const planned = await this.planInitialised(workspace);
      if (isFailure(planned)) return this.fail(planned);
      if (store && state && planned.hasChanges) await this.storeReviewed(store, workspace, state);
      return { status: "succeeded", changes: planned.hasChanges };
    });
  }

  /** Stores the plan just made for `apply --reviewed-plans`, bound to the unit's inputs. */
  private async storeReviewed(
    store: ReviewedPlans,
    workspace: UnitWorkspace,
    state: StateVersion,
  ): Promise<void> {
    const { session } = this;
    const tree = await unitInputsSha256(session.deps, this.unit, workspace.realStackDir);
    const commit = session.ledger.header.git_commit;
    const where = await store.store(this.unit, this.dir, {
      version: 1,
      unit: this.unit.id,
      run_id: session.runId,
      ...(commit !== undefined ? { commit } : {}),
      inputs_tree_sha256: tree,
      state,
      planned_at: new Date(session.deps.clock.now()).toISOString(),
    });
    this.label = `${this.label ?? ""}; stored for apply --reviewed-plans in ${where}`;
  }

  /**
   * `apply --reviewed-plans`: the plan stored for the unit's inputs at this commit, applied when it
   * still holds (the same inputs, flags and terraform, its state unchanged, no dependency applied
   * in this run); otherwise the unit is planned again, and a new plan with changes needs approval
   * again, saying why.
   */
  applyReviewed(store: ReviewedPlans, control?: TaskControl): Promise<ExecuteOutcome> {
    return this.step("apply", async () => {
      const { session } = this;
      const workspace = await this.initialised();
      if (isFailure(workspace)) return this.fail(workspace);
      control?.groupReady();
      const tree = await unitInputsSha256(session.deps, this.unit, workspace.realStackDir);
      const fetched = await store.fetch(this.unit, tree, join(this.dir, "reviewed"));
      const why = await this.reviewedProblem(store, workspace, tree, fetched);
      if (why === undefined && fetched) {
        await this.keepSavedSummary(workspace, fetched.dir);
        const refused = this.planned ? this.destroyRefusal(this.planned.summary) : undefined;
        if (refused) return this.fail(refused);
        const planFile = join(fetched.dir, "plan.tfplan");
        await learnSavedPlanSecrets(session.ctx, workspace, planFile, this.log);
        const outcome = await this.applyPlanned(undefined, planFile, workspace);
        if (outcome.status !== "succeeded") return outcome;
        await store.discard(this.unit, tree);
        const commit = fetched.record.commit?.slice(0, 12);
        this.label = `applied the plan reviewed${commit ? ` at ${commit}` : ""} (run ${fetched.record.run_id})`;
        return outcome;
      }
      const reason = why ?? "no reviewed plan";
      const reviewedSummary = fetched ? await this.savedSummary(fetched.dir) : undefined;
      const replanned = await this.planInitialised(workspace);
      if (isFailure(replanned)) return this.fail(replanned);
      if (!replanned.hasChanges) {
        this.label = `${reason}; planned again: no changes`;
        return this.applied(false);
      }
      // The new plan does exactly what was reviewed (resources, actions, values): it may go.
      const same = reviewedSummary !== undefined && samePlan(reviewedSummary, replanned.summary);
      if (same || (await approveUnreviewed(session, this, reason))) {
        const outcome = await this.applyPlanned(replanned, replanned.planFile);
        if (same && outcome.status === "succeeded") {
          await store.discard(this.unit, tree);
          this.label = `${reason}; planned again, the same as reviewed: applied`;
        }
        return outcome;
      }
      return this.fail({
        kind: "stale",
        reason: `not applied: ${reason}; planned again (${countsLabel(replanned.summary, "plan")}), and that plan needs approval again: review it, then apply without --reviewed-plans`,
      });
    });
  }

  /** Why the fetched reviewed plan may not be applied, or undefined when it holds. */
  private async reviewedProblem(
    store: ReviewedPlans,
    workspace: UnitWorkspace,
    tree: string,
    fetched: FetchedReviewedPlan | undefined,
  ): Promise<string | undefined> {
    const { session } = this;
    const commit = session.ledger.header.git_commit?.slice(0, 12);
    if (!fetched) {
      return `no plan was reviewed for this unit's code${commit ? ` at ${commit}` : ""} (inputs ${tree.slice(0, 12)}): the pull request's plan was made for other code, had no changes, or was not stored`;
    }
    const changed = this.unit.dependsOn.find((d) => session.ledger.get(d)?.appliedChanges === true);
    if (changed) return `its dependency ${changed} applied changes in this run`;
    const binding = await bindingProblem(session.ctx, this.unit, workspace, fetched.dir);
    if (binding) return `the reviewed plan does not hold: ${binding}`;
    return stateChange(fetched.record.state, await store.stateVersion(this.unit));
  }

  /**
   * The apply (or destroy) after the confirmed plan: a unit whose dependency applied changes in
   * this run (or that was blocked) is planned again first, and a plan that goes beyond the
   * confirmed one needs approval again (replan-approval.ts).
   */
  applyPhase(): Promise<ExecuteOutcome> {
    return this.step("apply", async () => {
      const { session } = this;
      const before = this.planned;
      const dependencyChanged = this.unit.dependsOn.some(
        (d) => session.ledger.get(d)?.appliedChanges === true,
      );
      let planned = before;
      if (!planned || (session.planMode === "normal" && dependencyChanged)) {
        const workspace = await this.initialised();
        if (isFailure(workspace)) return this.fail(workspace);
        const replanned = await this.planInitialised(workspace);
        if (isFailure(replanned)) return this.fail(replanned);
        if (replanned.hasChanges) {
          const approval = await approveReplan(session, this, before, replanned);
          if (!approval.approved) return this.fail({ kind: "stale", reason: approval.reason });
        }
        planned = replanned;
      }
      return this.applyPlanned(planned, planned.planFile);
    });
  }

  /** `apply --run <id>`: applies the unit's saved plan of that run when its binding holds. */
  applySaved(saved: SavedUnit): Promise<ExecuteOutcome> {
    return this.step("apply", async () => {
      const { report, runId, changedDependency } = saved;
      if (!report) return this.fail({ kind: "stale", reason: `unit not planned in run ${runId}` });
      if (report.status !== "succeeded") {
        const what = report.status === "blocked" ? "was blocked" : "did not succeed";
        return this.fail({ kind: "stale", reason: `its plan in run ${runId} ${what}: re-plan` });
      }
      if (!report.has_changes) return this.applied(false);
      const counts = {
        destroy: report.summary?.destroy ?? 0,
        replace: report.summary?.replace ?? 0,
      };
      const refused = this.destroyRefusal(counts);
      if (refused) return this.fail(refused);
      if (changedDependency) {
        const reason = `its dependency ${changedDependency} had changes in run ${runId}: re-plan after it applies`;
        return this.fail({ kind: "stale", reason });
      }
      const workspace = await prepare(this.session.ctx, this.unit);
      this.workspace = workspace;
      const savedDir = unitRecordDir(this.session.loaded.dir, saved.runId, this.unit.id);
      const problem = await bindingProblem(this.session.ctx, this.unit, workspace, savedDir);
      if (problem) return this.fail({ kind: "stale", reason: `saved plan refused: ${problem}` });
      await this.keepSavedSummary(workspace, savedDir);
      const initialised = await init(this.session.ctx, workspace, this.log);
      if (isFailure(initialised)) return this.fail(initialised);
      const planFile = join(savedDir, "plan.tfplan");
      await learnSavedPlanSecrets(this.session.ctx, workspace, planFile, this.log);
      const outcome = await this.applyPlanned(undefined, planFile, workspace);
      if (outcome.status === "succeeded") this.label = "applied the saved plan";
      return outcome;
    });
  }

  /**
   * `crossform exec`: the operator's terraform command in the initialised unit (attached to the
   * terminal for an interactive subcommand), its exit code journaled; any exit but 0 fails the unit.
   */
  exec(request: ExecRequest, control?: TaskControl): Promise<ExecuteOutcome> {
    return this.step("exec", async () => {
      const workspace = await this.initialised();
      if (isFailure(workspace)) return this.fail(workspace);
      control?.groupReady();
      const { session } = this;
      const { ctx } = session;
      if (request.printsValues) await learnStateSecrets(ctx, workspace, this.log);
      const output = session.deps.execOutput;
      const result =
        request.kind === "interactive"
          ? await attachUnit(ctx, this.unit, workspace, request, this.log)
          : await execUnit(
              ctx,
              this.unit,
              workspace,
              request,
              this.log,
              output ? (text) => output.line(this.unit.id, text) : undefined,
            );
      this.execResult = result;
      const name = `terraform ${request.subcommand.join(" ")}`;
      const ended =
        result.exitCode === null ? "was ended by a signal" : `exited ${result.exitCode}`;
      const tail = lastLines(result.stderr);
      const error =
        result.exitCode === 0
          ? undefined
          : session.secrets.text(`${name} ${ended}${tail !== "" ? `:\n${tail}` : ""}`);
      await session.ledger.record(this.unit.id, {
        event: "executed",
        exit: result.exitCode,
        ...(error !== undefined ? { error } : {}),
      });
      this.label = `exit ${result.exitCode ?? "by a signal"}`;
      if (result.interrupted) {
        const reason = `interrupted while ${name} ran`;
        await session.ledger.record(this.unit.id, { event: "interrupted", reason });
        return { status: "interrupted", reason };
      }
      return error === undefined
        ? { status: "succeeded", changes: false }
        : { status: "failed", error };
    });
  }

  /** Records the start of a step, runs it, and turns an unexpected error into a failure. */
  private async step(name: UnitStep, body: () => Promise<ExecuteOutcome>): Promise<ExecuteOutcome> {
    await this.session.ledger.record(this.unit.id, { event: "started", step: name });
    const refusal =
      this.session.refused.get(this.unit.id) ??
      (await this.session.verification.gate.refusal(this.unit));
    if (refusal !== undefined) return this.fail({ kind: "failed", message: refusal });
    try {
      await this.session.deps.writer.ensureDirectory(this.dir, 0o700);
      return await body();
    } catch (error) {
      return this.fail({
        kind: "failed",
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The unit's workspace, prepared and initialised for its backend (or found initialised). */
  private async initialised(
    options: { force?: boolean } = {},
  ): Promise<UnitWorkspace | StepFailure> {
    const { ctx } = this.session;
    this.workspace ??= await prepare(ctx, this.unit);
    const done = await init(ctx, this.workspace, this.log, options);
    if (isFailure(done)) return done;
    this.initSkipped = done.kind === "current";
    return this.workspace;
  }

  /**
   * {@link makePlan}; when the init was skipped by its fingerprint and terraform still asks for
   * one (a module call added since), the unit is initialised and planned again, once.
   */
  private async planInitialised(workspace: UnitWorkspace): Promise<PlannedUnit | StepFailure> {
    const planned = await this.makePlan(workspace);
    if (!isFailure(planned) || planned.kind !== "failed" || planned.needsInit !== true) {
      return planned;
    }
    if (!this.initSkipped) return planned;
    const again = await this.initialised({ force: true });
    if (isFailure(again)) return again;
    return this.makePlan(again);
  }

  /** Plans into the record, keeps the summary and records `planned`. */
  private async makePlan(workspace: UnitWorkspace): Promise<PlannedUnit | StepFailure> {
    const { session } = this;
    const planned = await planUnit(session.ctx, this.unit, workspace, this.dir, session.planMode);
    if (isFailure(planned)) return planned;
    this.planned = planned;
    this.label = countsLabel(planned.summary, session.options.command);
    session.ledger.setSummary(this.unit.id, planned.summary);
    await session.ledger.record(this.unit.id, {
      event: "planned",
      has_changes: planned.hasChanges,
      counts: countsOfSummary(planned.summary),
    });
    return planned;
  }

  private async readOutputs(workspace: UnitWorkspace): Promise<ExecuteOutcome> {
    const outputs = await outputUnit(this.session.ctx, workspace, this.log);
    if (isFailure(outputs)) return this.fail(outputs);
    this.session.ledger.setOutputs(this.unit.id, outputs);
    this.label = `${outputs.length} outputs`;
    await this.session.ledger.record(this.unit.id, {
      event: "outputs-read",
      count: outputs.length,
    });
    return { status: "succeeded", changes: false };
  }

  /** Applies a plan file: the destroy cap first, `applying` durably journaled, then terraform. */
  private async applyPlanned(
    planned: PlannedUnit | undefined,
    planFile: string,
    workspace = planned?.workspace,
  ): Promise<ExecuteOutcome> {
    if (planned && !planned.hasChanges) return this.applied(false);
    if (planned) {
      const refused = this.destroyRefusal(planned.summary);
      if (refused) return this.fail(refused);
    }
    await this.session.ledger.record(this.unit.id, { event: "applying" }, { durable: true });
    const failure = await applyPlan(
      this.session.ctx,
      workspace as UnitWorkspace,
      planFile,
      this.log,
    );
    if (failure) return this.fail(failure);
    return this.applied(true);
  }

  private async applied(changes: boolean): Promise<ExecuteOutcome> {
    await this.session.ledger.record(this.unit.id, { event: "applied", changes });
    return { status: "succeeded", changes };
  }

  /** The destroy cap's refusal of this unit's plan, or undefined. */
  private destroyRefusal(counts: { destroy: number; replace: number }): StepFailure | undefined {
    const { session } = this;
    const breach = destroyBreachOf(session.config, this.unit, counts, session.options);
    if (!breach) return undefined;
    return {
      kind: "failed",
      message: `refused by guards: ${describeBreaches([breach])}; pass --allow-destroy to apply it`,
    };
  }

  /** The summary kept in a saved plan's directory, or undefined when it cannot be read. */
  private async savedSummary(dir: string): Promise<PlanSummary | undefined> {
    const { fs } = this.session.deps;
    try {
      return JSON.parse(await fs.readText(join(dir, "summary.json"))) as PlanSummary;
    } catch {
      return undefined;
    }
  }

  /** The saved plan's summary (already redacted) is what an apply of it applies. */
  private async keepSavedSummary(workspace: UnitWorkspace, savedDir: string): Promise<void> {
    const { fs } = this.session.deps;
    const binding = await loadBinding(fs, savedDir);
    const summaryFile = join(savedDir, "summary.json");
    if (!binding || !(await fs.exists(summaryFile))) return;
    const summary = JSON.parse(await fs.readText(summaryFile)) as PlanSummary;
    this.planned = {
      workspace,
      planFile: join(savedDir, "plan.tfplan"),
      summary,
      hasChanges: true,
      binding,
    };
    this.session.ledger.setSummary(this.unit.id, summary);
    await this.session.ledger.record(this.unit.id, {
      event: "planned",
      has_changes: true,
      counts: countsOfSummary(summary),
    });
  }

  /**
   * Records a failure and returns the scheduler's outcome, its text redacted of the run's secrets
   * (it goes to the progress lines, the journal and the reports).
   */
  private async fail(failure: StepFailure): Promise<ExecuteOutcome> {
    const { event, outcome } = failureOf(this.session.secrets.value(failure));
    await this.session.ledger.record(this.unit.id, event);
    return outcome;
  }
}
