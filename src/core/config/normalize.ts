/**
 * Written config -> normalized {@link Config}: defaults applied, roles as ARNs, selectors resolved,
 * and the semantic rules that need no Terraform code (names that must exist, waves, placeholders,
 * cycles, lock support), one module per section. Returns diagnostics instead of throwing.
 */
import type { Diagnostic } from "../errors.ts";
import { durationSeconds } from "./durations.ts";
import type { Config } from "./model.ts";
import { normalizeAccounts } from "./normalize-accounts.ts";
import { normalizeAws } from "./normalize-aws.ts";
import { normalizeContext } from "./normalize-context.ts";
import { DEFAULTS } from "./normalize-defaults.ts";
import { normalizeRun } from "./normalize-run.ts";
import { normalizeStacks } from "./normalize-stacks.ts";
import { normalizeState } from "./normalize-state.ts";
import { normalizeTerraform } from "./normalize-terraform.ts";
import { normalizeWaves } from "./normalize-waves.ts";
import type { ConfigLocator } from "./parse-config.ts";
import { selectorResolver } from "./resolve-selectors.ts";
import type { WrittenConfig } from "./schema.ts";

export { DEFAULTS, S3_LOCKFILE_MINIMUM } from "./normalize-defaults.ts";
export { defaultKey } from "./normalize-state.ts";

/** The result of normalizing. */
export type NormalizeResult =
  { ok: true; config: Config; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Normalizes a schema-valid written config, section by section. */
export function normalizeConfig(
  written: WrittenConfig,
  locator: ConfigLocator,
  file: string,
): NormalizeResult {
  const ctx = normalizeContext(locator);
  const baseRegion = written.base?.region ?? DEFAULTS.baseRegion;
  const accounts = normalizeAccounts(ctx, written, {
    baseRegion,
    regions: written.defaults?.regions ?? [baseRegion],
    role: written.defaults?.role ?? DEFAULTS.role,
  });
  const resolve = selectorResolver(ctx, accounts);
  const stacks = normalizeStacks(ctx, written, accounts, resolve);
  const waves = normalizeWaves(ctx, written, accounts, resolve);
  const { state, sessionName } = normalizeState(ctx, written, accounts);
  const { binary, version } = normalizeTerraform(ctx, written, state.lock);
  const run = normalizeRun(ctx, written);
  const aws = normalizeAws(ctx, written);
  if (ctx.errors.length > 0) return { ok: false, diagnostics: ctx.errors };
  const config: Config = {
    file,
    locator,
    base: { profile: written.base?.profile, region: baseRegion },
    session: {
      durationSeconds: durationSeconds(
        written.defaults?.session?.duration ?? DEFAULTS.sessionDuration,
      ),
      name: sessionName,
    },
    state,
    accounts,
    stacks,
    waves,
    guards: {
      maxDestroy: written.guards?.max_destroy ?? DEFAULTS.maxDestroy,
      maxDestroyApproval: written.guards?.max_destroy_approval ?? DEFAULTS.maxDestroyApproval,
      maxUnits: written.guards?.max_units ?? DEFAULTS.maxUnits,
    },
    run,
    terraform: { binary, version },
    lint: {
      failLevel: written.lint?.fail_level ?? "error",
      rules: written.lint?.rules ?? {},
      thirdPartyAccounts: written.lint?.third_party_accounts ?? [],
    },
    bootstrap: {
      adminRole: written.bootstrap?.admin_role ?? DEFAULTS.adminRole,
      deployRole: {
        trust: written.bootstrap?.deploy_role?.trust ?? [],
        policyArns: written.bootstrap?.deploy_role?.policy_arns ?? [],
      },
      noncurrentVersionDays:
        written.bootstrap?.noncurrent_version_days ?? DEFAULTS.noncurrentVersionDays,
    },
    ci: {
      roleArn: written.ci?.role_arn,
      sessionDurationSeconds: written.ci?.session_duration
        ? durationSeconds(written.ci.session_duration)
        : undefined,
    },
    profiles: { prefix: written.profiles?.prefix ?? "" },
    aws,
  };
  return { ok: true, config, warnings: [] };
}
