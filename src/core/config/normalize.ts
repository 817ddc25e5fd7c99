/**
 * Written config -> normalized {@link Config}: defaults applied, roles as ARNs, selectors resolved,
 * and the semantic rules that need no Terraform code (names that must exist, waves, placeholders,
 * cycles, lock support). Returns diagnostics instead of throwing.
 */
import type { Diagnostic } from "../errors.ts";
import { matchesAccount, hasAccountTerms, parseSelector } from "../units/selector.ts";
import type { Selector } from "../units/selector.ts";
import { accountIdOfArn, roleArnFor } from "./arn.ts";
import { didYouMean } from "./did-you-mean.ts";
import { durationSeconds } from "./durations.ts";
import type { Account, Config, LockSetting, Stack, Wave } from "./model.ts";
import type { ConfigLocator, ConfigPath } from "./parse-config.ts";
import { SESSION_PLACEHOLDERS, STATE_PLACEHOLDERS, unknownPlaceholders } from "./placeholders.ts";
import type { WrittenConfig } from "./schema.ts";
import { compareVersions, lowestAdmitted, parseConstraint } from "./terraform-version.ts";

/** Defaults of keys the user may omit (documented in docs/config.md). */
export const DEFAULTS = {
  baseRegion: "us-east-1",
  role: "TerraformDeploy",
  sessionDuration: "1h",
  sessionName: "crossform-{user}",
  bucket: "crossform-state-{account_id}-{region}",
  centralBucket: "crossform-state-{state_account_id}-{region}",
  terraformBinary: "terraform",
  terraformVersion: ">= 1.10",
  maxDestroy: 10,
  maxDestroyApproval: 0,
  maxUnits: 100,
  parallel: 4,
  lockTimeout: "0s",
  adminRole: "OrganizationAccountAccessRole",
  noncurrentVersionDays: 90,
} as const;

/** The lowest Terraform/OpenTofu version with `use_lockfile` in the S3 backend. */
export const S3_LOCKFILE_MINIMUM: [number, number, number] = [1, 10, 0];

/** The result of normalizing. */
export type NormalizeResult =
  { ok: true; config: Config; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Normalizes a schema-valid written config. */
export function normalizeConfig(
  written: WrittenConfig,
  locator: ConfigLocator,
  file: string,
): NormalizeResult {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const error = (
    code: string,
    path: ConfigPath,
    message: string,
    hint: string,
    key = false,
  ): void => {
    errors.push({
      severity: "error",
      code,
      message,
      hint,
      position: locator.positionOf(path, { key }),
    });
  };

  const baseRegion = written.base?.region ?? DEFAULTS.baseRegion;
  const defaultRegions = written.defaults?.regions ?? [baseRegion];
  const defaultRole = written.defaults?.role ?? DEFAULTS.role;

  // Accounts.
  const accounts = new Map<string, Account>();
  const ids = new Map<string, string>();
  for (const [name, a] of Object.entries(written.accounts)) {
    const regions = a.regions ?? defaultRegions;
    const firstRegion = regions[0] ?? baseRegion;
    const roleArn = roleArnFor(a.role ?? defaultRole, a.id, firstRegion);
    const roleAccount = accountIdOfArn(roleArn);
    if (roleAccount === undefined) {
      error(
        "config/invalid-role",
        ["accounts", name, "role"],
        `role "${roleArn}" of account ${name} is not an IAM role ARN`,
        "write a role name (TerraformDeploy) or a full ARN: arn:aws:iam::<12-digit id>:role/<name>",
      );
    } else if (roleAccount !== a.id) {
      error(
        "config/role-in-other-account",
        a.role ? ["accounts", name, "role"] : ["defaults", "role"],
        `role ${roleArn} of account ${name} is in account ${roleAccount}, not ${a.id}`,
        `a deploy role must live in the account it deploys to: use arn:...:iam::${a.id}:role/<name>, or a role name`,
      );
    }
    const other = ids.get(a.id);
    if (other !== undefined) {
      error(
        "config/duplicate-account-id",
        ["accounts", name, "id"],
        `accounts ${other} and ${name} have the same id ${a.id}`,
        "each account entry must describe a different AWS account; remove or correct one",
      );
    }
    ids.set(a.id, name);
    accounts.set(name, {
      name,
      id: a.id,
      tier: a.tier ?? "",
      tags: a.tags ?? {},
      roleArn,
      regions: [...new Set(regions)],
      externalId: a.external_id ?? written.defaults?.external_id,
      approval: a.approval === "required",
      vars: { ...written.defaults?.vars, ...a.vars },
      defaultTags: { ...written.defaults?.default_tags, ...a.default_tags },
      wave: 0,
    });
  }
  if (accounts.size === 0) {
    error(
      "config/no-accounts",
      ["accounts"],
      "no accounts are configured",
      "add at least one entry under `accounts:`",
    );
  }
  const accountNames = [...accounts.keys()];

  const resolveSelectors = (
    texts: string[],
    path: ConfigPath,
    what: string,
    options: { allowStack: boolean },
  ): { names: string[]; selectors: Selector[] } => {
    const selectors: Selector[] = [];
    const names = new Set<string>();
    texts.forEach((text, i) => {
      const parsed = parseSelector(text);
      if (!parsed.ok) {
        error(
          "config/invalid-selector",
          [...path, i],
          `${what}: ${parsed.error}`,
          "see the selector grammar in docs/config.md",
        );
        return;
      }
      if (!options.allowStack && !hasAccountTerms(parsed.selector)) {
        error(
          "config/invalid-selector",
          [...path, i],
          `${what}: "${text}" selects no accounts`,
          "use an account name, tier:<tier> or tag:<key>=<value>",
        );
        return;
      }
      if (!options.allowStack && parsed.selector.terms.some((t) => t.kind === "stack")) {
        error(
          "config/invalid-selector",
          [...path, i],
          `${what}: "${text}" uses stack:, which selects stacks, not accounts`,
          "remove the stack: term",
        );
        return;
      }
      for (const term of parsed.selector.terms) {
        if (term.kind === "name" && !accounts.has(term.name)) {
          const suggestion = didYouMean(term.name, accountNames);
          error(
            "config/unknown-account",
            [...path, i],
            `${what}: no account named "${term.name}"`,
            suggestion
              ? `did you mean "${suggestion}"?`
              : `configured accounts: ${accountNames.join(", ")}`,
          );
          return;
        }
      }
      const matched = [...accounts.values()].filter((a) => matchesAccount(parsed.selector, a));
      if (matched.length === 0) {
        error(
          "config/selector-matches-nothing",
          [...path, i],
          `${what}: selector "${text}" matches no account`,
          "check the tier and tag values against the accounts, or remove the selector",
        );
        return;
      }
      selectors.push(parsed.selector);
      for (const a of matched) names.add(a.name);
    });
    return { names: accountNames.filter((n) => names.has(n)), selectors };
  };

  // Stacks.
  const stacks = new Map<string, Stack>();
  const writtenStacks = written.stacks ?? {};
  const stackNames = Object.keys(writtenStacks);
  for (const [name, s] of Object.entries(writtenStacks)) {
    const mode = s.mode ?? "per-account";
    const selected = resolveSelectors(s.accounts, ["stacks", name, "accounts"], `stack ${name}`, {
      allowStack: false,
    });
    if (mode === "multi-account") {
      if (s.home === undefined) {
        error(
          "config/missing-home",
          ["stacks", name],
          `multi-account stack ${name} has no \`home\``,
          "add `home: <account>`: the account that holds its one state",
        );
      } else if (!accounts.has(s.home)) {
        error(
          "config/unknown-account",
          ["stacks", name, "home"],
          `stack ${name}: home "${s.home}" is not a configured account`,
          `configured accounts: ${accountNames.join(", ")}`,
        );
      } else if (!selected.names.includes(s.home)) {
        error(
          "config/home-not-selected",
          ["stacks", name, "home"],
          `stack ${name}: home ${s.home} is not among its accounts`,
          `add ${s.home} to stacks.${name}.accounts`,
        );
      }
    } else if (s.home !== undefined) {
      error(
        "config/home-without-multi-account",
        ["stacks", name, "home"],
        `stack ${name} has \`home\` but is per-account`,
        "remove `home`, or set `mode: multi-account`",
      );
    }
    for (const [alias, target] of Object.entries(s.references ?? {})) {
      if (!/^[a-z][a-z0-9_]*$/.test(alias)) {
        error(
          "config/invalid-alias",
          ["stacks", name, "references", alias],
          `stack ${name}: reference alias "${alias}" is not a valid provider alias`,
          "use lowercase letters, digits and '_', starting with a letter",
          true,
        );
      }
      if (!accounts.has(target)) {
        const suggestion = didYouMean(target, accountNames);
        error(
          "config/unknown-account",
          ["stacks", name, "references", alias],
          `stack ${name}: reference ${alias} names no account "${target}"`,
          suggestion
            ? `did you mean "${suggestion}"?`
            : `configured accounts: ${accountNames.join(", ")}`,
        );
      }
    }
    for (const [i, dep] of (s.depends_on ?? []).entries()) {
      if (!(dep in writtenStacks)) {
        const suggestion = didYouMean(dep, stackNames);
        error(
          "config/unknown-stack",
          ["stacks", name, "depends_on", i],
          `stack ${name} depends on "${dep}", which is not a stack`,
          suggestion
            ? `did you mean "${suggestion}"?`
            : `configured stacks: ${stackNames.join(", ")}`,
        );
      } else if (dep === name) {
        error(
          "config/dependency-cycle",
          ["stacks", name, "depends_on", i],
          `stack ${name} depends on itself`,
          `remove ${name} from its own depends_on`,
        );
      }
    }
    const targetVars: Record<string, Record<string, unknown>> = {};
    for (const [accountName, target] of Object.entries(s.targets ?? {})) {
      if (!selected.names.includes(accountName) && accounts.has(accountName)) {
        error(
          "config/target-not-selected",
          ["stacks", name, "targets", accountName],
          `stack ${name}: targets.${accountName} is not one of the stack's accounts`,
          `add ${accountName} to stacks.${name}.accounts, or remove the target`,
          true,
        );
      } else if (!accounts.has(accountName)) {
        error(
          "config/unknown-account",
          ["stacks", name, "targets", accountName],
          `stack ${name}: targets names no account "${accountName}"`,
          `configured accounts: ${accountNames.join(", ")}`,
          true,
        );
      }
      targetVars[accountName] = target.vars ?? {};
    }
    stacks.set(name, {
      name,
      path: normalizeRelativePath(s.path),
      mode,
      home: s.home,
      accounts: selected.names,
      regions: s.regions ? [...new Set(s.regions)] : undefined,
      dependsOn: [...new Set(s.depends_on ?? [])],
      references: s.references ?? {},
      providers: s.providers,
      vars: s.vars ?? {},
      defaultTags: s.default_tags ?? {},
      targetVars,
    });
    if (s.path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(s.path)) {
      error(
        "config/absolute-path",
        ["stacks", name, "path"],
        `stack ${name}: path "${s.path}" is absolute`,
        "write the path relative to crossform.yaml so the repository works on every machine",
      );
    }
  }
  const cycle = findCycle(stacks);
  if (cycle) {
    error(
      "config/dependency-cycle",
      ["stacks", cycle[0] ?? "", "depends_on"],
      `depends_on forms a cycle: ${cycle.join(" -> ")}`,
      "remove one of these dependencies; stacks must form an order",
    );
  }

  // Waves: every account in exactly one.
  const waves: Wave[] = [];
  if (written.waves === undefined) {
    waves.push({ name: "all", accounts: accountNames, canary: undefined, tolerance: 0 });
  } else {
    const waveOf = new Map<string, number>();
    written.waves.forEach((w, index) => {
      const selectors = Array.isArray(w) ? w : w.select;
      const name = Array.isArray(w) ? selectors.join(",") : (w.name ?? selectors.join(","));
      const path: ConfigPath = Array.isArray(w) ? ["waves", index] : ["waves", index, "select"];
      const selected = resolveSelectors(selectors, path, `wave ${index + 1}`, {
        allowStack: false,
      });
      for (const accountName of selected.names) {
        const previous = waveOf.get(accountName);
        if (previous !== undefined) {
          error(
            "config/account-in-two-waves",
            ["waves", index],
            `account ${accountName} is in wave ${previous + 1} and in wave ${index + 1}`,
            "every account belongs to exactly one wave: narrow one of the selectors",
          );
        } else {
          waveOf.set(accountName, index);
        }
      }
      waves.push({
        name,
        accounts: selected.names,
        canary: Array.isArray(w) ? undefined : w.canary,
        tolerance: Array.isArray(w) ? 0 : (w.tolerance ?? 0),
      });
    });
    const missing = accountNames.filter((n) => !waveOf.has(n));
    if (missing.length > 0 && errors.length === 0) {
      error(
        "config/account-without-wave",
        ["waves"],
        `account${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} in no wave`,
        `add ${missing.length > 1 ? "them" : "it"} to a wave, e.g. a wave line [${missing.join(", ")}]`,
      );
    }
    for (const [accountName, index] of waveOf) {
      const account = accounts.get(accountName);
      if (account) account.wave = index;
    }
  }

  // State.
  const lock = parseLock(written.state?.lock ?? "s3");
  const stateAccount = written.state?.account;
  // With a central state account the default bucket is that account's, not each target's.
  const bucket =
    written.state?.bucket ??
    (stateAccount === undefined ? DEFAULTS.bucket : DEFAULTS.centralBucket);
  if (stateAccount !== undefined && !accounts.has(stateAccount)) {
    const suggestion = didYouMean(stateAccount, accountNames);
    error(
      "config/unknown-account",
      ["state", "account"],
      `state.account names no account "${stateAccount}"`,
      suggestion
        ? `did you mean "${suggestion}"?`
        : `configured accounts: ${accountNames.join(", ")}`,
    );
  }
  const key = written.state?.key ?? defaultKey(bucket, stateAccount !== undefined);
  for (const [field, pattern] of [
    ["bucket", bucket],
    ["key", key],
  ] as const) {
    for (const unknown of unknownPlaceholders(pattern, STATE_PLACEHOLDERS)) {
      error(
        "config/unknown-placeholder",
        ["state", field],
        `state.${field} "${pattern}" uses the unknown placeholder {${unknown}}`,
        `placeholders: ${STATE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      );
    }
  }
  if (stateAccount !== undefined && bucket.includes("{account_id}")) {
    error(
      "config/state-bucket-account-mismatch",
      ["state", "bucket"],
      `state.bucket "${bucket}" uses {account_id}, the target account, but every state is kept in account ${stateAccount}`,
      "use {state_account_id} in the bucket name of a central state account, and put {account} in the key",
    );
  }
  const sessionName = written.defaults?.session?.name ?? DEFAULTS.sessionName;
  for (const unknown of unknownPlaceholders(sessionName, SESSION_PLACEHOLDERS)) {
    error(
      "config/unknown-placeholder",
      ["defaults", "session", "name"],
      `session name "${sessionName}" uses the unknown placeholder {${unknown}}`,
      `placeholders: ${SESSION_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
    );
  }

  // Terraform version and S3 locking.
  const binary = written.terraform?.binary ?? DEFAULTS.terraformBinary;
  const version = written.terraform?.version ?? DEFAULTS.terraformVersion;
  const clauses = parseConstraint(version);
  if (!clauses) {
    error(
      "config/invalid-version-constraint",
      ["terraform", "version"],
      `terraform.version "${version}" is not a version constraint`,
      'write a constraint such as ">= 1.10" or "~> 1.11"',
    );
  } else if (
    lock.kind === "s3" &&
    compareVersions(lowestAdmitted(clauses), S3_LOCKFILE_MINIMUM) < 0
  ) {
    error(
      "config/lock-needs-terraform-1.10",
      written.state?.lock ? ["state", "lock"] : ["terraform", "version"],
      `state locking with s3 (use_lockfile) needs ${binary === "tofu" ? "OpenTofu" : "Terraform"} >= 1.10, but terraform.version "${version}" admits older versions`,
      'raise terraform.version to ">= 1.10", or lock with a DynamoDB table: `lock: dynamodb:<table>`',
    );
  }

  if (errors.length > 0) return { ok: false, diagnostics: errors };

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
    state: {
      bucket,
      key,
      region: written.state?.region,
      lock,
      account: stateAccount,
      role: written.state?.role,
    },
    accounts,
    stacks,
    waves,
    guards: {
      maxDestroy: written.guards?.max_destroy ?? DEFAULTS.maxDestroy,
      maxDestroyApproval: written.guards?.max_destroy_approval ?? DEFAULTS.maxDestroyApproval,
      maxUnits: written.guards?.max_units ?? DEFAULTS.maxUnits,
    },
    run: {
      parallel: written.run?.parallel ?? DEFAULTS.parallel,
      lockTimeoutSeconds: durationSeconds(written.run?.lock_timeout ?? DEFAULTS.lockTimeout),
      gracePeriodSeconds:
        written.run?.grace_period === undefined
          ? undefined
          : durationSeconds(written.run.grace_period),
    },
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
  };
  return { ok: true, config, warnings };
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

function parseLock(text: string): LockSetting {
  if (text.startsWith("dynamodb:"))
    return { kind: "dynamodb", table: text.slice("dynamodb:".length) };
  return { kind: "s3" };
}

function normalizeRelativePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return parts.length === 0 ? "." : parts.join("/");
}

function findCycle(stacks: Map<string, Stack>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === "done") return undefined;
    if (s === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of stacks.get(name)?.dependsOn ?? []) {
      if (dep === name || !stacks.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of stacks.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
