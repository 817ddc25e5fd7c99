/**
 * A unit's earlier state addresses and the state found there (docs/decisions/0039): read from the
 * committed versions of its backend file and from the backend its data directory was last
 * initialised with; a unit whose address now holds no state, while an earlier one holds a state
 * with resources, would silently start from empty. The run commands' preflight refuses such a unit
 * (naming the adopt command); `crossform adopt --from-previous` adopts from there.
 */
import { join, resolve } from "node:path";
import { previousAddresses } from "../../core/adopt/previous-addresses.ts";
import type { BackendVersion, PreviousAddress } from "../../core/adopt/previous-addresses.ts";
import { sourceObjectKey, sourceUrl } from "../../core/adopt/state-source.ts";
import { readTerraformState } from "../../core/adopt/terraform-state.ts";
import type { Config } from "../../core/config/model.ts";
import type { Unit } from "../../core/units/units.ts";
import type { AwsSessions } from "../../ports/aws.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { GitStatus } from "../../ports/git.ts";
import type { TerraformRunner } from "../../ports/terraform-runner.ts";
import type { LoadedConfig } from "../load-config.ts";
import { unitWorkspaceSpec } from "../run/unit-steps.ts";
import { clientsFor, stateTarget } from "../state-session.ts";

/** What finding earlier addresses needs. */
export interface EarlierStatesDeps {
  fs: FileSystem;
  git: Pick<GitStatus, "fileHistory">;
  runner: Pick<TerraformRunner, "locateUnit">;
  aws: AwsSessions;
}

/** A unit's earlier state that its address does not hold. */
export interface EarlierState {
  unit: Unit;
  address: PreviousAddress;
  /** Resource blocks of the state found there. */
  resources: number;
}

/** What the search found: states to adopt, and addresses that could not be read. */
export interface EarlierStates {
  found: EarlierState[];
  /** One line per earlier address that could not be checked. */
  unreadable: string[];
}

/** The unit's backend file in the working tree. */
function backendFileOf(loaded: LoadedConfig, unit: Unit): string {
  const stackPath = loaded.config.stacks.get(unit.stack)?.path ?? unit.stack;
  return join(resolve(loaded.dir, stackPath), "backends", `${unit.fileStem}.s3.tfbackend`);
}

/** The earlier addresses of each unit (those it has), newest first. */
export async function earlierAddresses(
  deps: Omit<EarlierStatesDeps, "aws">,
  loaded: LoadedConfig,
  units: readonly Unit[],
): Promise<Map<string, PreviousAddress[]>> {
  const files = new Map(units.map((u) => [u.id, backendFileOf(loaded, u)]));
  const history = await deps.git.fileHistory(loaded.dir, [...files.values()]);
  const all = loaded.units.units;
  const result = new Map<string, PreviousAddress[]>();
  for (const unit of units) {
    const versions: BackendVersion[] = (history.get(files.get(unit.id) ?? "") ?? []).map((v) => ({
      origin: `commit ${v.commit.slice(0, 12)}`,
      kind: "backend-file",
      text: v.text,
    }));
    const recorded = await recordedBackend(deps, loaded, unit);
    if (recorded !== undefined)
      versions.push({
        origin: "the backend its data directory was last initialised with",
        kind: "recorded-backend",
        text: recorded,
      });
    const found = previousAddresses(loaded.config, all, versions);
    if (found.length > 0) result.set(unit.id, found);
  }
  return result;
}

/** The text of the unit's data directory's `terraform.tfstate`, when it has one. */
async function recordedBackend(
  deps: Omit<EarlierStatesDeps, "aws">,
  loaded: LoadedConfig,
  unit: Unit,
): Promise<string | undefined> {
  try {
    const location = await deps.runner.locateUnit(unitWorkspaceSpec(loaded.config, unit));
    const path = join(location.dataDir, "terraform.tfstate");
    return (await deps.fs.exists(path)) ? await deps.fs.readText(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For each unit with earlier addresses whose own address holds no state: the newest earlier
 * address that holds a state with resources.
 */
export async function earlierStates(
  deps: EarlierStatesDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  user: string,
): Promise<EarlierStates> {
  const addresses = await earlierAddresses(deps, loaded, units);
  const result: EarlierStates = { found: [], unreadable: [] };
  for (const unit of units) {
    const candidates = addresses.get(unit.id);
    if (!candidates) continue;
    if (await holdsState(deps.aws, loaded.config, unit, user, result)) continue;
    for (const address of candidates) {
      const resources = await resourcesAt(deps.aws, loaded.config, address, user, unit, result);
      if (resources === undefined) continue;
      if (resources > 0) result.found.push({ unit, address, resources });
      break;
    }
  }
  return result;
}

/** Whether the unit's address holds a state (true, too, when that cannot be told). */
async function holdsState(
  aws: AwsSessions,
  config: Config,
  unit: Unit,
  user: string,
  result: EarlierStates,
): Promise<boolean> {
  try {
    const clients = await aws.forAccount(stateTarget(config, unit.state, user));
    return (await clients.s3.headObject(unit.state.bucket, unit.state.key)) !== undefined;
  } catch (error) {
    result.unreadable.push(
      `${unit.id}: s3://${unit.state.bucket}/${unit.state.key}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return true;
  }
}

/** Resource blocks of the state at an earlier address; undefined when it holds none. */
async function resourcesAt(
  aws: AwsSessions,
  config: Config,
  address: PreviousAddress,
  user: string,
  unit: Unit,
  result: EarlierStates,
): Promise<number | undefined> {
  const { source } = address;
  try {
    const clients = await clientsFor(aws, config, source.access, source.region, user);
    const key = sourceObjectKey(source);
    if (!(await clients.s3.headObject(source.bucket, key))) return undefined;
    const parsed = readTerraformState(await clients.s3.getObjectText(source.bucket, key));
    return parsed.ok ? parsed.state.resources : undefined;
  } catch (error) {
    result.unreadable.push(
      `${unit.id}: its earlier address ${sourceUrl(source)} (${address.origin}): ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
