/**
 * Where the base identity's credentials come from, found the way crossform's own AWS sessions find
 * them (the AWS SDK's default chain, or `base.profile`), so that the generated AWS CLI profiles
 * assume their roles from the same identity (docs/decisions/0017-profiles-follow-the-base-identity.md).
 *
 * The SDK's order, which this follows: `base.profile`; else `AWS_PROFILE`; else the keys in the
 * environment; else the `default` profile of the shared files; else a web identity token; else
 * container credentials; else instance metadata, which cannot be told apart offline.
 */
import type { Diagnostic } from "../errors.ts";
import type { AwsCredentialSource, AwsProfileSection } from "./aws-config-block.ts";

/** Name of the OIDC source profile added when the base identity is a web identity. */
export const OIDC_BASE_PROFILE = "crossform-base";

/** Where a base profile's name came from. */
export type BaseProfileOrigin = "base.profile" | "AWS_PROFILE" | "default profile";

/** The base identity's credentials, as far as the configuration and environment tell. */
export type BaseCredentialSource =
  /** A profile of the shared AWS files (SSO, `credential_process`, keys, a role chain...). */
  | { kind: "profile"; profile: string; origin: BaseProfileOrigin }
  /** `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in the environment. */
  | { kind: "environment" }
  /** An OIDC token file and the role it is exchanged for (CI). */
  | { kind: "web-identity"; tokenFile: string; roleArn: string }
  /** `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `_FULL_URI` (ECS, CodeBuild, EKS Pod Identity). */
  | { kind: "container" }
  /** Nothing found: no profile, keys, token or container credentials in this environment. */
  | { kind: "none" };

/** The environment variables the default chain reads; unset names are absent or undefined. */
export interface BaseCredentialEnvironment {
  AWS_PROFILE?: string | undefined;
  AWS_ACCESS_KEY_ID?: string | undefined;
  AWS_SECRET_ACCESS_KEY?: string | undefined;
  AWS_WEB_IDENTITY_TOKEN_FILE?: string | undefined;
  AWS_ROLE_ARN?: string | undefined;
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI?: string | undefined;
  AWS_CONTAINER_CREDENTIALS_FULL_URI?: string | undefined;
}

/** Input of {@link findBaseCredentialSource}. */
export interface BaseCredentialInputs {
  /** `base.profile` of crossform.yaml. */
  baseProfile: string | undefined;
  /** `ci.role_arn` of crossform.yaml: the OIDC role, preferred over `AWS_ROLE_ARN`. */
  ciRoleArn: string | undefined;
  env: BaseCredentialEnvironment;
  /** The profiles of the shared AWS config file and credentials file, by name. */
  sharedProfiles: ReadonlyMap<string, AwsProfileSection>;
}

/** Keys that give a profile credentials of its own (a profile with only `region` has none). */
const CREDENTIAL_KEYS = [
  "aws_access_key_id",
  "sso_session",
  "sso_start_url",
  "sso_account_id",
  "credential_process",
  "role_arn",
  "web_identity_token_file",
  "login_session",
];

function set(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** Whether a profile of the shared files gives credentials (keys, SSO, a process, a role...). */
export function profileHasCredentials(profile: AwsProfileSection | undefined): boolean {
  return profile !== undefined && CREDENTIAL_KEYS.some((key) => profile.values.has(key));
}

/** The base identity's credential source, in the order crossform's AWS sessions look for it. */
export function findBaseCredentialSource(inputs: BaseCredentialInputs): BaseCredentialSource {
  const { env } = inputs;
  if (set(inputs.baseProfile)) {
    return { kind: "profile", profile: inputs.baseProfile, origin: "base.profile" };
  }
  if (set(env.AWS_PROFILE))
    return { kind: "profile", profile: env.AWS_PROFILE, origin: "AWS_PROFILE" };
  if (set(env.AWS_ACCESS_KEY_ID) && set(env.AWS_SECRET_ACCESS_KEY)) return { kind: "environment" };
  if (profileHasCredentials(inputs.sharedProfiles.get("default"))) {
    return { kind: "profile", profile: "default", origin: "default profile" };
  }
  const roleArn = set(inputs.ciRoleArn) ? inputs.ciRoleArn : env.AWS_ROLE_ARN;
  if (set(env.AWS_WEB_IDENTITY_TOKEN_FILE) && set(roleArn)) {
    return { kind: "web-identity", tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, roleArn };
  }
  if (
    set(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ||
    set(env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
  ) {
    return { kind: "container" };
  }
  return { kind: "none" };
}

/** How the generated account profiles take their credentials from a base source. */
export type ProfileSourceKeys =
  { sourceProfile: string } | { credentialSource: AwsCredentialSource };

/**
 * The `source_profile` or `credential_source` of every account profile for a base source; for a
 * web identity, the `crossform-base` profile (with `profiles.prefix`) that the block adds.
 */
export function profileSourceKeys(source: BaseCredentialSource, prefix: string): ProfileSourceKeys {
  switch (source.kind) {
    case "profile":
      return { sourceProfile: source.profile };
    case "web-identity":
      return { sourceProfile: `${prefix}${OIDC_BASE_PROFILE}` };
    case "container":
      return { credentialSource: "EcsContainer" };
    case "environment":
    case "none":
      return { credentialSource: "Environment" };
  }
}

/** `profile org-admin (AWS_PROFILE)`, `the keys in the environment`...: for messages. */
export function describeBaseCredentialSource(source: BaseCredentialSource): string {
  switch (source.kind) {
    case "profile":
      return source.origin === "default profile"
        ? "profile default (the default profile)"
        : `profile ${source.profile} (${source.origin})`;
    case "environment":
      return "the keys in the environment (AWS_ACCESS_KEY_ID)";
    case "web-identity":
      return `the web identity token ${source.tokenFile} (role ${source.roleArn})`;
    case "container":
      return "the container credentials (AWS_CONTAINER_CREDENTIALS_*)";
    case "none":
      return "none found (no base.profile, AWS_PROFILE, access keys, default profile, web identity or container credentials)";
  }
}

/**
 * Problems with a base source for profile generation: an error when the base profile is one of
 * the profiles crossform generates (the account profiles would assume their roles from an account
 * role, or from themselves); a warning when the base profile is defined in neither shared file,
 * or when no base identity is found at all (the profiles then read the environment's keys).
 * @param generated the names of the profiles of the managed block
 * @param files the shared files read, for messages: `{ config, credentials }`
 */
export function checkBaseCredentialSource(
  source: BaseCredentialSource,
  generated: readonly string[],
  sharedProfiles: ReadonlyMap<string, AwsProfileSection>,
  files: { config: string; credentials: string },
): Diagnostic[] {
  if (source.kind === "none") {
    return [
      {
        severity: "warning",
        code: "profiles/no-base-identity",
        message:
          "no base identity in this environment (no base.profile in crossform.yaml, no AWS_PROFILE, no AWS_ACCESS_KEY_ID, no default profile with credentials): the profiles take their credentials from the environment (credential_source = Environment)",
        hint: "set base.profile in crossform.yaml (or export AWS_PROFILE) to the profile you log in with, then run crossform profiles --write again; or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY before using the profiles",
      },
    ];
  }
  if (source.kind !== "profile" || source.origin === "default profile") return [];
  const key = source.origin === "base.profile" ? "base.profile in crossform.yaml" : "AWS_PROFILE";
  if (generated.includes(source.profile)) {
    return [
      {
        severity: "error",
        code: "profiles/base-profile-is-generated",
        message: `${key} is "${source.profile}", a profile crossform generates for an account: the account profiles cannot assume their roles from it`,
        hint:
          source.origin === "AWS_PROFILE"
            ? "set base.profile in crossform.yaml to the profile you log in with (for example base: { profile: org-admin }), or export AWS_PROFILE=<that profile>, then run crossform profiles --write again"
            : "set base.profile to the profile you log in with, or set profiles.prefix in crossform.yaml so that crossform's profile names differ from it",
      },
    ];
  }
  if (!sharedProfiles.has(source.profile)) {
    return [
      {
        severity: "warning",
        code: "profiles/base-profile-undefined",
        message: `${key} names profile "${source.profile}", which neither ${files.config} nor ${files.credentials} defines: the account profiles will fail until it exists`,
        hint: `define [profile ${source.profile}] (aws configure sso --profile ${source.profile}), or set ${source.origin === "AWS_PROFILE" ? "AWS_PROFILE" : "base.profile"} to the profile you log in with`,
      },
    ];
  }
  return [];
}
