/**
 * The moves of an adopt run, from what the operator gave: a mapping file (`--mapping FILE`), one
 * unit's source as flags (`UNIT --from s3://bucket/key ...`), or the units' earlier addresses
 * (`--from-previous`). Bad input is a list of diagnostics naming the file and line, or the flag.
 */
import { parseAdoptMapping } from "../../core/adopt/adopt-mapping.ts";
import type { WrittenMapping, WrittenSource } from "../../core/adopt/adopt-mapping.ts";
import { adoptMoves } from "../../core/adopt/adopt-moves.ts";
import type { AdoptMove, MovesResult } from "../../core/adopt/adopt-moves.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { LoadedConfig } from "../load-config.ts";
import { earlierStates } from "./earlier-states.ts";
import type { EarlierStatesDeps } from "./earlier-states.ts";

/** The most a mapping file may hold: a mapping of thousands of units is far smaller. */
export const MAX_MAPPING_BYTES = 4 * 1024 * 1024;

function refused(code: string, message: string, hint: string): MovesResult {
  return { ok: false, diagnostics: [{ severity: "error", code, message, hint }] };
}

/** The moves a mapping file names; `shown` is its path as the operator typed it. */
export async function movesFromMappingFile(
  fs: FileSystem,
  loaded: LoadedConfig,
  path: string,
  shown: string,
): Promise<MovesResult> {
  const info = await fs.pathInfo(path);
  if (info === undefined)
    return refused(
      "adopt/mapping-not-found",
      `no mapping file at ${shown}`,
      "check the --mapping path",
    );
  if (info.kind !== "file")
    return refused(
      "adopt/mapping-not-a-file",
      `${shown} is not a regular file`,
      "give --mapping the path of a YAML file (docs/commands/adopt.md shows one)",
    );
  if (info.size > MAX_MAPPING_BYTES)
    return refused(
      "adopt/mapping-too-large",
      `${shown} is ${info.size} bytes, more than the ${MAX_MAPPING_BYTES} a mapping may hold`,
      "check that --mapping names your mapping file",
    );
  const parsed = parseAdoptMapping(await fs.readText(path), shown);
  if (!parsed.ok) return parsed;
  return adoptMoves(loaded.config, loaded.units, parsed.mapping);
}

/**
 * The move of one unit given as flags: `from` is `s3://bucket/key`, `rest` the rest of the source
 * as a mapping writes it (`workspace`, `region`, `role_arn`, ...).
 */
export function moveFromFlags(
  loaded: LoadedConfig,
  unitId: string,
  from: string,
  rest: Omit<WrittenSource, "bucket" | "key"> = {},
): MovesResult {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(from);
  if (!match)
    return refused(
      "usage",
      `--from ${from} is not an S3 address`,
      "write --from s3://<bucket>/<key> (the old backend's bucket and key, without a workspace prefix)",
    );
  const written: WrittenSource = { ...rest, bucket: match[1] as string, key: match[2] as string };
  const mapping: WrittenMapping = { from: {}, moves: [[unitId, written]], locator: undefined };
  return adoptMoves(loaded.config, loaded.units, mapping);
}

/** The moves of `--from-previous`: each selected unit whose state lies at an earlier address. */
export async function movesFromPrevious(
  deps: EarlierStatesDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  user: string,
): Promise<{ moves: AdoptMove[]; warnings: Diagnostic[] }> {
  const found = await earlierStates(deps, loaded, units, user);
  return {
    moves: found.found.map((f) => ({ unit: f.unit, source: f.address.source })),
    warnings: found.unreadable.map((line) => ({
      severity: "warning",
      code: "adopt/earlier-state-unreadable",
      message: `could not check an address: ${line}`,
    })),
  };
}
