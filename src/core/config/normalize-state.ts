/**
 * The `state:` section and the session name: the bucket and key patterns (defaults for a central
 * state account), their placeholders, the lock, and the role session name's placeholders.
 */
import { didYouMean } from "./did-you-mean.ts";
import type { Account, LockSetting, StateSettings } from "./model.ts";
import { DEFAULTS } from "./normalize-defaults.ts";
import { namesHint } from "./normalize-context.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import { SESSION_PLACEHOLDERS, STATE_PLACEHOLDERS, unknownPlaceholders } from "./placeholders.ts";
import type { WrittenConfig } from "./schema.ts";

/** The state settings and the session name pattern. */
export function normalizeState(
  ctx: NormalizeContext,
  written: WrittenConfig,
  accounts: ReadonlyMap<string, Account>,
): { state: StateSettings; sessionName: string } {
  const accountNames = [...accounts.keys()];
  const lock = parseLock(written.state?.lock ?? "s3");
  const stateAccount = written.state?.account;
  // With a central state account the default bucket is that account's, not each target's.
  const bucket =
    written.state?.bucket ??
    (stateAccount === undefined ? DEFAULTS.bucket : DEFAULTS.centralBucket);
  if (stateAccount !== undefined && !accounts.has(stateAccount)) {
    const suggestion = didYouMean(stateAccount, accountNames);
    ctx.error(
      "config/unknown-account",
      ["state", "account"],
      `state.account names no account "${stateAccount}"`,
      namesHint(suggestion, "accounts", accountNames),
    );
  }
  const key = written.state?.key ?? defaultKey(bucket, stateAccount !== undefined);
  for (const [field, pattern] of [
    ["bucket", bucket],
    ["key", key],
  ] as const) {
    for (const unknown of unknownPlaceholders(pattern, STATE_PLACEHOLDERS)) {
      ctx.error(
        "config/unknown-placeholder",
        ["state", field],
        `state.${field} "${pattern}" uses the unknown placeholder {${unknown}}`,
        `placeholders: ${STATE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      );
    }
  }
  if (stateAccount !== undefined && bucket.includes("{account_id}")) {
    ctx.error(
      "config/state-bucket-account-mismatch",
      ["state", "bucket"],
      `state.bucket "${bucket}" uses {account_id}, the target account, but every state is kept in account ${stateAccount}`,
      "use {state_account_id} in the bucket name of a central state account, and put {account} in the key",
    );
  }
  const sessionName = written.defaults?.session?.name ?? DEFAULTS.sessionName;
  for (const unknown of unknownPlaceholders(sessionName, SESSION_PLACEHOLDERS)) {
    ctx.error(
      "config/unknown-placeholder",
      ["defaults", "session", "name"],
      `session name "${sessionName}" uses the unknown placeholder {${unknown}}`,
      `placeholders: ${SESSION_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
    );
  }

  return {
    state: {
      bucket,
      key,
      region: written.state?.region,
      lock,
      account: stateAccount,
      role: written.state?.role,
    },
    sessionName,
  };
}

/** The default state key: unique per stack, and per account and region where the bucket is not. */
export function defaultKey(bucket: string, centralAccount: boolean): string {
  const parts: string[] = [];
  if (centralAccount && !bucket.includes("{account}") && !bucket.includes("{account_id}"))
    parts.push("{account}");
  parts.push("{stack}");
  if (!bucket.includes("{region}")) parts.push("{region}");
  parts.push("terraform.tfstate");
  return parts.join("/");
}

export function parseLock(text: string): LockSetting {
  if (text.startsWith("dynamodb:"))
    return { kind: "dynamodb", table: text.slice("dynamodb:".length) };
  return { kind: "s3" };
}
