/**
 * Where a unit's state was before `state.bucket`, `state.key` or `state.region` changed in
 * crossform.yaml (docs/decisions/0039-previous-state-addresses.md). crossform knows a unit's earlier
 * addresses from two records: the committed versions of the unit's generated backend file (git
 * history: every clone has it, CI too), and the backend the unit's data directory was last
 * initialised with (`.crossform/units/<unit>/data/terraform.tfstate`: this machine's last run).
 * Each gives bucket, key, region and the role that reached it.
 */
import { accountIdOfArn } from "../config/arn.ts";
import type { Config } from "../config/model.ts";
import { parseBackendFile, parseRecordedBackend } from "../run/backend-record.ts";
import type { Unit } from "../units/units.ts";
import { DEFAULT_WORKSPACE_KEY_PREFIX, s3Url } from "./state-source.ts";
import type { StateAccess, StateSource } from "./state-source.ts";

/** One earlier record of a unit's backend. */
export interface BackendVersion {
  /** Where it comes from, for people: `commit 1a2b3c4`, `the data directory's last init`. */
  origin: string;
  kind: "backend-file" | "recorded-backend";
  text: string;
}

/** An earlier address of a unit's state, with where crossform learned it. */
export interface PreviousAddress {
  source: StateSource;
  origin: string;
}

const ROLE_ARN = /^\s*role_arn\s*=\s*("(?:[^"\\]|\\.)*")/m;
const EXTERNAL_ID = /^\s*external_id\s*=\s*("(?:[^"\\]|\\.)*")/m;

function hclString(match: RegExpExecArray | null): string | undefined {
  if (!match?.[1]) return undefined;
  try {
    const value: unknown = JSON.parse(match[1]);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The address and role of one version, undefined when it names no whole S3 address. */
function addressOf(
  version: BackendVersion,
):
  | { bucket: string; key: string; region: string; roleArn?: string; externalId?: string }
  | undefined {
  if (version.kind === "backend-file") {
    const found = parseBackendFile(version.text);
    if (!found.bucket || !found.key || !found.region) return undefined;
    const roleArn = hclString(ROLE_ARN.exec(version.text));
    const externalId = hclString(EXTERNAL_ID.exec(version.text));
    return {
      bucket: found.bucket,
      key: found.key,
      region: found.region,
      ...(roleArn ? { roleArn } : {}),
      ...(externalId ? { externalId } : {}),
    };
  }
  const recorded = parseRecordedBackend(version.text);
  const { bucket, key, region } = recorded?.address ?? {};
  if (recorded?.type !== "s3" || !bucket || !key || !region) return undefined;
  const role = recordedRole(version.text);
  return { bucket, key, region, ...role };
}

/** `assume_role.role_arn` and `external_id` of a data directory's recorded S3 backend. */
function recordedRole(text: string): { roleArn?: string; externalId?: string } {
  try {
    const data = JSON.parse(text) as { backend?: { config?: { assume_role?: unknown } } };
    const role = data.backend?.config?.assume_role as
      { role_arn?: unknown; external_id?: unknown } | null | undefined;
    return {
      ...(typeof role?.role_arn === "string" && role.role_arn !== ""
        ? { roleArn: role.role_arn }
        : {}),
      ...(typeof role?.external_id === "string" && role.external_id !== ""
        ? { externalId: role.external_id }
        : {}),
    };
  } catch {
    return {};
  }
}

/**
 * The unit's earlier state addresses, newest first, each once: those that differ from its address
 * now and are no unit's address now (a state another unit keeps is never "earlier").
 */
export function previousAddresses(
  config: Config,
  allUnits: readonly Unit[],
  versions: readonly BackendVersion[],
): PreviousAddress[] {
  const current = new Set(allUnits.map((u) => s3Url(u.state.bucket, u.state.key)));
  const seen = new Set<string>();
  const found: PreviousAddress[] = [];
  for (const version of versions) {
    const address = addressOf(version);
    if (!address) continue;
    const url = s3Url(address.bucket, address.key);
    if (current.has(url) || seen.has(url)) continue;
    seen.add(url);
    const accountId = address.roleArn ? accountIdOfArn(address.roleArn) : undefined;
    const access: StateAccess =
      address.roleArn && accountId
        ? {
            kind: "role",
            roleArn: address.roleArn,
            accountId,
            accountName: [...config.accounts.values()].find((a) => a.id === accountId)?.name,
            externalId: address.externalId,
          }
        : { kind: "base" };
    found.push({
      origin: version.origin,
      source: {
        bucket: address.bucket,
        key: address.key,
        region: address.region,
        workspace: undefined,
        workspaceKeyPrefix: DEFAULT_WORKSPACE_KEY_PREFIX,
        access,
      },
    });
  }
  return found;
}
