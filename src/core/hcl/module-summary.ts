import {
  blocksOfType,
  findAttribute,
  literalValue,
  objectKeyName,
  referenceText,
  setsArgument,
  stringValue,
} from "./syntax-queries.ts";
import type { HclAttribute, HclBlock, HclExpression, HclFile, HclRange } from "./syntax.ts";

/** Where something was declared. */
export interface DeclarationSite {
  /** The file's path as it was parsed. */
  file: string;
  range: HclRange;
}

/** An attribute's value when it is a literal, and where the attribute is. */
export interface AttributeSummary extends DeclarationSite {
  /** The literal value; absent when the value is computed (a reference, a template, a call, ...). */
  value?: string | number | boolean;
}

/** One entry of `terraform { required_providers { ... } }`. */
export interface RequiredProviderSummary extends DeclarationSite {
  /** The local name, e.g. `aws`. */
  localName: string;
  /** `source` as written; absent when not given. */
  source?: string;
  /** The normalized source address (`hashicorp/aws`), implied from the local name when `source` is absent. */
  address: string;
  /** The version constraint, when literal. */
  version?: string;
  /** `configuration_aliases` entries as text, e.g. `["aws.west"]`. */
  configurationAliases: string[];
}

/** A `provider` block. */
export interface ProviderSummary extends DeclarationSite {
  /** The provider's local name, e.g. `aws`. */
  name: string;
  /** The literal `alias`; absent for the default configuration. */
  alias?: string;
  /** True when an `alias` attribute is set, even to a computed value. */
  hasAlias: boolean;
  /** True when the provider sets `assume_role` (block, attribute or `dynamic "assume_role"`). */
  hasAssumeRole: boolean;
  /** True when the provider sets `assume_role_with_web_identity` (in any of those forms). */
  hasAssumeRoleWithWebIdentity: boolean;
  /** True when the provider sets `allowed_account_ids`. */
  hasAllowedAccountIds: boolean;
  /** True when the provider pins its accounts: `allowed_account_ids` or `forbidden_account_ids`, in any form. */
  hasAccountGuard: boolean;
  /**
   * True when the block configures something besides `alias` and `version`. An empty block in a
   * module is a legacy proxy declaration, which Terraform treats as no configuration at all.
   */
  configured: boolean;
  /** The `profile` attribute, when set. */
  profile?: AttributeSummary;
  /** The `region` attribute, when set. */
  region?: AttributeSummary;
}

/** Managed resources, data sources and ephemeral resources. */
export type ResourceMode = "managed" | "data" | "ephemeral";

/** A `resource`, `data` or `ephemeral` block (including data blocks scoped inside `check`). */
export interface ResourceSummary extends DeclarationSite {
  mode: ResourceMode;
  /** The resource type, e.g. `aws_s3_bucket`. */
  type: string;
  name: string;
  /** The `provider` meta-argument as text (`aws.west`), when set to a static reference. */
  provider?: string;
}

/** A backend configuration: `backend "<type>" { ... }` or `cloud { ... }` inside `terraform`. */
export interface BackendSummary extends DeclarationSite {
  /** The backend type (`s3`, `local`, ...), or `cloud` for a `cloud` block. */
  type: string;
  /** `cloud` for a `cloud` block. */
  kind: "backend" | "cloud";
  /** Every attribute set in the block, by name. */
  attributes: Record<string, AttributeSummary>;
}

/** A `variable` block. */
export interface VariableSummary extends DeclarationSite {
  name: string;
  hasDefault: boolean;
  /** True when the block sets `sensitive = true` (a literal). */
  sensitive: boolean;
  /** The `default` expression, when there is one (read its literals with `literalLeaves`). */
  defaultExpression?: HclExpression;
}

/** An `output` block. */
export interface OutputSummary extends DeclarationSite {
  name: string;
}

/**
 * How a module source is fetched: `local` (`./` or `../`, read from this tree), `registry`
 * (`namespace/name/provider`), `remote` (git, http, s3, GitHub shorthand, ...), `unknown` (missing or computed).
 */
export type ModuleSourceKind = "local" | "registry" | "remote" | "unknown";

/** One entry of a module call's `providers = { ... }`. */
export interface ProviderPassing {
  /** The name inside the called module: `aws` or `aws.west`. */
  inModule: string;
  /** The caller's provider passed in, e.g. `aws.prod`; absent when not a static reference. */
  fromCaller?: string;
  range: HclRange;
}

/** A `module` block. */
export interface ModuleCallSummary extends DeclarationSite {
  name: string;
  /** The literal `source`; absent when missing or computed. */
  source?: string;
  sourceKind: ModuleSourceKind;
  /** The literal `version` constraint (registry modules). */
  version?: string;
  /** The `providers` map; empty when the call passes none. */
  providers: ProviderPassing[];
  /** True when the call has a `providers` attribute at all. */
  hasProvidersArgument: boolean;
}

/** Why a module needs the AWS provider. */
export interface AwsEvidence extends DeclarationSite {
  reason: "required-provider" | "provider-block" | "aws-block";
  /** What was found, e.g. `resource "aws_s3_bucket" "logs"`. */
  detail: string;
}

/** What one module directory declares, read from all its `.tf` and `.tf.json` files. */
export interface ModuleSummary {
  /** The files summarized, in the order given. */
  files: string[];
  requiredProviders: RequiredProviderSummary[];
  providers: ProviderSummary[];
  resources: ResourceSummary[];
  backends: BackendSummary[];
  variables: VariableSummary[];
  outputs: OutputSummary[];
  moduleCalls: ModuleCallSummary[];
  /** Every reason this module needs `hashicorp/aws`; empty when it does not (docs/contract.md section 3). */
  awsEvidence: AwsEvidence[];
}

/** The provider source address Terraform would use, e.g. `aws` and `registry.terraform.io/hashicorp/aws` both give `hashicorp/aws`. */
export function normalizeProviderSource(source: string): string {
  const parts = source.trim().toLowerCase().split("/");
  if (parts.length === 1) return `hashicorp/${parts[0]}`;
  if (
    parts.length === 3 &&
    (parts[0] === "registry.terraform.io" || parts[0] === "registry.opentofu.org")
  ) {
    return `${parts[1]}/${parts[2]}`;
  }
  return parts.join("/");
}

const REGISTRY_SOURCE =
  /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9](?::\d+)?\/)?[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9_-]*\/[a-z0-9]+(?:\/\/[^?]*)?$/i;

/** Classifies a module `source` the way Terraform does (local paths must start with `./` or `../`). */
export function classifyModuleSource(source: string | undefined): ModuleSourceKind {
  if (source === undefined || source.trim() === "") return "unknown";
  if (/^\.\.?[\\/]/.test(source)) return "local";
  if (source.includes("::") || source.includes("://") || /^[\w.-]+@/.test(source)) return "remote";
  if (/^(?:github\.com|bitbucket\.org)\//i.test(source)) return "remote";
  if (REGISTRY_SOURCE.test(source)) return "registry";
  return "remote";
}

const AWS_ADDRESS = "hashicorp/aws";

/** Summarizes the files of one module directory; pure, order-preserving. */
export function summarizeModule(files: HclFile[]): ModuleSummary {
  const summary: ModuleSummary = {
    files: files.map((file) => file.path),
    requiredProviders: [],
    providers: [],
    resources: [],
    backends: [],
    variables: [],
    outputs: [],
    moduleCalls: [],
    awsEvidence: [],
  };
  for (const file of files) {
    for (const block of file.blocks) summarizeBlock(file.path, block, summary);
  }
  for (const entry of summary.requiredProviders) {
    if (entry.address === AWS_ADDRESS) {
      summary.awsEvidence.push({
        reason: "required-provider",
        detail: `required_providers entry "${entry.localName}" (${entry.address})`,
        file: entry.file,
        range: entry.range,
      });
    }
  }
  for (const provider of summary.providers) {
    if (provider.name === "aws") {
      summary.awsEvidence.push({
        reason: "provider-block",
        detail: `provider "aws"${provider.alias === undefined ? "" : ` (alias ${provider.alias})`}`,
        file: provider.file,
        range: provider.range,
      });
    }
  }
  for (const resource of summary.resources) {
    if (resource.type.startsWith("aws_")) {
      const keyword = resource.mode === "managed" ? "resource" : resource.mode;
      summary.awsEvidence.push({
        reason: "aws-block",
        detail: `${keyword} "${resource.type}" "${resource.name}"`,
        file: resource.file,
        range: resource.range,
      });
    }
  }
  return summary;
}

function summarizeBlock(file: string, block: HclBlock, summary: ModuleSummary): void {
  const site = { file, range: block.range };
  const [first, second] = block.labels;
  switch (block.type) {
    case "terraform":
      summarizeTerraformBlock(file, block, summary);
      return;
    case "provider":
      if (first !== undefined) summary.providers.push(summarizeProvider(file, first, block));
      return;
    case "resource":
    case "data":
    case "ephemeral":
      if (first !== undefined && second !== undefined) {
        const mode: ResourceMode = block.type === "resource" ? "managed" : block.type;
        const resource: ResourceSummary = { mode, type: first, name: second, ...site };
        const provider = findAttribute(block.body, "provider");
        const providerText =
          provider === undefined ? undefined : referenceText(provider.expression);
        if (providerText !== undefined) resource.provider = providerText;
        summary.resources.push(resource);
      }
      return;
    case "check":
      for (const nested of blocksOfType(block.body, "data")) summarizeBlock(file, nested, summary);
      return;
    case "variable":
      if (first !== undefined) {
        const defaultAttribute = findAttribute(block.body, "default");
        const sensitive = findAttribute(block.body, "sensitive");
        summary.variables.push({
          name: first,
          hasDefault: defaultAttribute !== undefined,
          sensitive: sensitive !== undefined && literalValue(sensitive.expression) === true,
          ...(defaultAttribute ? { defaultExpression: defaultAttribute.expression } : {}),
          ...site,
        });
      }
      return;
    case "output":
      if (first !== undefined) summary.outputs.push({ name: first, ...site });
      return;
    case "module":
      if (first !== undefined) summary.moduleCalls.push(summarizeModuleCall(file, first, block));
      return;
    default:
      return;
  }
}

function summarizeTerraformBlock(file: string, block: HclBlock, summary: ModuleSummary): void {
  for (const requirements of blocksOfType(block.body, "required_providers")) {
    for (const attribute of requirements.body.attributes) {
      summary.requiredProviders.push(summarizeRequirement(file, attribute));
    }
  }
  for (const backend of block.body.blocks) {
    if (backend.type !== "backend" && backend.type !== "cloud") continue;
    const attributes: Record<string, AttributeSummary> = {};
    for (const attribute of backend.body.attributes) {
      attributes[attribute.name] = attributeSummary(file, attribute);
    }
    summary.backends.push({
      type: backend.type === "cloud" ? "cloud" : (backend.labels[0] ?? ""),
      kind: backend.type === "cloud" ? "cloud" : "backend",
      attributes,
      file,
      range: backend.range,
    });
  }
}

function summarizeRequirement(file: string, attribute: HclAttribute): RequiredProviderSummary {
  const entry: RequiredProviderSummary = {
    localName: attribute.name,
    address: normalizeProviderSource(attribute.name),
    configurationAliases: [],
    file,
    range: attribute.range,
  };
  const expression = attribute.expression;
  // Before Terraform 0.13 an entry was only a version string: `aws = "~> 3.0"`.
  const legacyVersion = stringValue(expression);
  if (legacyVersion !== undefined) {
    entry.version = legacyVersion;
    return entry;
  }
  if (expression.kind !== "object") return entry;
  for (const item of expression.items) {
    const key = objectKeyName(item.key);
    if (key === "source") {
      const source = stringValue(item.value);
      if (source !== undefined) {
        entry.source = source;
        entry.address = normalizeProviderSource(source);
      }
    } else if (key === "version") {
      const version = stringValue(item.value);
      if (version !== undefined) entry.version = version;
    } else if (key === "configuration_aliases" && item.value.kind === "tuple") {
      for (const alias of item.value.items) {
        const text = referenceText(alias);
        if (text !== undefined) entry.configurationAliases.push(text);
      }
    }
  }
  return entry;
}

function summarizeProvider(file: string, name: string, block: HclBlock): ProviderSummary {
  const body = block.body;
  const alias = findAttribute(body, "alias");
  const provider: ProviderSummary = {
    name,
    hasAlias: alias !== undefined,
    hasAssumeRole: setsArgument(body, "assume_role"),
    hasAssumeRoleWithWebIdentity: setsArgument(body, "assume_role_with_web_identity"),
    hasAllowedAccountIds: findAttribute(body, "allowed_account_ids") !== undefined,
    hasAccountGuard:
      setsArgument(body, "allowed_account_ids") || setsArgument(body, "forbidden_account_ids"),
    configured:
      body.blocks.length > 0 ||
      body.attributes.some(
        (attribute) => attribute.name !== "alias" && attribute.name !== "version",
      ),
    file,
    range: block.range,
  };
  const aliasValue = alias === undefined ? undefined : stringValue(alias.expression);
  if (aliasValue !== undefined) provider.alias = aliasValue;
  const profile = findAttribute(body, "profile");
  if (profile !== undefined) provider.profile = attributeSummary(file, profile);
  const region = findAttribute(body, "region");
  if (region !== undefined) provider.region = attributeSummary(file, region);
  return provider;
}

function summarizeModuleCall(file: string, name: string, block: HclBlock): ModuleCallSummary {
  const body = block.body;
  const sourceAttribute = findAttribute(body, "source");
  const source =
    sourceAttribute === undefined ? undefined : stringValue(sourceAttribute.expression);
  const providersAttribute = findAttribute(body, "providers");
  const call: ModuleCallSummary = {
    name,
    sourceKind: classifyModuleSource(source),
    providers: [],
    hasProvidersArgument: providersAttribute !== undefined,
    file,
    range: block.range,
  };
  if (source !== undefined) call.source = source;
  const versionAttribute = findAttribute(body, "version");
  const version =
    versionAttribute === undefined ? undefined : stringValue(versionAttribute.expression);
  if (version !== undefined) call.version = version;
  if (providersAttribute?.expression.kind === "object") {
    for (const item of providersAttribute.expression.items) {
      const inModule = objectKeyName(item.key);
      if (inModule === undefined) continue;
      const passing: ProviderPassing = { inModule, range: item.range };
      const fromCaller = referenceText(item.value);
      if (fromCaller !== undefined) passing.fromCaller = fromCaller;
      call.providers.push(passing);
    }
  }
  return call;
}

function attributeSummary(file: string, attribute: HclAttribute): AttributeSummary {
  const summary: AttributeSummary = { file, range: attribute.range };
  const value = literalValue(attribute.expression);
  if (value !== undefined) summary.value = value;
  return summary;
}

const EVIDENCE_ORDER: AwsEvidence["reason"][] = [
  "required-provider",
  "provider-block",
  "aws-block",
];

/**
 * One directory's summary from the summaries of its files taken one by one (in file order): the same
 * as {@link summarizeModule} over all the files, without keeping every syntax tree until the last
 * file is read.
 */
export function mergeModuleSummaries(summaries: ModuleSummary[]): ModuleSummary {
  return {
    files: summaries.flatMap((summary) => summary.files),
    requiredProviders: summaries.flatMap((summary) => summary.requiredProviders),
    providers: summaries.flatMap((summary) => summary.providers),
    resources: summaries.flatMap((summary) => summary.resources),
    backends: summaries.flatMap((summary) => summary.backends),
    variables: summaries.flatMap((summary) => summary.variables),
    outputs: summaries.flatMap((summary) => summary.outputs),
    moduleCalls: summaries.flatMap((summary) => summary.moduleCalls),
    awsEvidence: EVIDENCE_ORDER.flatMap((reason) =>
      summaries.flatMap((summary) =>
        summary.awsEvidence.filter((evidence) => evidence.reason === reason),
      ),
    ),
  };
}
