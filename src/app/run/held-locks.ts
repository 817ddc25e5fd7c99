/**
 * After a kill (docs/contract.md section 7), and after a crash found by the next run: the state locks
 * a terraform that was killed (or is gone) may still hold, each with its lock id (read from the
 * lock itself), the unit's data directory and the exact `terraform force-unlock` command.
 * crossform never unlocks: the operator decides, once nothing else works on that state.
 */
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { Unit } from "../../core/units/units.ts";
import type { AwsSessions } from "../../ports/aws.ts";
import type { UnitWorkspace } from "../../ports/terraform-runner.ts";
import { stateTarget } from "../state-session.ts";
import { unitShellCommand } from "./unit-commands.ts";
import type { RunningChild } from "./unit-steps.ts";

/** Subcommands that take the state lock. */
const LOCKING_COMMANDS = new Set(["plan", "apply", "refresh", "import", "state"]);

/** Terraform's lock info, as its S3 and DynamoDB locks store it. */
interface LockInfo {
  ID?: string;
  Operation?: string;
  Who?: string;
  Created?: string;
}

/** A terraform process that may hold its unit's state lock, and how it came to. */
export interface LockSuspect {
  unit: Unit;
  /** The terraform subcommand it ran. */
  command: string;
  /** Where it ran: the force-unlock command runs there. */
  workspace: Pick<UnitWorkspace, "stackDir" | "dataDir">;
  /** What happened to it, after the unit id: `terraform apply was killed`. */
  what: string;
}

/**
 * One warning per killed child that may hold its unit's state lock (`held`), and a line for each
 * lock found released (`released`).
 */
export async function heldLockDiagnostics(
  aws: AwsSessions,
  config: Config,
  units: readonly Unit[],
  killed: readonly RunningChild[],
  user: string,
): Promise<{ held: Diagnostic[]; released: string[] }> {
  const suspects: LockSuspect[] = [];
  for (const child of killed) {
    const unit = units.find((u) => u.id === child.unitId);
    if (!unit) continue;
    suspects.push({
      unit,
      command: child.command,
      workspace: child.workspace,
      what: `terraform ${child.command} was killed`,
    });
  }
  return lockFindings(aws, config, suspects, user);
}

/**
 * For each suspect whose command takes the state lock (once per unit): the lock read from its
 * object, as a warning with the exact force-unlock command when it is held, or a line saying it is
 * released. A lock that cannot be read counts as possibly held.
 */
export async function lockFindings(
  aws: AwsSessions,
  config: Config,
  suspects: readonly LockSuspect[],
  user: string,
): Promise<{ held: Diagnostic[]; released: string[] }> {
  const diagnostics: Diagnostic[] = [];
  const released: string[] = [];
  const seen = new Set<string>();
  for (const suspect of suspects) {
    const { unit } = suspect;
    if (!LOCKING_COMMANDS.has(suspect.command) || seen.has(unit.id)) continue;
    seen.add(unit.id);
    const address = unit.state;
    const unlock = (id: string): string =>
      unitShellCommand(
        suspect.workspace,
        ["force-unlock", "-force", id],
        config.base.profile,
        config.terraform.binary,
      );
    const where = `${unit.id}: ${suspect.what}`;
    if (address.lock.kind === "dynamodb") {
      diagnostics.push({
        severity: "warning",
        code: "run/lock-possibly-held",
        message: `${where} and may hold its state lock: item LockID=${address.bucket}/${address.key} of DynamoDB table ${address.lock.table} (account ${address.accountName}); its Info holds the lock id; data dir ${suspect.workspace.dataDir}`,
        hint: `once nothing else runs on this state: ${unlock("<lock id>")}`,
      });
      continue;
    }
    const lockKey = `${address.key}.tflock`;
    const object = `s3://${address.bucket}/${lockKey}`;
    let info: LockInfo | undefined;
    let problem: string | undefined;
    try {
      const clients = await aws.forAccount(stateTarget(config, address, user));
      const keys = await clients.s3.listObjectKeys(address.bucket, lockKey);
      if (keys.includes(lockKey)) {
        info = JSON.parse(await clients.s3.getObjectText(address.bucket, lockKey)) as LockInfo;
      }
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem === undefined && info === undefined) {
      released.push(`${where}; its state lock ${object} is not held`);
      continue;
    }
    const id = info?.ID ?? "<lock id>";
    const facts = info
      ? `lock id ${id}, ${info.Operation ?? "unknown operation"} by ${info.Who ?? "unknown"} at ${info.Created ?? "unknown time"}`
      : `the lock could not be read (${problem}): its id is in the object's ID field`;
    diagnostics.push({
      severity: "warning",
      code: "run/lock-possibly-held",
      message: `${where} and may hold its state lock ${object} (${facts}); data dir ${suspect.workspace.dataDir}`,
      hint: `once nothing else runs on this state: ${unlock(id)}`,
    });
  }
  return { held: diagnostics, released };
}
