/**
 * `crossform profiles [--write]`: one AWS CLI profile per account, kept as one managed block in
 * the AWS config file (docs/contract.md section 5). Everything else in that file is kept byte for byte;
 * the old file is backed up; the write is atomic.
 */
import { join } from "node:path";
import type { Config } from "../core/config/model.ts";
import type { Diagnostic } from "../core/errors.ts";
import { sessionName } from "../core/generate/unit-inputs.ts";
import {
  applyManagedBlock,
  readAwsProfiles,
  renderManagedBlock,
} from "../core/profiles/aws-config-block.ts";
import type { AwsProfileSection, AwsProfileSpec } from "../core/profiles/aws-config-block.ts";
import {
  OIDC_BASE_PROFILE,
  checkBaseCredentialSource,
  findBaseCredentialSource,
  profileSourceKeys,
} from "../core/profiles/base-credential-source.ts";
import type { BaseCredentialSource } from "../core/profiles/base-credential-source.ts";
import { compareProfiles } from "../core/profiles/profiles-check.ts";
import type { ProfilesCheck } from "../core/profiles/profiles-check.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";

export { OIDC_BASE_PROFILE };

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
  /** `AWS_PROFILE`, when set: the base identity's profile when crossform.yaml has no `base.profile`. */
  awsProfile?: string | undefined;
  /** `AWS_SHARED_CREDENTIALS_FILE`, when set. */
  sharedCredentialsFile?: string | undefined;
  /** Whether `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are both set. */
  environmentKeys?: boolean | undefined;
  /** Whether `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` is set. */
  containerCredentials?: boolean | undefined;
}

/** The base identity's credential source for a configuration and environment. */
export function baseCredentialSource(
  config: Config,
  env: ProfilesEnvironment,
  sharedProfiles: ReadonlyMap<string, AwsProfileSection> = new Map(),
): BaseCredentialSource {
  return findBaseCredentialSource({
    baseProfile: config.base.profile,
    ciRoleArn: config.ci.roleArn,
    env: {
      AWS_PROFILE: env.awsProfile,
      ...(env.environmentKeys === true
        ? { AWS_ACCESS_KEY_ID: "set", AWS_SECRET_ACCESS_KEY: "set" }
        : {}),
      AWS_WEB_IDENTITY_TOKEN_FILE: env.webIdentityTokenFile,
      AWS_ROLE_ARN: env.webIdentityRoleArn,
      ...(env.containerCredentials === true
        ? { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "set" }
        : {}),
    },
    sharedProfiles,
  });
}

/**
 * The profiles of a configuration, in account order, taking their credentials from `source`
 * (default: the source the environment alone gives, without reading the shared files).
 */
export function profileSpecs(
  config: Config,
  env: ProfilesEnvironment,
  source: BaseCredentialSource = baseCredentialSource(config, env),
): AwsProfileSpec[] {
  const specs: AwsProfileSpec[] = [];
  const prefix = config.profiles.prefix;
  if (source.kind === "web-identity") {
    specs.push({
      name: `${prefix}${OIDC_BASE_PROFILE}`,
      roleArn: source.roleArn,
      webIdentityTokenFile: source.tokenFile,
      region: config.base.region,
    });
  }
  const user = env.user.replace(/[^A-Za-z0-9_+=,.@-]/g, "-") || "unknown";
  for (const account of config.accounts.values()) {
    const spec: AwsProfileSpec = {
      name: `${prefix}${account.name}`,
      roleArn: account.roleArn,
      ...profileSourceKeys(source, prefix),
      roleSessionName: sessionName(config, account.name, "", user).replace(
        /[^A-Za-z0-9_+=,.@-]/g,
        "-",
      ),
      region: account.regions[0] ?? config.base.region,
    };
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

/** The shared credentials file the AWS CLI and SDK read. */
export function awsCredentialsPath(env: ProfilesEnvironment): string {
  return env.sharedCredentialsFile ?? join(env.home, ".aws", "credentials");
}

/** What the shared AWS files hold, read once. */
interface SharedFiles {
  configPath: string;
  credentialsPath: string;
  /** The config file's text; undefined when it does not exist. */
  configText: string | undefined;
  /** The profiles of both files; the config file's win. */
  profiles: Map<string, AwsProfileSection>;
}

async function readOptional(fs: FileSystem, path: string): Promise<string | undefined> {
  return (await fs.exists(path)) ? fs.readText(path) : undefined;
}

async function readSharedFiles(fs: FileSystem, env: ProfilesEnvironment): Promise<SharedFiles> {
  const configPath = awsConfigPath(env);
  const credentialsPath = awsCredentialsPath(env);
  const configText = await readOptional(fs, configPath);
  const credentialsText = await readOptional(fs, credentialsPath).catch(() => undefined);
  // Only the names of the credentials file's keys are kept: its secrets are never held.
  const credentialProfiles = [...readAwsProfiles(credentialsText ?? "", "credentials")].map(
    ([name, section]): [string, AwsProfileSection] => [
      name,
      { ...section, values: new Map([...section.values.keys()].map((key) => [key, ""])) },
    ],
  );
  // A profile may be split over both files (keys in credentials, region in config), as the AWS
  // CLI reads it: its keys are merged, the config file's values winning.
  const profiles = new Map(credentialProfiles);
  for (const [name, section] of readAwsProfiles(configText ?? "", "config")) {
    const other = profiles.get(name);
    profiles.set(
      name,
      other === undefined
        ? section
        : { ...section, values: new Map([...other.values, ...section.values]) },
    );
  }
  return { configPath, credentialsPath, configText, profiles };
}

/** The profiles crossform would write, with the base source they follow and its problems. */
function plannedProfiles(
  config: Config,
  env: ProfilesEnvironment,
  files: SharedFiles,
): { source: BaseCredentialSource; specs: AwsProfileSpec[]; diagnostics: Diagnostic[] } {
  const source = baseCredentialSource(config, env, files.profiles);
  const specs = profileSpecs(config, env, source);
  const diagnostics = checkBaseCredentialSource(
    source,
    specs.map((s) => s.name),
    files.profiles,
    { config: files.configPath, credentials: files.credentialsPath },
  );
  return { source, specs, diagnostics };
}

/**
 * The generated profiles as the AWS config file holds them now, for `verify --via-profiles`:
 * which are current, missing or different, and the base identity they must follow. Offline.
 */
export async function checkProfiles(
  config: Config,
  deps: { fs: FileSystem },
  env: ProfilesEnvironment,
): Promise<ProfilesCheck> {
  const files = await readSharedFiles(deps.fs, env);
  const planned = plannedProfiles(config, env, files);
  const inFile = readAwsProfiles(files.configText ?? "", "config");
  return {
    path: files.configPath,
    source: planned.source,
    states: compareProfiles(planned.specs, inFile),
    expected: new Map(planned.specs.map((spec) => [spec.name, spec])),
    problem: planned.diagnostics.find((d) => d.severity === "error"),
  };
}

/** The outcome of `profiles`. */
export interface ProfilesReport {
  path: string;
  /** The managed block; `""` when crossform refuses to write profiles (see `diagnostics`). */
  block: string;
  profiles: string[];
  /** The base identity the profiles take their credentials from. */
  source: BaseCredentialSource;
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
  const files = await readSharedFiles(deps.fs, env);
  const path = files.configPath;
  const planned = plannedProfiles(config, env, files);
  const report: ProfilesReport = {
    path,
    block: "",
    profiles: planned.specs.map((s) => s.name),
    source: planned.source,
    changed: false,
    wrote: false,
    backupPath: undefined,
    diagnostics: planned.diagnostics,
  };
  if (planned.diagnostics.some((d) => d.severity === "error")) return report;
  const block = renderManagedBlock(planned.specs, { configPath: path });
  const existing = files.configText;
  const applied = applyManagedBlock(existing, block, path);
  const checked: ProfilesReport = {
    ...report,
    block,
    changed: applied.changed,
    diagnostics: [...planned.diagnostics, ...applied.diagnostics],
  };
  if (!options.write || applied.diagnostics.some((d) => d.severity === "error") || !applied.changed)
    return checked;
  const result = await deps.writer.writeAtomic(path, applied.text, {
    backup: true,
    directoryMode: 0o700,
    ...(existing === undefined ? { mode: 0o600 } : {}),
  });
  return { ...checked, wrote: result.changed, backupPath: result.backupPath };
}
