/**
 * The copy of one checked state into its unit's address, under the unit's state lock
 * (docs/decisions/0037-adopt-copies-states.md): the lock taken as Terraform takes it (the
 * `<key>.tflock` object of `use_lockfile`, or the DynamoDB item), the address checked again under
 * the lock, the state it replaces (`--force`) kept in the run record first, the bytes written
 * encrypted, the DynamoDB digest updated, the copy read back through the same session and compared
 * (lineage, serial, resource and instance counts, and the bytes), the lock released. The source is
 * only ever read.
 */
import { createHash, randomUUID } from "node:crypto";
import type { AdoptMove } from "../../core/adopt/adopt-moves.ts";
import type { AdoptProblem, AdoptUnitReport } from "../../core/adopt/adopt-report.ts";
import { identityOf, readTerraformState } from "../../core/adopt/terraform-state.ts";
import type { StateIdentity } from "../../core/adopt/terraform-state.ts";
import { CrossformError } from "../../core/errors.ts";
import type { StateAddress } from "../../core/units/units.ts";
import type { AwsClients } from "../../ports/aws.ts";
import type { CheckedMove } from "./check-move.ts";
import { sha256Of } from "./check-move.ts";
import type { AdoptRecord } from "./adopt-record.ts";

/** How the copy ended: done, or the problem (nothing or the copy written, as it says). */
export type CopyResult = { ok: true } | { ok: false; problem: AdoptProblem };

/** Terraform's lock info, as its S3 and DynamoDB locks store it. */
interface LockInfo {
  ID: string;
  Operation: string;
  Info: string;
  Who: string;
  Version: string;
  Created: string;
  Path: string;
}

/** Copies `checked` into the move's unit; records each step in the unit's log. */
export async function copyState(
  record: AdoptRecord,
  move: AdoptMove,
  checked: CheckedMove,
  report: AdoptUnitReport,
  who: { user: string; now: () => number },
): Promise<CopyResult> {
  const { unit } = move;
  const address = unit.state;
  const clients = checked.destination;
  const info: LockInfo = {
    ID: randomUUID(),
    Operation: "crossform adopt",
    Info: `run ${record.runId}: copies ${report.from}`,
    Who: who.user,
    Version: "crossform",
    Created: new Date(who.now()).toISOString(),
    Path: `${address.bucket}/${address.key}`,
  };
  let locked: boolean;
  try {
    locked = await takeLock(clients, address, info);
  } catch (error) {
    return failure(unit.id, "taking its state lock", error);
  }
  if (!locked) {
    return {
      ok: false,
      problem: {
        code: "adopt/lock-held",
        message: `${unit.id}: its state lock (${lockName(address)}) is held by another process; nothing was written`,
        hint: "wait for the terraform that holds it to end, then run adopt again",
      },
    };
  }
  record.log(unit.id, `took the state lock ${lockName(address)} (id ${info.ID})`);
  let result: CopyResult;
  try {
    result = await writeAndReadBack(record, move, checked, report);
  } finally {
    try {
      await releaseLock(clients, address);
      record.log(unit.id, "released the state lock");
    } catch (error) {
      record.log(unit.id, `could not release the state lock: ${String(error)}`);
      report.problems.push({
        code: "adopt/lock-not-released",
        message: `${unit.id}: its state lock ${lockName(address)} (id ${info.ID}) could not be released: ${error instanceof Error ? error.message : String(error)}`,
        hint: `once nothing else runs on this state, release it from the unit's directory (\`crossform explain ${unit.id}\`): terraform force-unlock -force ${info.ID}`,
      });
    }
  }
  return result;
}

async function writeAndReadBack(
  record: AdoptRecord,
  move: AdoptMove,
  checked: CheckedMove,
  report: AdoptUnitReport,
): Promise<CopyResult> {
  const { unit } = move;
  const address = unit.state;
  const clients = checked.destination;
  // Under the lock, the address must still hold what the checks saw.
  let now: string | undefined;
  try {
    now = (await clients.s3.headObject(address.bucket, address.key))
      ? await clients.s3.getObjectText(address.bucket, address.key)
      : undefined;
  } catch (error) {
    return failure(unit.id, "reading its state address again under the lock", error);
  }
  if (now !== checked.existing) {
    return {
      ok: false,
      problem: {
        code: "adopt/destination-changed",
        message: `${unit.id}: ${report.to} changed between the checks and the lock (another run wrote it); nothing was written`,
        hint: "run adopt again: it checks the address anew",
      },
    };
  }
  if (now !== undefined) {
    try {
      report.replaced_backup = await record.keepReplaced(unit.id, now);
      record.log(unit.id, `kept the state it replaces in ${report.replaced_backup}`);
    } catch (error) {
      return failure(unit.id, "keeping the state it replaces in the run record", error);
    }
  }
  try {
    const written = await clients.s3.putObjectText(address.bucket, address.key, checked.text, {
      encrypt: true,
    });
    record.log(
      unit.id,
      `wrote ${report.to}${written.versionId ? ` (version ${written.versionId})` : ""}`,
    );
    if (address.lock.kind === "dynamodb") {
      const digest = createHash("md5").update(checked.text, "utf8").digest("hex");
      await clients.dynamodb.putStateDigest(
        address.lock.table,
        `${address.bucket}/${address.key}-md5`,
        digest,
      );
      record.log(unit.id, `recorded its digest in ${address.lock.table}`);
    }
  } catch (error) {
    return failure(unit.id, `writing ${report.to}`, error, "the address may hold a partial copy");
  }
  return readBack(record, move, checked, report);
}

/** Reads the copy back through the destination's session and compares it with the source. */
async function readBack(
  record: AdoptRecord,
  move: AdoptMove,
  checked: CheckedMove,
  report: AdoptUnitReport,
): Promise<CopyResult> {
  const { unit } = move;
  let text: string;
  try {
    text = await checked.destination.s3.getObjectText(unit.state.bucket, unit.state.key);
  } catch (error) {
    return failure(unit.id, `reading the copy back from ${report.to}`, error);
  }
  const parsed = readTerraformState(text);
  const differences = parsed.ok
    ? differencesOf(checked.identity, identityOf(parsed.state))
    : [`it is not a state (${parsed.problem})`];
  if (differences.length === 0 && sha256Of(text) !== checked.sha256)
    differences.push("its bytes differ from the source's");
  if (differences.length > 0) {
    record.log(unit.id, `read back: ${differences.join("; ")}`);
    return {
      ok: false,
      problem: {
        code: "adopt/read-back-differs",
        message: `${unit.id}: the copy read back from ${report.to} is not the source state: ${differences.join("; ")}`,
        hint: `the source ${report.from} is untouched${report.replaced_backup ? ` and the replaced state is in ${report.replaced_backup}` : ""}; do not plan this unit before the copy is right: run adopt again with --force`,
      },
    };
  }
  record.log(
    unit.id,
    `read back: lineage ${checked.identity.lineage}, serial ${checked.identity.serial}, ${checked.identity.resources} resources, ${checked.identity.instances} instances, the same bytes`,
  );
  return { ok: true };
}

/** What differs between the source's and the copy's identity. */
export function differencesOf(source: StateIdentity, copy: StateIdentity): string[] {
  const differences: string[] = [];
  for (const key of ["lineage", "serial", "resources", "instances"] as const) {
    if (source[key] !== copy[key])
      differences.push(`${key} ${String(copy[key])}, the source's ${String(source[key])}`);
  }
  return differences;
}

function failure(unitId: string, what: string, error: unknown, more?: string): CopyResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    problem: {
      code: error instanceof CrossformError ? error.code : "adopt/failed",
      message: `${unitId}: ${what}: ${message}${more ? `; ${more}` : ""}`,
      ...(error instanceof CrossformError && error.hint ? { hint: error.hint } : {}),
    },
  };
}

function lockName(address: StateAddress): string {
  return address.lock.kind === "dynamodb"
    ? `item ${address.bucket}/${address.key} of DynamoDB table ${address.lock.table}`
    : `s3://${address.bucket}/${address.key}.tflock`;
}

function takeLock(clients: AwsClients, address: StateAddress, info: LockInfo): Promise<boolean> {
  const text = JSON.stringify(info);
  return address.lock.kind === "dynamodb"
    ? clients.dynamodb.acquireLock(address.lock.table, `${address.bucket}/${address.key}`, text)
    : clients.s3.createObjectIfAbsent(address.bucket, `${address.key}.tflock`, text);
}

function releaseLock(clients: AwsClients, address: StateAddress): Promise<void> {
  return address.lock.kind === "dynamodb"
    ? clients.dynamodb.releaseLock(address.lock.table, `${address.bucket}/${address.key}`)
    : clients.s3.deleteLockObject(address.bucket, `${address.key}.tflock`);
}
