/**
 * The generated AWS CLI profiles as the AWS config file holds them, compared with what
 * `crossform profiles --write` would write now; and the hint for a profile that failed in
 * `verify --via-profiles`, which names what is actually wrong: profiles never written, written
 * for another base identity or configuration, or a base identity that gives no credentials.
 */
import type { Diagnostic } from "../errors.ts";
import { profileKeyValues } from "./aws-config-block.ts";
import type { AwsProfileSection, AwsProfileSpec } from "./aws-config-block.ts";
import { describeBaseCredentialSource } from "./base-credential-source.ts";
import type { BaseCredentialSource } from "./base-credential-source.ts";

/** How one generated profile stands in the AWS config file. */
export type ProfileState =
  /** The file holds exactly what crossform writes now. */
  | { status: "current" }
  /** The file has no such profile. */
  | { status: "missing" }
  /** The file's profile differs in these keys (sorted). */
  | { status: "differs"; keys: string[]; found: AwsProfileSection };

/** The generated profiles of one AWS config file, checked offline. */
export interface ProfilesCheck {
  /** The AWS config file read (`AWS_CONFIG_FILE` or `~/.aws/config`). */
  path: string;
  /** The base identity the profiles must take their credentials from. */
  source: BaseCredentialSource;
  /** Each generated profile, by name. */
  states: ReadonlyMap<string, ProfileState>;
  /** What crossform would write for each profile, by name. */
  expected: ReadonlyMap<string, AwsProfileSpec>;
  /** Why crossform refuses to write profiles for this base identity, when it does. */
  problem?: Diagnostic | undefined;
}

/** Keys that say where a profile takes the credentials it assumes its role with. */
const SOURCE_KEYS = ["source_profile", "credential_source", "web_identity_token_file"];

/** Compares each expected profile with the file's profile of that name. */
export function compareProfiles(
  expected: readonly AwsProfileSpec[],
  found: ReadonlyMap<string, AwsProfileSection>,
): Map<string, ProfileState> {
  const states = new Map<string, ProfileState>();
  for (const spec of expected) {
    const section = found.get(spec.name);
    if (section === undefined) {
      states.set(spec.name, { status: "missing" });
      continue;
    }
    const want = new Map(profileKeyValues(spec));
    const keys = [...new Set([...want.keys(), ...section.values.keys()])]
      .filter((key) => want.get(key) !== section.values.get(key))
      .sort();
    states.set(
      spec.name,
      keys.length === 0 ? { status: "current" } : { status: "differs", keys, found: section },
    );
  }
  return states;
}

/** Whether any generated profile is missing or differs from what crossform writes now. */
export function profilesStale(check: ProfilesCheck): boolean {
  return [...check.states.values()].some((state) => state.status !== "current");
}

function sourceOf(values: ReadonlyMap<string, string>): string {
  const key = SOURCE_KEYS.find((k) => values.has(k));
  return key === undefined ? "no credential source" : `${key} = ${values.get(key) ?? ""}`;
}

const REWRITE = "rewrite the profiles with `crossform profiles --write`";

/** Codes of a failure to get credentials at all (not a refusal by AWS of what they may do). */
const CREDENTIAL_CODES = new Set([
  "aws/no-credentials",
  "aws/invalid-credentials",
  "aws/expired-token",
]);

function staleHint(check: ProfilesCheck, profile: string, state: ProfileState): string | undefined {
  if (state.status === "missing") {
    return `profile ${profile} is not in ${check.path}: write the profiles with \`crossform profiles --write\` (AWS_CONFIG_FILE names the file it writes)`;
  }
  if (state.status !== "differs") return undefined;
  const spec = check.expected.get(profile);
  const want = new Map(spec === undefined ? [] : profileKeyValues(spec));
  if (state.keys.some((key) => SOURCE_KEYS.includes(key))) {
    return `profile ${profile} in ${check.path} takes its credentials from ${sourceOf(state.found.values)}, but crossform writes ${sourceOf(want)} for the base identity, ${describeBaseCredentialSource(check.source)}: ${REWRITE}`;
  }
  return `profile ${profile} in ${check.path} differs from what crossform writes now (${state.keys.join(", ")}): ${REWRITE}`;
}

function credentialHint(check: ProfilesCheck, profile: string, code: string): string {
  const source = check.source;
  switch (source.kind) {
    case "profile": {
      const what = `profile ${source.profile} (${source.origin}), the source of profile ${profile},`;
      const login = `log in (aws sso login --profile ${source.profile} for SSO), or check its credential_process or keys`;
      return code === "aws/expired-token"
        ? `the session of ${what.slice(0, -1)} expired: ${login}`
        : `${what} gives no valid credentials: ${login}`;
    }
    case "web-identity":
      return `profile ${profile} assumes its role through the web identity token ${source.tokenFile}: check that the file exists and holds a fresh token (in CI: the job's OIDC token)`;
    case "container":
      return `profile ${profile} takes its credentials from the container (credential_source = EcsContainer): check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI`;
    case "environment":
    case "none":
      return `profile ${profile} takes its credentials from the environment (credential_source = Environment), which has none that work: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or set base.profile in crossform.yaml (or export AWS_PROFILE) and ${REWRITE}`;
  }
}

/**
 * The hint for a profile that failed in `verify --via-profiles` with `code`; undefined when the
 * profile is current and the failure is not about it (access denied keeps the AWS hint).
 * @param account the account's name, for a role that lands in another account
 */
export function profileFailureHint(
  check: ProfilesCheck,
  profile: string,
  code: string,
  account: string,
): string | undefined {
  if (check.problem !== undefined) {
    return `${check.problem.message}: ${check.problem.hint ?? REWRITE}`;
  }
  const state = check.states.get(profile) ?? { status: "missing" };
  const stale = staleHint(check, profile, state);
  if (stale !== undefined) return stale;
  if (CREDENTIAL_CODES.has(code)) return credentialHint(check, profile, code);
  if (code === "aws/role-in-other-account") {
    return `profile ${profile} is what crossform writes, so crossform.yaml itself names two accounts: make accounts.${account}.id and accounts.${account}.role name the same account, then ${REWRITE}`;
  }
  return undefined;
}
