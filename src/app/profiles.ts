/**
 * `crossform profiles [--write]`: one AWS CLI profile per account, kept as one managed block in
 * the AWS config file (docs/contract.md section 5). Everything else in that file is kept byte for byte;
 * the old file is backed up; the write is atomic.
 */
import { join } from "node:path";
import type { Config } from "../core/config/model.ts";
import type { Diagnostic } from "../core/errors.ts";
import { sessionName } from "../core/generate/unit-inputs.ts";
import { applyManagedBlock, renderManagedBlock } from "../core/profiles/aws-config-block.ts";
import type { AwsProfileSpec } from "../core/profiles/aws-config-block.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";

/** Name of the OIDC source profile added when the base identity is a web identity. */
export const OIDC_BASE_PROFILE = "crossform-base";

/** What the profiles use case needs to know about its environment. */
export interface ProfilesEnvironment {
  /** `AWS_CONFIG_FILE`, when set. */
  awsConfigFile: string | undefined;
  /** `AWS_WEB_IDENTITY_TOKEN_FILE`, when set (OIDC in CI). */
  webIdentityTokenFile: string | undefined;
  /** `AWS_ROLE_ARN`, when set (OIDC in CI). */
  webIdentityRoleArn: string | undefined;
  /** The operator's home directory. */
  home: string;
  /** The operator's user name, for `{user}` in session names. */
  user: string;
}

/** The profiles of a configuration, in account order. */
export function profileSpecs(config: Config, env: ProfilesEnvironment): AwsProfileSpec[] {
  const specs: AwsProfileSpec[] = [];
  const oidcRole = config.ci.roleArn ?? env.webIdentityRoleArn;
  const useOidc =
    config.base.profile === undefined &&
    env.webIdentityTokenFile !== undefined &&
    oidcRole !== undefined;
  if (useOidc) {
    specs.push({
      name: `${config.profiles.prefix}${OIDC_BASE_PROFILE}`,
      roleArn: oidcRole,
      webIdentityTokenFile: env.webIdentityTokenFile,
      region: config.base.region,
    });
  }
  const user = env.user.replace(/[^A-Za-z0-9_+=,.@-]/g, "-") || "unknown";
  for (const account of config.accounts.values()) {
    const spec: AwsProfileSpec = {
      name: `${config.profiles.prefix}${account.name}`,
      roleArn: account.roleArn,
      roleSessionName: sessionName(config, account.name, "", user).replace(
        /[^A-Za-z0-9_+=,.@-]/g,
        "-",
      ),
      region: account.regions[0] ?? config.base.region,
    };
    if (config.base.profile !== undefined) spec.sourceProfile = config.base.profile;
    else if (useOidc) spec.sourceProfile = `${config.profiles.prefix}${OIDC_BASE_PROFILE}`;
    else spec.credentialSource = "Environment";
    if (account.externalId !== undefined) spec.externalId = account.externalId;
    if (config.session.durationSeconds !== 3600)
      spec.durationSeconds = config.session.durationSeconds;
    specs.push(spec);
  }
  return specs;
}

/** The AWS config file crossform edits. */
export function awsConfigPath(env: ProfilesEnvironment): string {
  return env.awsConfigFile ?? join(env.home, ".aws", "config");
}

/** The outcome of `profiles`. */
export interface ProfilesReport {
  path: string;
  block: string;
  profiles: string[];
  /** With write: whether the file changed; without: whether it would. */
  changed: boolean;
  wrote: boolean;
  backupPath: string | undefined;
  diagnostics: Diagnostic[];
}

/** Renders the managed block and, with `write`, puts it into the AWS config file. */
export async function profiles(
  config: Config,
  deps: { fs: FileSystem; writer: FileWriter },
  env: ProfilesEnvironment,
  options: { write: boolean },
): Promise<ProfilesReport> {
  const path = awsConfigPath(env);
  const specs = profileSpecs(config, env);
  const block = renderManagedBlock(specs, { configPath: path });
  const existing = (await deps.fs.exists(path)) ? await deps.fs.readText(path) : undefined;
  const applied = applyManagedBlock(existing, block, path);
  const report: ProfilesReport = {
    path,
    block,
    profiles: specs.map((s) => s.name),
    changed: applied.changed,
    wrote: false,
    backupPath: undefined,
    diagnostics: applied.diagnostics,
  };
  if (!options.write || applied.diagnostics.some((d) => d.severity === "error") || !applied.changed)
    return report;
  const result = await deps.writer.writeAtomic(path, applied.text, {
    backup: true,
    directoryMode: 0o700,
    ...(existing === undefined ? { mode: 0o600 } : {}),
  });
  return { ...report, wrote: result.changed, backupPath: result.backupPath };
}
