/**
 * Approvals of an apply or destroy (docs/contract.md, "Flags"): which approval accounts a unit
 * touches, and whether the flags of a non-interactive run cover the selected units.
 */
import type { Config } from "../config/model.ts";
import type { Diagnostic } from "../errors.ts";
import type { Unit } from "../units/units.ts";

/** The approval accounts (`approval: required`) a unit touches. */
export function approvalAccountsOf(config: Config, unit: Unit): string[] {
  const names = new Set(unit.targets.map((t) => t.account));
  return [...names].filter((n) => config.accounts.get(n)?.approval === true);
}

/** What the operator said about approvals. */
export interface ApprovalFlags {
  command: "apply" | "destroy";
  /** `--approve`: approval accounts approved. */
  approve: readonly string[];
  /** `--auto-approve`: never covers approval accounts. */
  autoApprove: boolean;
}

/**
 * The problem with the approvals of a run, or undefined. Every name given to `--approve` must be
 * an account. Non-interactive, every approval account selected must be named by `--approve`, and
 * the other units need `--auto-approve`; interactive runs ask instead.
 */
export function approvalProblem(
  config: Config,
  units: readonly Unit[],
  flags: ApprovalFlags,
  interactive: boolean,
): Diagnostic | undefined {
  const problem = (code: string, message: string, hint: string): Diagnostic => ({
    severity: "error",
    code,
    message,
    hint,
  });
  for (const name of flags.approve) {
    if (!config.accounts.has(name)) {
      return problem(
        "run/unknown-approval",
        `--approve names no account "${name}"`,
        `accounts: ${[...config.accounts.keys()].join(", ")}`,
      );
    }
  }
  if (interactive) return undefined;
  const approval = [...new Set(units.flatMap((u) => approvalAccountsOf(config, u)))];
  const missing = approval.filter((a) => !flags.approve.includes(a));
  if (missing.length > 0) {
    const s = missing.length > 1 ? "s" : "";
    return problem(
      "run/approval-required",
      `${flags.command} of approval account${s} ${missing.join(", ")} needs --approve ${missing.join(",")} when not interactive`,
      "--auto-approve never covers accounts with approval: required; name them with --approve",
    );
  }
  const others = units.filter((u) => approvalAccountsOf(config, u).length === 0);
  if (others.length > 0 && !flags.autoApprove) {
    const s = others.length > 1 ? "s" : "";
    return problem(
      "run/confirmation-required",
      `${flags.command} needs --auto-approve when not interactive (${others.length} unit${s} without approval accounts selected)`,
      "run it in a terminal to confirm, or pass --auto-approve (and --approve for approval accounts)",
    );
  }
  return undefined;
}
