/**
 * Everything `crossform adopt` checks before it writes anything, for one move: the source state
 * read (through its role or the base identity) and understood; the anti-migrate guard (every
 * account its resources name belongs to the destination unit, docs/decisions/0038); the
 * destination's session acting in the account that holds the unit's state; and what the unit's
 * address holds now (nothing, this very state, or another state: refused without `--force`).
 */
import { createHash } from "node:crypto";
import type { AdoptMove } from "../../core/adopt/adopt-moves.ts";
import type { AdoptProblem, AdoptUnitReport } from "../../core/adopt/adopt-report.ts";
import { guardState, unitAccounts } from "../../core/adopt/account-evidence.ts";
import type { ForeignResource } from "../../core/adopt/account-evidence.ts";
import { sourceObjectKey } from "../../core/adopt/state-source.ts";
import { identityOf, readTerraformState } from "../../core/adopt/terraform-state.ts";
import type { StateIdentity, TerraformState } from "../../core/adopt/terraform-state.ts";
import type { Config } from "../../core/config/model.ts";
import { CrossformError } from "../../core/errors.ts";
import type { AwsClients, AwsSessions } from "../../ports/aws.ts";
import { clientsFor, stateTarget } from "../state-session.ts";
import type { AdoptRecord } from "./adopt-record.ts";

/** What a move's checks need. */
export interface MoveContext {
  aws: AwsSessions;
  config: Config;
  user: string;
  record: AdoptRecord;
}

/** A move that passed every check: what the copy needs. */
export interface CheckedMove {
  /** The source state's text, exactly as read. */
  text: string;
  sha256: string;
  identity: StateIdentity;
  /** The destination's clients: the state holder account's session, checked. */
  destination: AwsClients;
  /** The text the unit's address holds now, undefined when empty. */
  existing: string | undefined;
}

/** Why a move stops: refused (a check said no) or failed (AWS said no). */
export interface MoveStop {
  outcome: "refused" | "failed";
  problem: AdoptProblem;
}

/** The sha256 of a state's bytes, hex. */
export function sha256Of(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function failed(error: unknown, what: string): MoveStop {
  if (error instanceof CrossformError) {
    return {
      outcome: "failed",
      problem: {
        code: error.code,
        message: `${what}: ${error.message}`,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    };
  }
  return {
    outcome: "failed",
    problem: { code: "adopt/failed", message: `${what}: ${String(error)}` },
  };
}

/** Runs the checks; fills `report` (state facts, accounts, destination) as it learns them. */
export async function checkMove(
  ctx: MoveContext,
  move: AdoptMove,
  report: AdoptUnitReport,
): Promise<CheckedMove | MoveStop> {
  const { unit } = move;
  const read = await readSource(ctx, move);
  if ("outcome" in read) return read;
  const { text, state } = read;
  report.state = { ...identityOf(state), terraform_version: state.terraformVersion };
  ctx.record.log(
    unit.id,
    `read ${report.from} as ${report.read_as}: lineage ${state.lineage}, serial ${state.serial}, ${state.resources} resources, ${state.instances.length} instances`,
  );
  const guard = guardState(state, unitAccounts(ctx.config, unit));
  report.accounts = [...guard.accounts]
    .map(([id, instances]) => ({ id, ...nameOf(ctx.config, id), instances }))
    .sort((a, b) => b.instances - a.instances || a.id.localeCompare(b.id));
  report.without_account_evidence = guard.withoutEvidence;
  ctx.record.log(
    unit.id,
    `accounts named: ${report.accounts.map((a) => `${a.id}${a.name ? ` (${a.name})` : ""} by ${a.instances}`).join(", ") || "none"}; ${guard.withoutEvidence} instances name no account`,
  );
  if (guard.foreign.length > 0) {
    ctx.record.log(unit.id, `refused: ${guard.foreign.length} resources of other accounts`);
    return { outcome: "refused", problem: foreignProblem(ctx.config, move, guard.foreign) };
  }
  let destination: AwsClients;
  let existing: string | undefined;
  try {
    destination = await ctx.aws.forAccount(stateTarget(ctx.config, unit.state, ctx.user));
    const identity = await destination.sts.getCallerIdentity();
    if (identity.account !== unit.state.accountId) {
      return {
        outcome: "refused",
        problem: {
          code: "adopt/destination-wrong-account",
          message: `${unit.id}: the session for its state (${unit.state.roleArn}) acts in account ${identity.account}, not in ${unit.state.accountName} (${unit.state.accountId})`,
          hint: "`crossform verify` shows the role of each account; fix the account's role in crossform.yaml",
        },
      };
    }
    if (await destination.s3.headObject(unit.state.bucket, unit.state.key))
      existing = await destination.s3.getObjectText(unit.state.bucket, unit.state.key);
  } catch (error) {
    return failed(error, `${unit.id}: reading its state address ${report.to}`);
  }
  const sha256 = sha256Of(text);
  const checked: CheckedMove = {
    text,
    sha256,
    identity: identityOf(state),
    destination,
    existing,
  };
  report.destination =
    existing === undefined ? "empty" : sha256Of(existing) === sha256 ? "same" : "other";
  ctx.record.log(unit.id, `${report.to} holds ${describeDestination(existing, sha256)}`);
  return checked;
}

/** Reads and parses the source state. */
async function readSource(
  ctx: MoveContext,
  move: AdoptMove,
): Promise<{ text: string; state: TerraformState } | MoveStop> {
  const { unit, source } = move;
  const key = sourceObjectKey(source);
  const url = `s3://${source.bucket}/${key}`;
  let text: string;
  try {
    const clients = await clientsFor(ctx.aws, ctx.config, source.access, source.region, ctx.user);
    if (!(await clients.s3.headObject(source.bucket, key))) {
      return {
        outcome: "refused",
        problem: {
          code: "adopt/source-missing",
          message: `${unit.id}: there is no state at ${url}`,
          hint:
            source.workspace === undefined
              ? "check bucket, key and region; a workspace's state is under workspace_key_prefix/<workspace>/<key>: name it with `workspace`"
              : `check the workspace name and workspace_key_prefix (${source.workspaceKeyPrefix}): \`terraform workspace list\` in the old layout names the workspaces`,
        },
      };
    }
    text = await clients.s3.getObjectText(source.bucket, key);
  } catch (error) {
    return failed(error, `${unit.id}: reading ${url}`);
  }
  const parsed = readTerraformState(text);
  if (!parsed.ok) {
    return {
      outcome: "refused",
      problem: {
        code: "adopt/source-not-a-state",
        message: `${unit.id}: ${url} is not a Terraform state: ${parsed.problem}`,
        hint: "name the state object itself (the file Terraform's S3 backend writes), not a lock or a plan",
      },
    };
  }
  return { text, state: parsed.state };
}

function nameOf(config: Config, id: string): { name?: string } {
  const account = [...config.accounts.values()].find((a) => a.id === id);
  return account ? { name: account.name } : {};
}

function label(config: Config, id: string): string {
  const { name } = nameOf(config, id);
  return name ? `${name} (${id})` : id;
}

/** The refusal of a state holding other accounts' resources, naming them. */
function foreignProblem(config: Config, move: AdoptMove, foreign: ForeignResource[]): AdoptProblem {
  const { unit } = move;
  const accounts = [...new Set(foreign.map((f) => f.accountId))].map((id) => label(config, id));
  const shown = foreign.slice(0, 5).map((f) => {
    const value = f.value === undefined ? "(sensitive)" : f.value;
    return `${f.address} (${f.attribute} ${value})`;
  });
  const more = foreign.length > shown.length ? `, and ${foreign.length - shown.length} more` : "";
  const allowed = [...new Set(foreign.flatMap((f) => f.allowed))].map((id) => label(config, id));
  return {
    code: "adopt/other-account-resources",
    message: `${unit.id}: the state at s3://${move.source.bucket}/${sourceObjectKey(move.source)} holds resources of ${accounts.join(", ")}, not of ${allowed.join(", ")}: ${shown.join(", ")}${more}`,
    hint: "a state is adopted only by a unit of the account its resources live in: map this state to that account's unit (nothing was written)",
  };
}

function describeDestination(existing: string | undefined, sha256: string): string {
  if (existing === undefined) return "no state";
  if (sha256Of(existing) === sha256) return "this very state (already adopted)";
  const parsed = readTerraformState(existing);
  return parsed.ok
    ? `another state: lineage ${parsed.state.lineage}, serial ${parsed.state.serial}, ${parsed.state.resources} resources`
    : "an object that is not a state";
}

/** The refusal of a unit whose address holds another state. */
export function occupiedProblem(unitId: string, to: string, existing: string): AdoptProblem {
  const parsed = readTerraformState(existing);
  const what = parsed.ok
    ? `a state of its own (lineage ${parsed.state.lineage}, serial ${parsed.state.serial}, ${parsed.state.resources} resources)`
    : "an object that is not a Terraform state";
  return {
    code: "adopt/destination-not-empty",
    message: `${unitId}: ${to} already holds ${what}`,
    hint: "adopt only into an empty address; --force replaces it, keeping the replaced state in the run record (never deleting the source)",
  };
}
