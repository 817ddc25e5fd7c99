/**
 * Shards and waves of a selection, for splitting one run over CI jobs (docs/contract.md section 9).
 *
 * A unit's shard is hash(`account/region`) mod n: it depends on nothing but the unit's own
 * account and region and the shard count, so adding or removing other units never moves it, and
 * every unit of one account and region (which is where `depends_on` reaches: same account and
 * region) lands in one shard, so a shard job runs a unit's dependencies before it. A
 * multi-account unit counts as its home account. The hash is 32-bit FNV-1a over the UTF-8 bytes
 * of the key: fixed by this module, the same on every machine and Node version.
 */
import type { Config } from "../config/model.ts";
import type { Unit } from "./units.ts";

/** `--shard i/n`: the i-th of n shards, 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a run may be split into. */
export const MAX_SHARDS = 1000;

/** Parses `--shard i/n`; an error message says what is wrong. */
export function parseShard(
  text: string,
): { ok: true; shard: Shard } | { ok: false; error: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) {
    return { ok: false, error: `--shard ${text} is not i/n (for example --shard 1/4)` };
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) {
    return { ok: false, error: `--shard ${text}: n must be from 1 to ${MAX_SHARDS}` };
  }
  if (index < 1 || index > count) {
    return {
      ok: false,
      error: `--shard ${text}: i must be from 1 to ${count} (shards count from 1)`,
    };
  }
  return { ok: true, shard: { index, count } };
}

/** What a unit's shard is computed from: its (home) account and region. */
export function shardKey(unit: Pick<Unit, "account" | "region">): string {
  return `${unit.account}/${unit.region}`;
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 1-based shard of a unit among `count` shards. */
export function shardOf(unit: Pick<Unit, "account" | "region">, count: number): number {
  return (fnv1a32(shardKey(unit)) % count) + 1;
}

/** The units of one shard, in the given order. */
export function unitsOfShard<U extends Pick<Unit, "account" | "region">>(
  units: readonly U[],
  shard: Shard,
): U[] {
  return units.filter((u) => shardOf(u, shard.count) === shard.index);
}

/**
 * The wave `--wave` names: its 1-based position or its name. Returns the 0-based index, or an
 * error message listing the waves.
 */
export function resolveWave(
  config: Pick<Config, "waves">,
  text: string,
): { ok: true; index: number } | { ok: false; error: string; hint: string } {
  const waves = config.waves;
  const list = waves.map((w, i) => `${i + 1} (${w.name})`).join(", ");
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const position = Number(trimmed);
    if (position >= 1 && position <= waves.length) return { ok: true, index: position - 1 };
    return {
      ok: false,
      error: `--wave ${text}: there ${waves.length === 1 ? "is 1 wave" : `are ${waves.length} waves`}`,
      hint: `waves: ${list}`,
    };
  }
  const index = waves.findIndex((w) => w.name === trimmed);
  if (index >= 0) return { ok: true, index };
  return {
    ok: false,
    error: `--wave ${text}: no wave has that name or number`,
    hint: `waves: ${list}`,
  };
}
