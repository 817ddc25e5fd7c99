/**
 * Where the base credentials came from, for people: the SDK marks resolved credentials with the
 * provider that produced them (`$source`, its feature ids); crossform names the first it knows.
 */

const SOURCES: [string, string][] = [
  ["CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "web identity (environment)"],
  ["CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN", "web identity (profile)"],
  ["CREDENTIALS_STS_ASSUME_ROLE_WEB_ID", "web identity"],
  ["CREDENTIALS_PROFILE_SSO", "SSO"],
  ["CREDENTIALS_PROFILE_SSO_LEGACY", "SSO"],
  ["CREDENTIALS_SSO", "SSO"],
  ["CREDENTIALS_SSO_LEGACY", "SSO"],
  ["CREDENTIALS_PROFILE_LOGIN", "console login"],
  ["CREDENTIALS_LOGIN", "console login"],
  ["CREDENTIALS_PROFILE_SOURCE_PROFILE", "assumed role (source_profile)"],
  ["CREDENTIALS_PROFILE_NAMED_PROVIDER", "assumed role (credential_source)"],
  ["CREDENTIALS_PROFILE_PROCESS", "credential process"],
  ["CREDENTIALS_PROCESS", "credential process"],
  ["CREDENTIALS_HTTP", "container credentials"],
  ["CREDENTIALS_IMDS", "instance metadata"],
  ["CREDENTIALS_ENV_VARS", "environment"],
  ["CREDENTIALS_PROFILE", "shared credentials file"],
  ["CREDENTIALS_CODE", "static credentials"],
];

/** `profile org-admin (SSO)`, `environment`, `web identity`...; `default chain` when unknown. */
export function describeCredentialSource(credentials: object, profile: string | undefined): string {
  const marks = (credentials as { $source?: Record<string, unknown> }).$source ?? {};
  const kind = SOURCES.find(([feature]) => feature in marks)?.[1];
  if (profile !== undefined)
    return kind === undefined ? `profile ${profile}` : `profile ${profile} (${kind})`;
  return kind ?? "default chain";
}
