/**
 * What shell completion offers from a configuration: its stacks, accounts (and those that need
 * approval), tiers, tags, unit ids and waves, and the ids of the runs recorded next to it. A
 * configuration that cannot be found or read offers nothing: completion never prints an error.
 */
import type { CompletionCatalog } from "../core/completion/candidates.ts";
import { NO_CATALOG } from "../core/completion/candidates.ts";
import { runIdTime } from "../core/run/prune-policy.ts";
import type { FileSystem } from "../ports/file-system.ts";
import { loadConfig } from "./load-config.ts";
import type { LoadConfigOptions } from "./load-config.ts";
import { runsDir } from "./run/run-records.ts";

/** The catalog of the configuration at `location`; see the module comment. */
export async function completionCatalog(
  fs: FileSystem,
  location: LoadConfigOptions,
): Promise<CompletionCatalog> {
  let loaded;
  try {
    loaded = await loadConfig(fs, location);
  } catch {
    return NO_CATALOG;
  }
  if (!loaded.ok) return NO_CATALOG;
  const { config } = loaded;
  const accounts = [...config.accounts.values()];
  let runs: string[] = [];
  try {
    runs = (await fs.listDir(runsDir(loaded.dir)))
      .filter((e) => e.isDirectory && runIdTime(e.name) !== undefined)
      .map((e) => e.name)
      .sort()
      .reverse();
  } catch {
    // no records yet
  }
  return {
    stacks: [...config.stacks.keys()],
    accounts: accounts.map((a) => a.name),
    approvalAccounts: accounts.filter((a) => a.approval).map((a) => a.name),
    tiers: [...new Set(accounts.map((a) => a.tier))],
    tags: [
      ...new Set(accounts.flatMap((a) => Object.entries(a.tags).map(([k, v]) => `${k}=${v}`))),
    ],
    units: loaded.units.units.map((u) => u.id),
    waves: config.waves.flatMap((w, i) => [String(i + 1), w.name]),
    runs,
  };
}
