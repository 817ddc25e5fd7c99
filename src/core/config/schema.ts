/**
 * The written schema of `crossform.yaml` (docs/contract.md section 1). The JSON Schema that editors use
 * is generated from this one definition (`crossform schema`), so the two never disagree.
 */
import { z } from "zod";

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, { error: "expected a duration such as 30s, 15m or 1h" })
  .describe("A duration: a whole number followed by ms, s, m or h, e.g. `30s`, `1h`.");

const accountName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, {
  error: "expected a name of lowercase letters, digits, '_' and '-', starting with a letter",
});

const accountId = z
  .string({ error: "expected a 12-digit account id as a quoted string" })
  .regex(/^\d{12}$/, { error: "expected exactly 12 digits" })
  .describe('The 12-digit AWS account id, as a quoted string (`"012345678901"`).');

// Checked against the list of AWS regions after parsing (core/config/check-regions.ts), with the
// closest name when it is unknown.
const region = z
  .string()
  .min(1, { error: "expected an AWS region name such as us-east-1" })
  .describe("An AWS region, such as us-east-1; an unknown one is an error (docs/config.md).");

const role = z
  .string()
  .min(1)
  .describe(
    "A role name (becomes `arn:<partition>:iam::<account id>:role/<name>`) or a full role ARN.",
  );

const selector = z
  .string()
  .min(1)
  .describe(
    "A selector: an account name, `tier:<tier>`, `tag:<key>=<value>`, `stack:<stack>`, or several joined by commas.",
  );

const vars = z
  .record(z.string(), z.unknown())
  .describe("User variables, merged defaults < account < stack < stack target (last wins).");

const defaultTags = z
  .record(z.string(), z.string())
  .describe("Tags the aws provider puts on every resource; merged defaults < account < stack.");

const externalId = z
  .string()
  .min(2)
  .max(1224)
  .describe("The external id passed when assuming the deploy role.");

const session = z
  .strictObject({
    duration: duration
      .optional()
      .describe("Role session duration. A chained hop is capped at 1h by AWS. @default 1h"),
    name: z
      .string()
      .optional()
      .describe(
        "Role session name; `{user}`, `{account}` and `{stack}` are replaced. @default crossform-{user}",
      ),
  })
  .describe("Role session settings.");

/** `base:` the identity an operator or CI logs in as. */
const base = z
  .strictObject({
    profile: z
      .string()
      .min(1)
      .optional()
      .describe("AWS CLI profile of the base identity; omit in CI to use the default chain."),
    region: region.optional().describe("Region of the base identity's calls. @default us-east-1"),
  })
  .describe("The base identity every account's deploy role is assumed from.");

const defaults = z
  .strictObject({
    role: role.optional().describe("Deploy role of every account. @default TerraformDeploy"),
    regions: z
      .array(region)
      .min(1)
      .optional()
      .describe("Regions every account deploys to. @default [base.region]"),
    external_id: externalId.optional(),
    session: session.optional(),
    vars: vars.optional(),
    default_tags: defaultTags.optional(),
  })
  .describe("Settings every account inherits.");

const account = z
  .strictObject({
    id: accountId,
    tier: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, { error: "expected a lowercase tier name such as prod" })
      .optional()
      .describe("Tier of the account (dev, staging, prod, ...), used by selectors and waves."),
    tags: z
      .record(z.string(), z.string())
      .optional()
      .describe("Selection metadata only (`tag:key=value`); not resource tags."),
    role: role.optional(),
    regions: z.array(region).min(1).optional().describe("Overrides defaults.regions."),
    external_id: externalId.optional(),
    approval: z
      .enum(["required", "none"])
      .optional()
      .describe("Whether an apply needs explicit approval of this account. @default none"),
    vars: vars.optional(),
    default_tags: defaultTags.optional(),
  })
  .describe("One AWS account.");

const stackTarget = z.strictObject({ vars: vars.optional() });

const stack = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .describe("Directory of the Terraform root module, relative to this file."),
    mode: z
      .enum(["per-account", "multi-account"])
      .optional()
      .describe(
        "per-account: one state per account and region; multi-account: one state in `home`. @default per-account",
      ),
    home: accountName.optional().describe("The account that holds a multi-account stack's state."),
    accounts: z.array(selector).min(1).describe("Selectors of the accounts the stack deploys to."),
    regions: z
      .array(region)
      .min(1)
      .optional()
      .describe("Overrides the accounts' regions for this stack."),
    depends_on: z
      .array(z.string())
      .optional()
      .describe("Stacks whose state this one reads; they run first in each account and region."),
    references: z
      .record(z.string(), accountName)
      .optional()
      .describe(
        "Other accounts the stack reaches: `{ <alias>: <account> }` becomes provider `aws.<alias>`.",
      ),
    providers: z
      .array(z.enum(["aws"]))
      .optional()
      .describe("Providers to wire; detected from the code when omitted. `[]` wires none."),
    vars: vars.optional(),
    default_tags: defaultTags.optional(),
    targets: z
      .record(accountName, stackTarget)
      .optional()
      .describe("Per-account overrides for this stack: `{ <account>: { vars } }`."),
  })
  .describe("One Terraform root module and where it deploys.");

const waveObject = z.strictObject({
  name: z.string().min(1).optional(),
  select: z.array(selector).min(1),
  canary: z.number().int().min(0).optional().describe("Apply to the first N accounts first."),
  tolerance: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Failed accounts allowed before the wave halts. @default 0"),
});

const wave = z.union([z.array(selector).min(1), waveObject]);

const lockSetting = z
  .string()
  .regex(/^(s3|dynamodb:[A-Za-z0-9_.-]{3,255})$/, {
    error: "expected `s3` or `dynamodb:<table>`",
  })
  .describe("`s3` (use_lockfile, Terraform >= 1.10) or `dynamodb:<table>`. @default s3");

const state = z
  .strictObject({
    bucket: z
      .string()
      .min(1)
      .optional()
      .describe(
        "State bucket name pattern. @default crossform-state-{account_id}-{region} (with `account`: crossform-state-{state_account_id}-{region})",
      ),
    key: z
      .string()
      .min(1)
      .optional()
      .describe("State object key pattern. @default {stack}/terraform.tfstate"),
    region: region.optional().describe("Region of the state bucket."),
    lock: lockSetting.optional(),
    account: accountName.optional().describe("A central account holding every state."),
    role: role.optional().describe("A separate state-access role (default: the deploy role)."),
  })
  .describe("Where each unit's state lives.");

const guards = z.strictObject({
  max_destroy: z.number().int().min(0).optional().describe("@default 10"),
  max_destroy_approval: z.number().int().min(0).optional().describe("@default 0"),
  max_units: z.number().int().min(1).optional().describe("@default 100"),
});

const run = z.strictObject({
  parallel: z.number().int().min(1).max(256).optional().describe("@default 4"),
  lock_timeout: duration.optional().describe("@default 0s"),
  grace_period: duration
    .optional()
    .describe(
      "After a stop request, how long a child may take before it is killed; at most 1h. @default 30s (6s when CI=true)",
    ),
  keep: z
    .union([z.number().int().min(1), z.literal("all")])
    .optional()
    .describe(
      "Run records kept in .crossform/runs/ after each run (the newest; a record holding an errored.tfstate or a crashed run's journal is never removed), or `all`. @default 50",
    ),
});

const terraform = z.strictObject({
  binary: z
    .string()
    .min(1)
    .optional()
    .describe("terraform or tofu (or a path). @default terraform"),
  version: z.string().min(1).optional().describe("A version constraint. @default >= 1.10"),
});

const lint = z.strictObject({
  fail_level: z.enum(["error", "warn"]).optional().describe("@default error"),
  rules: z.record(z.string(), z.enum(["error", "warn", "off"])).optional(),
  third_party_accounts: z
    .array(accountId)
    .optional()
    .describe(
      "Account ids of third parties (monitoring vendors and the like) that reusable modules may name; `hard-coded-account-id` does not report them. @default []",
    ),
});

const bootstrap = z.strictObject({
  admin_role: role.optional().describe("@default OrganizationAccountAccessRole"),
  deploy_role: z
    .strictObject({
      trust: z.array(z.string().min(1)).optional(),
      policy_arns: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  noncurrent_version_days: z.number().int().min(1).optional().describe("@default 90"),
});

const ci = z.strictObject({
  role_arn: z.string().min(1).optional(),
  session_duration: duration.optional(),
});

const aws = z.strictObject({
  connect_timeout: duration
    .optional()
    .describe(
      "How long crossform's own AWS calls wait for a connection, per attempt (1s to 10m). @default 10s",
    ),
  request_timeout: duration
    .optional()
    .describe(
      'How long one of crossform\'s own AWS calls waits for an answer, retries included (1s to 1h); then it fails with "no answer from <endpoint>". @default 30s',
    ),
});

const profiles = z.strictObject({
  prefix: z.string().optional().describe('Prefix of generated AWS CLI profile names. @default ""'),
});

/** The schema of a whole `crossform.yaml`. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema reference for editors; ignored."),
    version: z.literal(1, { error: "expected `version: 1`" }),
    base: base.optional(),
    defaults: defaults.optional(),
    state: state.optional(),
    accounts: z.record(accountName, account).describe("The AWS accounts, by name."),
    stacks: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/), stack).optional(),
    waves: z.array(wave).optional().describe("Promotion order: every account in exactly one wave."),
    guards: guards.optional(),
    run: run.optional(),
    terraform: terraform.optional(),
    lint: lint.optional(),
    bootstrap: bootstrap.optional(),
    ci: ci.optional(),
    profiles: profiles.optional(),
    aws: aws
      .optional()
      .describe("Timeouts of crossform's own AWS calls (verify, bootstrap, discover, preflight)."),
  })
  .describe(
    "crossform configuration (https://github.com/crossform/crossform/blob/main/docs/config.md)",
  );

/** A `crossform.yaml` as written, after schema validation. */
export type WrittenConfig = z.infer<typeof configSchema>;
/** One `accounts.<name>` entry as written. */
export type WrittenAccount = z.infer<typeof account>;
/** One `stacks.<name>` entry as written. */
export type WrittenStack = z.infer<typeof stack>;
/** One `waves[]` entry as written. */
export type WrittenWave = z.infer<typeof wave>;

/** The JSON Schema of `crossform.yaml`, generated from {@link configSchema}. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: "draft-2020-12", io: "input" });
  return {
    ...schema,
    $id: "https://crossform.dev/schema/crossform.schema.json",
    title: "crossform.yaml",
  };
}
