/**
 * Every generated file of a configuration, as `{ path, contents }` (docs/contract.md section 3). Pure:
 * the app layer decides what to write, what is stale and what to remove.
 */
import type { Config, Stack } from "../config/model.ts";
import type { Unit, UnitSet } from "../units/units.ts";
import {
  attr,
  blank,
  block,
  comment,
  formatTfvarsJson,
  GENERATED_HEADER,
  GENERATED_NOTICE,
  hcl,
  renderHclBody,
  renderHclFile,
} from "./hcl-writer.ts";
import type { HclBodyItem, HclItemInput } from "./hcl-writer.ts";
import { COMMITTED_SESSION_USER, sessionName, stackAliases, unitInputs } from "./unit-inputs.ts";

/** One generated file; `path` is relative to the config directory, POSIX separators. */
export interface GeneratedFile {
  path: string;
  contents: string;
}

/** What crossform learned from a stack's Terraform code (read by the app layer with the HCL parser). */
export interface StackCodeFacts {
  /** The stack needs the aws provider wired (docs/contract.md section 3). */
  requiresAws: boolean;
  /** The root module declares a backend block of its own. */
  hasBackendBlock: boolean;
}

/** Names of the per-stack generated files. */
export const GENERATED_TF_FILES = [
  "crossform_providers.tf",
  "crossform_variables.tf",
  "crossform_backend.tf",
  "crossform_remote_state.tf",
] as const;

const HEADER = { header: [GENERATED_HEADER] };

/** Generates every file of every stack. `facts` holds the code facts of each stack by name. */
export function generateFiles(
  config: Config,
  units: UnitSet,
  facts: Map<string, StackCodeFacts>,
): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const stack of config.stacks.values()) {
    const stackUnits = units.units.filter((u) => u.stack === stack.name);
    const fact = facts.get(stack.name) ?? { requiresAws: false, hasBackendBlock: false };
    files.push(...generateStackFiles(config, units, stack, stackUnits, fact));
  }
  return files;
}

/** Whether crossform wires the aws provider for a stack: `providers:` when set, else the code facts. */
export function wiresAws(stack: Stack, facts: StackCodeFacts): boolean {
  return stack.providers ? stack.providers.includes("aws") : facts.requiresAws;
}

function generateStackFiles(
  config: Config,
  units: UnitSet,
  stack: Stack,
  stackUnits: Unit[],
  facts: StackCodeFacts,
): GeneratedFile[] {
  const first = stackUnits[0];
  if (!first) return [];
  const files: GeneratedFile[] = [];
  const at = (name: string): string => (stack.path === "." ? name : `${stack.path}/${name}`);
  const aliases = [...stackAliases(config, stack, first).keys()];
  const deps = first.dependsOn
    .map((id) => units.byId.get(id)?.stack)
    .filter((s): s is string => s !== undefined);

  if (wiresAws(stack, facts)) {
    files.push({ path: at("crossform_providers.tf"), contents: providersFile(stack, aliases) });
  }
  files.push({ path: at("crossform_variables.tf"), contents: variablesFile(aliases, deps) });
  if (!facts.hasBackendBlock) {
    files.push({
      path: at("crossform_backend.tf"),
      contents: renderHclFile([block("terraform", [], [block("backend", ["s3"], [])])], HEADER),
    });
  }
  if (deps.length > 0) {
    files.push({ path: at("crossform_remote_state.tf"), contents: remoteStateFile(deps) });
  }
  for (const unit of stackUnits) {
    files.push({
      path: at(`backends/${unit.fileStem}.s3.tfbackend`),
      contents: backendFile(config, unit),
    });
    files.push({
      path: at(`targets/${unit.fileStem}.tfvars.json`),
      contents: tfvarsFile(config, units, unit),
    });
  }
  return files;
}

function assumeRoleBlock(roleArn: string, session: string, externalId: string): HclBodyItem {
  return block(
    "assume_role",
    [],
    [
      attr("role_arn", hcl.expr(roleArn)),
      attr("session_name", hcl.expr(session)),
      attr("external_id", hcl.expr(externalId)),
    ],
  );
}

/**
 * The comment above the default provider of a multi-account stack: why it refuses, and what to
 * write instead. Terraform's error names the file and line of `forbidden_account_ids`; this is
 * what the reader finds there.
 */
export const REFUSING_DEFAULT_PROVIDER_COMMENT = [
  "A multi-account stack has no account of its own: this default provider refuses every use",
  "(it allows only the home account and forbids it too), so a resource or module that names no",
  "provider fails at plan instead of landing in whatever account the credentials belong to.",
  "Name the account: provider = aws.<alias> on a resource, providers = { aws = aws.<alias> } on",
  "a module call (docs/generated-files.md).",
].join("\n");

function providersFile(stack: Stack, aliases: string[]): string {
  const items: HclItemInput[] = [];
  const defaultTags = block(
    "default_tags",
    [],
    [attr("tags", hcl.expr("var.crossform_default_tags"))],
  );
  const unitAssumeRole = assumeRoleBlock(
    "var.crossform_role_arn",
    "var.crossform_session_name",
    "var.crossform_external_id",
  );
  const guard = attr("allowed_account_ids", hcl.list([hcl.expr("var.crossform_account_id")]));
  if (stack.mode === "per-account") {
    items.push(
      block(
        "provider",
        ["aws"],
        [
          attr("region", hcl.expr("var.crossform_region")),
          guard,
          blank(),
          unitAssumeRole,
          blank(),
          defaultTags,
        ],
      ),
    );
  } else {
    // Without a default provider block, Terraform would give a resource or module that names no
    // provider an empty one, which acts as the base identity in its own account (decision 0024).
    items.push(
      comment(REFUSING_DEFAULT_PROVIDER_COMMENT),
      block(
        "provider",
        ["aws"],
        [
          attr("region", hcl.expr("var.crossform_region")),
          guard,
          attr("forbidden_account_ids", hcl.list([hcl.expr("var.crossform_account_id")])),
          blank(),
          unitAssumeRole,
          blank(),
          defaultTags,
        ],
      ),
    );
  }
  for (const alias of aliases) {
    const ref = `var.crossform_ref_${alias}`;
    items.push(blank());
    items.push(
      block(
        "provider",
        ["aws"],
        [
          attr("alias", hcl.str(alias)),
          attr("region", hcl.expr(`${ref}.region`)),
          attr("allowed_account_ids", hcl.list([hcl.expr(`${ref}.account_id`)])),
          blank(),
          assumeRoleBlock(`${ref}.role_arn`, "var.crossform_session_name", `${ref}.external_id`),
          blank(),
          defaultTags,
        ],
      ),
    );
  }
  return renderHclFile(items, HEADER);
}

function variable(name: string, type: string, description: string, nullable = false): HclBodyItem {
  return block(
    "variable",
    [name],
    [
      attr("type", hcl.expr(type)),
      attr("description", hcl.str(description)),
      nullable ? attr("default", hcl.null()) : undefined,
    ],
  );
}

const REF_TYPE =
  "object({ account_id = string, role_arn = string, region = string, external_id = string })";
const DEP_TYPE =
  "object({ bucket = string, key = string, region = string, role_arn = string, session_name = string, external_id = string, allowed_account_ids = list(string) })";

function variablesFile(aliases: string[], deps: string[]): string {
  const items: HclItemInput[] = [
    variable("crossform_account_id", "string", "12-digit id of the unit's target account."),
    variable("crossform_account_name", "string", "Name of the target account in crossform.yaml."),
    variable("crossform_tier", "string", "Tier of the target account (empty when none)."),
    variable("crossform_region", "string", "Region of the unit."),
    variable("crossform_role_arn", "string", "Deploy role assumed in the target account."),
    variable("crossform_external_id", "string", "External id of the deploy role, or null.", true),
    variable("crossform_session_name", "string", "Role session name."),
    variable(
      "crossform_default_tags",
      "map(string)",
      "Tags the aws provider puts on every resource.",
    ),
  ];
  for (const alias of aliases) {
    items.push(
      variable(
        `crossform_ref_${alias}`,
        REF_TYPE,
        `The account reached through provider aws.${alias}.`,
      ),
    );
  }
  for (const dep of deps) {
    items.push(
      variable(
        `crossform_dep_${dep}`,
        DEP_TYPE,
        `Where the state of dependency ${dep} lives, in this unit's account and region.`,
      ),
    );
  }
  const spaced: HclItemInput[] = [];
  items.forEach((item, i) => {
    if (i > 0) spaced.push(blank());
    spaced.push(item);
  });
  return renderHclFile(spaced, HEADER);
}

function remoteStateFile(deps: string[]): string {
  const items: HclItemInput[] = [];
  for (const dep of deps) {
    const v = `var.crossform_dep_${dep}`;
    if (items.length > 0) items.push(blank());
    items.push(
      block(
        "data",
        ["terraform_remote_state", dep],
        [
          attr("backend", hcl.str("s3")),
          attr(
            "config",
            hcl.obj([
              ["bucket", hcl.expr(`${v}.bucket`)],
              ["key", hcl.expr(`${v}.key`)],
              ["region", hcl.expr(`${v}.region`)],
              ["allowed_account_ids", hcl.expr(`${v}.allowed_account_ids`)],
              [
                "assume_role",
                hcl.obj([
                  ["role_arn", hcl.expr(`${v}.role_arn`)],
                  ["session_name", hcl.expr(`${v}.session_name`)],
                  ["external_id", hcl.expr(`${v}.external_id`)],
                ]),
              ],
            ]),
          ),
        ],
      ),
    );
  }
  return renderHclFile(items, HEADER);
}

/** The partial backend configuration of one unit. */
export function backendFile(config: Config, unit: Unit): string {
  const s = unit.state;
  const assume: [string, ReturnType<typeof hcl.str>][] = [
    ["role_arn", hcl.str(s.roleArn)],
    [
      "session_name",
      hcl.str(sessionName(config, s.accountName, unit.stack, COMMITTED_SESSION_USER)),
    ],
  ];
  if (s.externalId !== undefined) assume.push(["external_id", hcl.str(s.externalId)]);
  return renderHclBody(
    [
      attr("bucket", hcl.str(s.bucket)),
      attr("key", hcl.str(s.key)),
      attr("region", hcl.str(s.region)),
      attr("encrypt", hcl.bool(true)),
      s.lock.kind === "s3"
        ? attr("use_lockfile", hcl.bool(true))
        : attr("dynamodb_table", hcl.str(s.lock.table)),
      attr("allowed_account_ids", hcl.list([hcl.str(s.accountId)])),
      attr("assume_role", hcl.obj(assume)),
    ],
    HEADER,
  );
}

function tfvarsFile(config: Config, units: UnitSet, unit: Unit): string {
  const inputs = unitInputs(config, units, unit);
  const values: Record<string, unknown> = { ...inputs.user, ...inputs.crossform };
  for (const [alias, ref] of Object.entries(inputs.refs)) values[`crossform_ref_${alias}`] = ref;
  for (const [dep, value] of Object.entries(inputs.deps)) values[`crossform_dep_${dep}`] = value;
  return formatTfvarsJson(values, GENERATED_NOTICE);
}
