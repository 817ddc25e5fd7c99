/**
 * The `waves:` section: every account in exactly one wave (one wave of all accounts when none is
 * written); each account learns its wave's index.
 */
import type { Account, Wave } from "./model.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { ConfigPath } from "./parse-config.ts";
import type { SelectorResolver } from "./resolve-selectors.ts";
import type { WrittenConfig } from "./schema.ts";

/**
 * The waves, in order. An account in no wave is reported only when nothing else is wrong so far
 * (an earlier error, such as a misspelt selector, often explains it).
 */
export function normalizeWaves(
  ctx: NormalizeContext,
  written: WrittenConfig,
  accounts: Map<string, Account>,
  resolveSelectors: SelectorResolver,
): Wave[] {
  const accountNames = [...accounts.keys()];
  const waves: Wave[] = [];
  if (written.waves === undefined) {
    waves.push({ name: "all", accounts: accountNames, canary: undefined, tolerance: 0 });
  } else {
    const waveOf = new Map<string, number>();
    written.waves.forEach((w, index) => {
      const selectors = Array.isArray(w) ? w : w.select;
      const name = Array.isArray(w) ? selectors.join(",") : (w.name ?? selectors.join(","));
      const path: ConfigPath = Array.isArray(w) ? ["waves", index] : ["waves", index, "select"];
      const selected = resolveSelectors(selectors, path, `wave ${index + 1}`, {
        allowStack: false,
      });
      for (const accountName of selected.names) {
        const previous = waveOf.get(accountName);
        if (previous !== undefined) {
          ctx.error(
            "config/account-in-two-waves",
            ["waves", index],
            `account ${accountName} is in wave ${previous + 1} and in wave ${index + 1}`,
            "every account belongs to exactly one wave: narrow one of the selectors",
          );
        } else {
          waveOf.set(accountName, index);
        }
      }
      waves.push({
        name,
        accounts: selected.names,
        canary: Array.isArray(w) ? undefined : w.canary,
        tolerance: Array.isArray(w) ? 0 : (w.tolerance ?? 0),
      });
    });
    const missing = accountNames.filter((n) => !waveOf.has(n));
    if (missing.length > 0 && ctx.errors.length === 0) {
      ctx.error(
        "config/account-without-wave",
        ["waves"],
        `account${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} in no wave`,
        `add ${missing.length > 1 ? "them" : "it"} to a wave, e.g. a wave line [${missing.join(", ")}]`,
      );
    }
    for (const [accountName, index] of waveOf) {
      const account = accounts.get(accountName);
      if (account) account.wave = index;
    }
  }

  return waves;
}
