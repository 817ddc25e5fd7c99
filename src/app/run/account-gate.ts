/**
 * The preflight's verification of the accounts, as it goes on while units run
 * (docs/decisions/0032-units-start-as-early-as-safe.md): a unit starts once every account it
 * reaches (its own, the other accounts of a multi-account stack, its references) has been
 * verified, and never when one of them failed; the others do not wait for it.
 */
import type { Diagnostic } from "../../core/errors.ts";
import type { Config } from "../../core/config/model.ts";
import { accountsOfUnit } from "../../core/identity/verify-selection.ts";
import type { Unit } from "../../core/units/units.ts";
import type { AccountVerification, VerifyProblem, VerifyReport } from "../verify.ts";

/** Each account's verification, as it arrives. */
export class AccountGate {
  private readonly verdicts = new Map<string, Promise<AccountVerification | undefined>>();
  private readonly settle = new Map<string, (account: AccountVerification | undefined) => void>();
  private readonly config: Config;
  private abandoned: string | undefined;

  /** A gate over `accounts`: every one of them will be settled by {@link AccountGate.verified}. */
  constructor(config: Config, accounts: readonly string[]) {
    this.config = config;
    for (const name of accounts) {
      this.verdicts.set(
        name,
        new Promise((resolve) => {
          this.settle.set(name, resolve);
        }),
      );
    }
  }

  /** One account's verification is known. */
  verified(account: AccountVerification): void {
    this.settle.get(account.name)?.(account);
  }

  /** The verification ended without a verdict for every account: those left refuse their units. */
  abandon(reason: string): void {
    this.abandoned = reason;
    for (const settle of this.settle.values()) settle(undefined);
  }

  /**
   * Resolves once every account `unit` reaches is verified: undefined when all passed, else why
   * the unit may not run (the first of them that failed). An account outside the gate passes.
   */
  async refusal(unit: Unit): Promise<string | undefined> {
    for (const name of accountsOfUnit(this.config, unit)) {
      const verdict = this.verdicts.get(name);
      const account = await verdict;
      if (verdict !== undefined && account === undefined) {
        return `account ${name} could not be verified (${this.abandoned}); no terraform ran for this unit`;
      }
      if (account !== undefined && !account.ok) {
        const problem = firstProblem(account)?.message ?? "verification failed";
        return `account ${account.name} (${account.id}) failed verification: ${problem}; no terraform ran for this unit`;
      }
    }
    return undefined;
  }
}

/** The first problem an account's verification found. */
function firstProblem(account: AccountVerification): VerifyProblem | undefined {
  return (
    account.identity.problem ??
    account.state.flatMap((s) => s.checks).find((c) => c.problem)?.problem
  );
}

/** The accounts a run's units reach, in the order the units start: the first wave's first. */
export function accountsInRunOrder(config: Config, units: readonly Unit[]): string[] {
  const ordered = [...units].sort((a, b) => a.wave - b.wave);
  const names = new Set<string>();
  for (const unit of ordered) {
    for (const name of accountsOfUnit(config, unit)) names.add(name);
  }
  return [...names];
}

/**
 * The errors of a verification that failed: the base identity's problem, one line per failed
 * account (in the configuration's order), and what became of their units.
 */
export function verifyDiagnostics(
  config: Config,
  report: VerifyReport,
  outcome: string,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const problem = report.base.problem;
  if (problem) {
    diagnostics.push({
      severity: "error",
      code: problem.code,
      message: `base identity: ${problem.message}`,
      ...(problem.hint ? { hint: problem.hint } : {}),
    });
  }
  const order = [...config.accounts.keys()];
  const failed = report.accounts
    .filter((a) => !a.ok)
    .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (const account of failed) {
    const first = firstProblem(account);
    diagnostics.push({
      severity: "error",
      code: first?.code ?? "preflight/verify-failed",
      message: `account ${account.name} (${account.id}): ${first?.message ?? "verification failed"}`,
      ...(account.hint ? { hint: account.hint } : {}),
    });
  }
  diagnostics.push({
    severity: "error",
    code: "preflight/verify-failed",
    message: `preflight: not every selected account verified; ${outcome}`,
    hint: "`crossform verify` shows every check; fix the accounts above and run again",
  });
  return diagnostics;
}
