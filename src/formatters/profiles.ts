/** `crossform profiles --json`. */
import type { ProfilesReport } from "../app/profiles.ts";

/**
 * Shape version 1: `{ version, path, profiles: [name], source: { kind, ... }, changed, wrote,
 * backupPath, block, diagnostics }`. `source` is where the profiles take their credentials from
 * (never a credential: a profile name, or the token file and role of web identity); `changed`
 * says whether the file differs from (or, with `--write`, differed from) the block.
 */
export function formatProfilesJson(report: ProfilesReport): string {
  return `${JSON.stringify(
    {
      version: 1,
      path: report.path,
      profiles: report.profiles,
      source: report.source,
      changed: report.changed,
      wrote: report.wrote,
      backupPath: report.backupPath ?? null,
      block: report.block,
      diagnostics: report.diagnostics,
    },
    null,
    2,
  )}\n`;
}
