/**
 * Which wave new accounts fall into (docs/contract.md section 2: every account is in exactly one
 * wave; `discover --merge` adds accounts with no wave and says which wave line to add). An
 * existing wave whose selectors pick a new account (`tier:prod`, `tag:ou=...`) already holds
 * it; the others need a line under `waves:`.
 */
import { hasAccountTerms, matchesAccount, parseSelector } from "../units/selector.ts";
import type { Selector } from "../units/selector.ts";
import { OU_TAG, yamlScalar } from "./render-accounts.ts";
import type { AccountEntry } from "./render-accounts.ts";

/** A new account that an existing wave selects. */
export interface WaveMember {
  account: string;
  /** 1-based, as `validate` numbers waves. */
  wave: number;
  /** The wave's name, or its selectors joined by commas. */
  waveName: string;
}

/** Where the new accounts land, and the line that puts the rest into a wave. */
export interface WavePlan {
  /** False when the file has no `waves:`: every account is in the one implicit wave. */
  hasWaves: boolean;
  /** New accounts an existing wave selects (through their tier or tags). */
  joined: WaveMember[];
  /** New accounts that several existing waves select: `validate` will reject them. */
  inSeveral: { account: string; waves: number[] }[];
  /** New accounts in no wave. */
  unplaced: string[];
  /** The wave to add for {@link unplaced}: `[a, b]`; undefined when none is needed. */
  line: string | undefined;
}

interface ParsedWave {
  name: string;
  selectors: Selector[];
}

function parseWaves(waves: unknown[]): ParsedWave[] {
  return waves.map((wave) => {
    const texts = Array.isArray(wave)
      ? wave
      : typeof wave === "object" &&
          wave !== null &&
          Array.isArray((wave as { select?: unknown }).select)
        ? (wave as { select: unknown[] }).select
        : [];
    const strings = texts.filter((t): t is string => typeof t === "string");
    const named =
      !Array.isArray(wave) && typeof wave === "object" && wave !== null
        ? (wave as { name?: unknown }).name
        : undefined;
    const selectors: Selector[] = [];
    for (const text of strings) {
      const parsed = parseSelector(text);
      // A `stack:`-only selector picks no account (validate rejects it in a wave).
      if (parsed.ok && hasAccountTerms(parsed.selector)) selectors.push(parsed.selector);
    }
    return { name: typeof named === "string" ? named : strings.join(","), selectors };
  });
}

/**
 * Places `added` into the written `waves` (the value of `waves:` in the file, undefined when it
 * has none).
 */
export function planWaves(added: readonly AccountEntry[], waves: unknown): WavePlan {
  if (!Array.isArray(waves)) {
    return { hasWaves: false, joined: [], inSeveral: [], unplaced: [], line: undefined };
  }
  const parsed = parseWaves(waves);
  const joined: WaveMember[] = [];
  const inSeveral: { account: string; waves: number[] }[] = [];
  const unplaced: string[] = [];
  for (const entry of added) {
    const selectable = { name: entry.name, tier: entry.tier ?? "", tags: { [OU_TAG]: entry.ou } };
    const hits: number[] = [];
    parsed.forEach((wave, index) => {
      if (wave.selectors.some((s) => matchesAccount(s, selectable))) hits.push(index + 1);
    });
    const first = hits[0];
    if (first === undefined) unplaced.push(entry.name);
    else if (hits.length > 1) inSeveral.push({ account: entry.name, waves: hits });
    else joined.push({ account: entry.name, wave: first, waveName: parsed[first - 1]?.name ?? "" });
  }
  return {
    hasWaves: true,
    joined,
    inSeveral,
    unplaced,
    line: unplaced.length === 0 ? undefined : `[${unplaced.map(yamlScalar).join(", ")}]`,
  };
}
