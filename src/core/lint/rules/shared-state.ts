/**
 * `shared-state`: two states that are one. State addresses are read from S3 backend blocks (of any
 * directory with one: a root that is also called as a module is still deployed on its own), from
 * the `.tfbackend` files that complete a partial backend, and from Terragrunt `remote_state` blocks
 * evaluated for each unit. Two of them with one bucket, key and `workspace_key_prefix` share every
 * workspace's state; with different prefixes only the default workspace could meet, which roots that
 * set their own prefix do not use, so that is not reported. An address holding a placeholder a
 * script fills in (`$name`, `{{name}}`, `<name>`) belongs to a template, not to a deployed root.
 * Also: a stack deployed to several accounts whose backend hard-codes bucket and key, and two
 * crossform units with one address.
 */
import type { HclRange } from "../../hcl/syntax.ts";
import { blockRange, s3Backends } from "../blocks.ts";
import type { LintLocation, LintModule, LintRepository, LintRule, RuleContext } from "../rule.ts";

/** Terraform's S3 backend prefix for the states of named workspaces. */
export const DEFAULT_WORKSPACE_KEY_PREFIX = "env:";

/** One place that writes a state, and its address. */
interface StateWriter {
  /** How messages name it: `the root live/a`, `the Terragrunt unit prod/vpc`, ... */
  owner: string;
  bucket: string;
  key: string;
  prefix: string;
  file: string;
  range: HclRange;
  /** True for a Terragrunt unit's address, evaluated; false for literals of the Terraform code. */
  evaluated: boolean;
}

/** The rule. */
export const sharedState: LintRule = {
  meta: {
    id: "shared-state",
    description:
      "two roots, Terragrunt units or crossform units that write one state, or a stack deployed to several accounts whose backend hard-codes bucket and key",
    defaultSeverity: "error",
  },
  create(context) {
    const { repository } = context;
    reportCollisions(context, stateWriters(repository));
    for (const module of repository.modules) reportHardCodedStackBackend(context, module);
    reportSharedUnits(context, repository);
  },
};

function stateWriters(repository: LintRepository): StateWriter[] {
  const writers: StateWriter[] = [];
  for (const module of repository.modules) {
    for (const backend of s3Backends(module)) {
      const block = {
        bucket: literal(backend.attributes["bucket"]?.value),
        key: literal(backend.attributes["key"]?.value),
        prefix: literal(backend.attributes["workspace_key_prefix"]?.value),
      };
      if (module.backendFiles.length === 0) {
        const keyRange = backend.attributes["key"]?.range;
        if (block.bucket === undefined || block.key === undefined || keyRange === undefined)
          continue;
        writers.push({
          owner: `the root ${module.dir}`,
          bucket: block.bucket,
          key: block.key,
          prefix: block.prefix ?? DEFAULT_WORKSPACE_KEY_PREFIX,
          file: backend.file,
          range: keyRange,
          evaluated: false,
        });
        continue;
      }
      for (const file of module.backendFiles) {
        const bucket = file.settings["bucket"]?.value ?? block.bucket;
        const key = file.settings["key"]?.value ?? block.key;
        if (bucket === undefined || key === undefined) continue;
        writers.push({
          owner: `the root ${module.dir} with ${file.path}`,
          bucket,
          key,
          prefix:
            file.settings["workspace_key_prefix"]?.value ??
            block.prefix ??
            DEFAULT_WORKSPACE_KEY_PREFIX,
          file: file.path,
          range: (file.settings["key"] ?? file.settings["bucket"])?.range ?? file.range,
          evaluated: false,
        });
      }
    }
  }
  for (const unit of repository.terragruntUnits) {
    const state = unit.state;
    if (state?.backend !== "s3" || state.bucket === undefined || state.key === undefined) continue;
    writers.push({
      owner: `the Terragrunt unit ${unit.dir}`,
      bucket: state.bucket,
      key: state.key,
      prefix: state.workspaceKeyPrefix ?? DEFAULT_WORKSPACE_KEY_PREFIX,
      file: state.file,
      range: state.range,
      evaluated: true,
    });
  }
  return writers;
}

function literal(value: string | number | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A placeholder of a template that a script fills in before the root is deployed. */
const TEMPLATE_PLACEHOLDER = /\$[A-Za-z_{]|\{\{|<[A-Za-z_][\w-]*>/;

/** Reports every writer that shares a full address (bucket, key, prefix) with an earlier one. */
function reportCollisions(context: RuleContext, writers: StateWriter[]): void {
  const byAddress = new Map<string, StateWriter[]>();
  for (const writer of writers) {
    // Terragrunt values are evaluated, their placeholders resolved: only literals can be templates.
    if (
      !writer.evaluated &&
      TEMPLATE_PLACEHOLDER.test(`${writer.bucket} ${writer.key} ${writer.prefix}`)
    )
      continue;
    const address = [writer.bucket, writer.key, writer.prefix].join("\u0000");
    byAddress.set(address, [...(byAddress.get(address) ?? []), writer]);
  }
  for (const group of byAddress.values()) {
    if (group.length < 2) continue;
    const byPlace = new Map<string, StateWriter[]>();
    for (const writer of group) {
      const place = `${writer.file}\u0000${writer.range.start.offset}`;
      byPlace.set(place, [...(byPlace.get(place) ?? []), writer]);
    }
    const first = group[0] as StateWriter;
    for (const here of byPlace.values()) {
      const [head] = here;
      if (head === undefined || (here.includes(first) && here.length === 1)) continue;
      const others = here.includes(first) ? [] : [first];
      context.report({
        file: head.file,
        range: head.range,
        message: collisionMessage(here, others),
        hint: "give every root and unit its own key (for instance its directory's path, `path_relative_to_include()` in Terragrunt), or let crossform generate the backend",
      });
    }
  }
}

function collisionMessage(here: StateWriter[], others: StateWriter[]): string {
  const head = here[0] as StateWriter;
  const address = `s3://${head.bucket}/${head.key}`;
  const workspaces = `and s3://${head.bucket}/${head.prefix}/<workspace>/${head.key} for every other workspace`;
  if (others.length > 0 && here.length === 1) {
    return `${head.owner} writes its state to ${address} (${workspaces}), as ${(others[0] as StateWriter).owner} does`;
  }
  const names = here.slice(0, 3).map((writer) => writer.owner.replace(/^the /, ""));
  const more = here.length > 3 ? ` and ${here.length - 3} more` : "";
  const also = others.length > 0 ? `, as ${(others[0] as StateWriter).owner} does` : "";
  return `${names.join(", ")}${more} all write their state to ${address} (${workspaces})${also}`;
}

function reportHardCodedStackBackend(context: RuleContext, module: LintModule): void {
  const stack = module.stack;
  if (stack === undefined || stack.mode !== "per-account" || stack.accountCount < 2) return;
  for (const backend of s3Backends(module)) {
    const bucket = literal(backend.attributes["bucket"]?.value);
    const key = literal(backend.attributes["key"]?.value);
    if (bucket === undefined || key === undefined) continue;
    context.report({
      file: backend.file,
      range: blockRange(module, backend, "backend"),
      message: `stack ${stack.name} deploys to ${stack.accountCount} accounts, but its backend hard-codes bucket "${bucket}" and key "${key}", so they all share one state`,
      hint: 'remove bucket and key (leave `backend "s3" {}`): crossform passes each unit its own address',
    });
  }
}

function reportSharedUnits(context: RuleContext, repository: LintRepository): void {
  const config = repository.config;
  if (config === undefined) return;
  const firstUnitAt = new Map<string, string>();
  for (const unit of config.units) {
    const address = `${unit.bucket}\u0000${unit.key}`;
    const other = firstUnitAt.get(address);
    if (other === undefined) {
      firstUnitAt.set(address, unit.id);
      continue;
    }
    const location: LintLocation = config.stateKeyLocation;
    context.report({
      file: config.file,
      range: location,
      message: `units ${other} and ${unit.id} share one state: s3://${unit.bucket}/${unit.key}`,
      hint: "put {stack}, {account} and {region} in state.key (or state.bucket) so that every unit has its own",
    });
  }
}
