/**
 * The report of `crossform adopt` (JSON shape version 1, docs/commands/adopt.md): per unit, where
 * its state came from, what the state is (lineage, serial, counts: never a value of it), which
 * accounts its resources name, and what happened. Also the exit decision.
 */
import type { ExitName } from "../exit-codes.ts";

/**
 * What happened to one unit: `would-adopt` (a dry run found nothing against it), `adopted` (copied
 * and read back the same), `already-adopted` (the unit's address holds this very state),
 * `refused` (a check said no: nothing was written), `failed` (AWS or the read-back failed).
 */
export type AdoptOutcome = "would-adopt" | "adopted" | "already-adopted" | "refused" | "failed";

/** What a state is, by the facts a copy is compared with. */
export interface AdoptStateFacts {
  lineage: string;
  serial: number;
  /** Resource blocks. */
  resources: number;
  /** Resource instances. */
  instances: number;
  terraform_version: string;
}

/** An account the state's resources name, with how many instances name it. */
export interface AdoptAccountCount {
  id: string;
  /** Its name in crossform.yaml, when it has one. */
  name?: string;
  instances: number;
}

/** A problem of one unit. */
export interface AdoptProblem {
  code: string;
  message: string;
  hint?: string;
}

/** One unit of the report. */
export interface AdoptUnitReport {
  unit: string;
  account: string;
  account_id: string;
  /** `s3://bucket/key` of the existing state. */
  from: string;
  /** How it was read: `the base identity`, `role arn:...`. */
  read_as: string;
  /** `s3://bucket/key` of the unit's state. */
  to: string;
  outcome: AdoptOutcome;
  /** The existing state, when it could be read. */
  state?: AdoptStateFacts;
  /** The accounts its resources name (the anti-migrate guard's evidence). */
  accounts: AdoptAccountCount[];
  /** Instances that name no account (no ARN, no account id): the guard cannot place them. */
  without_account_evidence: number;
  /** What the unit's address held before: nothing, this state, or another state. */
  destination?: "empty" | "same" | "other";
  /** The replaced state's copy in the run record (`--force`), relative to the config directory. */
  replaced_backup?: string;
  problems: AdoptProblem[];
}

/** The report of one adopt run. */
export interface AdoptReport {
  version: 1;
  run_id: string;
  /** Whether states were written (`--apply`); false for a dry run. */
  apply: boolean;
  force: boolean;
  units: AdoptUnitReport[];
}

/** The exit of an adopt run: `problems` when a unit was refused or failed, else `ok`. */
export function adoptExit(report: AdoptReport): ExitName {
  return report.units.some((u) => u.outcome === "refused" || u.outcome === "failed")
    ? "problems"
    : "ok";
}
