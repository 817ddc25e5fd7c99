/**
 * The moves of `crossform adopt`: a mapping's entries, each merged with the mapping's defaults and
 * checked against the configuration. A move names an existing unit, a whole source address, and
 * how to read it; no two moves read one state, no move reads a state crossform already keeps for a
 * unit (its own or another's).
 */
import { accountIdOfArn } from "../config/arn.ts";
import type { Config } from "../config/model.ts";
import { didYouMean } from "../config/did-you-mean.ts";
import type { Diagnostic, SourcePosition } from "../errors.ts";
import { stateRoleArn } from "../units/units.ts";
import type { Unit, UnitSet } from "../units/units.ts";
import type { WrittenMapping, WrittenSource } from "./adopt-mapping.ts";
import { DEFAULT_WORKSPACE_KEY_PREFIX, s3Url, sourceObjectKey, sourceUrl } from "./state-source.ts";
import type { StateAccess, StateSource } from "./state-source.ts";

/** One state to copy into one unit's address. */
export interface AdoptMove {
  unit: Unit;
  source: StateSource;
}

/** The moves of a mapping, or every problem found in it. */
export type MovesResult =
  { ok: true; moves: AdoptMove[] } | { ok: false; diagnostics: Diagnostic[] };

/** Turns a written mapping into moves. */
export function adoptMoves(config: Config, units: UnitSet, mapping: WrittenMapping): MovesResult {
  const diagnostics: Diagnostic[] = [];
  const moves: AdoptMove[] = [];
  const where = (unitId: string): SourcePosition | undefined =>
    mapping.locator?.positionOf(["moves", unitId], { key: true });
  const problem = (unitId: string, code: string, message: string, hint: string): void => {
    const position = where(unitId);
    diagnostics.push({
      severity: "error",
      code,
      message,
      hint,
      ...(position ? { position } : {}),
    });
  };
  if (mapping.moves.length === 0) {
    diagnostics.push({
      severity: "error",
      code: "adopt/no-moves",
      message: "the mapping names no unit to adopt a state into",
      hint: "list the units under `moves:` (unit id -> where its state is now)",
    });
  }
  const current = new Map(units.units.map((u) => [s3Url(u.state.bucket, u.state.key), u]));
  const sources = new Map<string, string>();
  for (const [unitId, written] of mapping.moves) {
    const unit = units.byId.get(unitId);
    if (!unit) {
      const suggestion = didYouMean(unitId, units.byId.keys());
      problem(
        unitId,
        "adopt/unknown-unit",
        `no unit "${unitId}" in crossform.yaml`,
        suggestion
          ? `did you mean "${suggestion}"?`
          : "a unit id is stack/account/region (`crossform validate` lists the units)",
      );
      continue;
    }
    const merged: WrittenSource = { ...mapping.from, ...written };
    const source = sourceOf(config, merged);
    if (typeof source === "string") {
      problem(unitId, "adopt/incomplete-source", `move to ${unitId}: ${source}`, SOURCE_HINT);
      continue;
    }
    const url = sourceUrl(source);
    const owner = current.get(url);
    if (owner?.id === unit.id) {
      problem(
        unitId,
        "adopt/already-there",
        `move to ${unitId}: ${url} is already the unit's own state address`,
        "nothing to adopt: leave this unit out of the mapping",
      );
      continue;
    }
    if (owner) {
      problem(
        unitId,
        "adopt/source-is-a-unit",
        `move to ${unitId}: ${url} is the state of unit ${owner.id}`,
        "a unit's state is never copied into another unit: name the old state this unit used",
      );
      continue;
    }
    const taken = sources.get(url);
    if (taken !== undefined) {
      problem(
        unitId,
        "adopt/source-twice",
        `moves to ${taken} and ${unitId} both read ${url}`,
        "one state goes to one unit: two copies would manage the same resources twice",
      );
      continue;
    }
    sources.set(url, unitId);
    moves.push({ unit, source });
  }
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, moves };
}

const SOURCE_HINT =
  "give bucket and key (in the move or in `from:`), and at most one of role_arn and account";

/** A whole source from a written one, or what is missing. */
function sourceOf(config: Config, written: WrittenSource): StateSource | string {
  if (written.bucket === undefined || written.key === undefined)
    return "the source needs a bucket and a key";
  const region = written.region ?? config.base.region;
  const access = accessOf(config, written, region);
  if (typeof access === "string") return access;
  const source: StateSource = {
    bucket: written.bucket,
    key: written.key,
    region,
    workspace: written.workspace,
    workspaceKeyPrefix: written.workspace_key_prefix ?? DEFAULT_WORKSPACE_KEY_PREFIX,
    access,
  };
  return sourceObjectKey(source).startsWith("/")
    ? "the source's object key starts with '/'"
    : source;
}

/** How to read a written source: its role, its account's state role, or the base identity. */
function accessOf(config: Config, written: WrittenSource, region: string): StateAccess | string {
  if (written.role_arn !== undefined && written.account !== undefined)
    return "role_arn and account both say how to read the source: keep one";
  if (written.account !== undefined) {
    const account = config.accounts.get(written.account);
    if (!account) {
      const suggestion = didYouMean(written.account, config.accounts.keys());
      return `no account "${written.account}" in crossform.yaml${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`;
    }
    return {
      kind: "role",
      roleArn: stateRoleArn(config, account, region),
      accountId: account.id,
      accountName: account.name,
      externalId: written.external_id ?? account.externalId,
    };
  }
  if (written.role_arn !== undefined) {
    const accountId = accountIdOfArn(written.role_arn);
    if (accountId === undefined)
      return `role_arn ${written.role_arn} is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)`;
    const named = [...config.accounts.values()].find((a) => a.id === accountId);
    return {
      kind: "role",
      roleArn: written.role_arn,
      accountId,
      accountName: named?.name,
      externalId: written.external_id,
    };
  }
  return { kind: "base" };
}
