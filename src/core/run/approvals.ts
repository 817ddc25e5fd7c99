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

/** Every account the units touch (a multi-account unit: each of its accounts), in config order. */
export function accountsTouched(config: Config, units: readonly Unit[]): string[] {
  const names = new Set(units.flatMap((u) => u.targets.map((t) => t.account)));
  return [...config.accounts.keys()].filter((name) => names.has(name));
}

/** Whether a typed answer names exactly `wanted` (comma-separated, in any order, spaces ignored). */
export function namesTyped(answer: string | undefined, wanted: readonly string[]): boolean {
  const typed = (answer ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .sort();
  return typed.join(",") === [...wanted].sort().join(",");
}

/** Accounts up to which the operator types their names; above, the number of units. */
export const MAX_TYPED_ACCOUNTS = 5;

/** The typed confirmation of a state-changing `crossform exec`. */
export interface ExecConfirmation {
  question: string;
  /** Whether the answer confirms. */
  confirms(answer: string | undefined): boolean;
}

/**
 * The question a state-changing `crossform exec` asks: the names of every account its units touch
 * (more than {@link MAX_TYPED_ACCOUNTS}: the number of units), never `yes`.
 */
export function execConfirmation(
  command: readonly string[],
  units: number,
  accounts: readonly string[],
): ExecConfirmation {
  const what = `terraform ${command.join(" ")} changes the state of ${units} unit${units === 1 ? "" : "s"}`;
  if (accounts.length > MAX_TYPED_ACCOUNTS) {
    return {
      question: `${what} in ${accounts.length} accounts: type the number of units (${units}) to confirm: `,
      confirms: (answer) => answer?.trim() === String(units),
    };
  }
  const s = accounts.length > 1;
  return {
    question: `${what} in account${s ? "s" : ""} ${accounts.join(", ")}: type ${s ? "their names, separated by commas," : "its name"} to confirm: `,
    confirms: (answer) => namesTyped(answer, accounts),
  };
}

/**
 * The problem with the approval of a state-changing `crossform exec`, or undefined. Every name
 * given to `--approve` must be an account; when no one can be asked, `--approve` must name every
 * account the units touch (there is no `--auto-approve` for a state change).
 */
export function execApprovalProblem(
  config: Config,
  units: readonly Unit[],
  approve: readonly string[],
  interactive: boolean,
): Diagnostic | undefined {
  const unknown = approve.find((name) => !config.accounts.has(name));
  if (unknown !== undefined) {
    return {
      severity: "error",
      code: "run/unknown-approval",
      message: `--approve names no account "${unknown}"`,
      hint: `accounts: ${[...config.accounts.keys()].join(", ")}`,
    };
  }
  if (interactive) return undefined;
  const missing = accountsTouched(config, units).filter((a) => !approve.includes(a));
  if (missing.length === 0) return undefined;
  return {
    severity: "error",
    code: "run/approval-required",
    message: `exec of a state-changing command in account${missing.length > 1 ? "s" : ""} ${missing.join(", ")} needs --approve ${missing.join(",")} when not interactive`,
    hint: "a state change is confirmed per account: name every account of the selected units with --approve, or run it in a terminal to type them",
  };
}
