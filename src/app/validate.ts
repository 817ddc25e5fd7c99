/**
 * `crossform validate`: the configuration, every stack's selection and dependencies, waves, the
 * offline state layout rule, and the stacks' code (directory present, backend type). Offline.
 */
import type { Diagnostic } from "../core/errors.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { HclParser } from "../ports/hcl-parser.ts";
import { inspectStacks } from "./inspect-stacks.ts";
import { loadConfig } from "./load-config.ts";
import type { LoadConfigOptions } from "./load-config.ts";

/** One unit as validate lists it. */
export interface ValidatedUnit {
  id: string;
  wave: string;
  dependsOn: string[];
  state: { bucket: string; key: string; region: string; account: string };
}

/** The outcome of validate. */
export interface ValidateReport {
  /** Absolute path of the file validated. */
  path: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  summary?: { accounts: number; stacks: number; units: ValidatedUnit[]; waves: string[] };
}

/** Validates the configuration found from `options`. */
export async function validate(
  deps: { fs: FileSystem; parser: HclParser },
  options: LoadConfigOptions,
): Promise<ValidateReport> {
  const loaded = await loadConfig(deps.fs, options);
  if (!loaded.ok) return { path: loaded.path, valid: false, diagnostics: loaded.diagnostics };
  const inspection = await inspectStacks(loaded, deps);
  const diagnostics = [...loaded.warnings, ...inspection.diagnostics];
  const { config, units } = loaded;
  return {
    path: loaded.path,
    valid: !diagnostics.some((d) => d.severity === "error"),
    diagnostics,
    summary: {
      accounts: config.accounts.size,
      stacks: config.stacks.size,
      waves: config.waves.map((w) => w.name),
      units: units.units.map((u) => ({
        id: u.id,
        wave: config.waves[u.wave]?.name ?? String(u.wave + 1),
        dependsOn: u.dependsOn,
        state: {
          bucket: u.state.bucket,
          key: u.state.key,
          region: u.state.region,
          account: u.state.accountName,
        },
      })),
    },
  };
}
