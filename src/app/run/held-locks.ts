/**
 * After a kill (docs/contract.md section 7): the state locks a killed terraform may still hold, each
 * with its lock id (read from the lock itself), the unit's data directory and the exact
 * `terraform force-unlock` command. crossform never unlocks: the operator decides, once nothing
 * else works on that state.
 */
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { Unit } from "../../core/units/units.ts";
import type { AwsSessions } from "../../ports/aws.ts";
import { roleSessionName } from "../verify.ts";
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

/** The command that releases a lock held by a unit. */
export function forceUnlockCommand(
  child: RunningChild,
  lockId: string,
  baseProfile: string | undefined,
  binary: string,
): string {
  return unitShellCommand(child.workspace, ["force-unlock", "-force", lockId], baseProfile, binary);
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
  const diagnostics: Diagnostic[] = [];
  const released: string[] = [];
  const seen = new Set<string>();
  for (const child of killed) {
    if (!LOCKING_COMMANDS.has(child.command) || seen.has(child.unitId)) continue;
    seen.add(child.unitId);
    const unit = units.find((u) => u.id === child.unitId);
    if (!unit) continue;
    const address = unit.state;
    const unlock = (id: string): string =>
      forceUnlockCommand(child, id, config.base.profile, config.terraform.binary);
    const where = `${unit.id}: terraform ${child.command} was killed`;
    if (address.lock.kind === "dynamodb") {
      diagnostics.push({
        severity: "warning",
        code: "run/lock-possibly-held",
        message: `${where} and may hold its state lock: item LockID=${address.bucket}/${address.key} of DynamoDB table ${address.lock.table} (account ${address.accountName}); its Info holds the lock id; data dir ${child.workspace.dataDir}`,
        hint: `once nothing else runs on this state: ${unlock("<lock id>")}`,
      });
      continue;
    }
    const lockKey = `${address.key}.tflock`;
    const object = `s3://${address.bucket}/${lockKey}`;
    let info: LockInfo | undefined;
    let problem: string | undefined;
    try {
      const clients = await aws.forAccount({
        name: address.accountName,
        accountId: address.accountId,
        roleArn: address.roleArn,
        externalId: address.externalId,
        sessionName: roleSessionName(config, address.accountName, user),
        durationSeconds: config.session.durationSeconds,
        region: address.region,
      });
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
      message: `${where} and may hold its state lock ${object} (${facts}); data dir ${child.workspace.dataDir}`,
      hint: `once nothing else runs on this state: ${unlock(id)}`,
    });
  }
  return { held: diagnostics, released };
}
