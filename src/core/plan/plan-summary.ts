/**
 * `terraform show -json <planfile>` -> what crossform reports about a unit's plan: counts (add,
 * change, destroy, replace, moved, imported, forgotten, drift, outputs changed), the resources that
 * change with the names of their changed attributes, drifted resources, changed outputs, and
 * whether the plan errored. Every value kept is redacted (see redact.ts): a value Terraform marks
 * sensitive anywhere in the plan never reaches the summary.
 *
 * Reads the plan JSON of every Terraform release since 0.12 (format versions 0.1 to 1.2; what an
 * older release leaves out, such as drift or sensitivity masks, counts as absent), as text, as
 * bytes (UTF-8 with or without a byte-order mark, UTF-16 with one: what a PowerShell redirect
 * writes) or already parsed. A state file, or `terraform show -json` of a state, is refused rather
 * than read as a plan without changes.
 */
import { CrossformError } from "../errors.ts";
import {
  collectSensitiveStrings,
  collectStrings,
  createScrubber,
  maskAt,
  maskMarks,
  markUnknown,
  redactByMask,
  SENSITIVE,
} from "./redact.ts";
import type { Scrubber } from "./redact.ts";

/**
 * What happens to a resource: Terraform's action list folded into one word. A delete and a
 * create together are `replace` (in either order: `create_before_destroy` puts create first).
 */
export type ResourceAction =
  "create" | "update" | "delete" | "replace" | "forget" | "read" | "no-op";

/** One top-level attribute whose value changes. Values are redacted. */
export interface AttributeChange {
  name: string;
  /** Value before, or null when absent; `(sensitive)` (redact.ts `SENSITIVE`) where Terraform marks it. */
  before: unknown;
  /** Value after, or null; `(known after apply)` where it is unknown until apply. */
  after: unknown;
  /** Whether either side is (partly) sensitive. */
  sensitive: boolean;
  /** Whether the value after is (partly) unknown until apply. */
  unknown: boolean;
}

/** One resource instance in the plan that changes, moves, is imported or drifted. */
export interface ResourceChangeSummary {
  address: string;
  /** The address it moves from (a `moved` block), when it moves. */
  previousAddress: string | undefined;
  action: ResourceAction;
  /** Terraform's own action list, e.g. `["delete", "create"]`. */
  actions: string[];
  /** Whether an `import` block brings it under management. */
  importing: boolean;
  /** Terraform's `action_reason`, e.g. `replace_because_cannot_update`. */
  reason: string | undefined;
  /** Attributes that force the replacement (first step of each `replace_paths` entry). */
  replacedBy: string[];
  /**
   * Changed top-level attributes (sorted): for create, update and replace, and for drift. Empty
   * for delete and forget, where the whole object goes.
   */
  attributes: AttributeChange[];
}

/** A root output whose value changes. Values are redacted. */
export interface OutputChangeSummary {
  name: string;
  action: "create" | "update" | "delete";
  before: unknown;
  after: unknown;
  sensitive: boolean;
  unknown: boolean;
}

/**
 * A plan in one word: `errored` when Terraform stopped planning with an error (whatever the counts
 * say, the plan is incomplete), else `changes` or `no-changes` (see {@link planHasChanges}).
 */
export type PlanStatus = "errored" | "changes" | "no-changes";

/** What crossform keeps of one plan. */
export interface PlanSummary {
  /** Terraform's version from the plan JSON. */
  terraformVersion: string | undefined;
  /** The plan JSON's `errored` flag: Terraform stopped planning with an error (see {@link planStatus}). */
  errored: boolean;
  add: number;
  change: number;
  destroy: number;
  /** Delete+create pairs, counted here and not in add or destroy. */
  replace: number;
  /** Resources with a `previous_address` (moved), whatever else happens to them. */
  moved: number;
  /** Resources an `import` block imports. */
  imported: number;
  /** Resources removed from state without being destroyed (`removed` blocks). */
  forget: number;
  /** Entries of `resource_drift`: objects changed outside Terraform. */
  drift: number;
  /** Root outputs whose value is created, updated or deleted. */
  outputsChanged: number;
  /** Resources that change, move or are imported, in the plan's order. */
  resources: ResourceChangeSummary[];
  /** Resources changed outside Terraform (`resource_drift`), in the plan's order. */
  drifted: ResourceChangeSummary[];
  /** Changed outputs, sorted by name. */
  outputs: OutputChangeSummary[];
}

/** A root output as `terraform output -json` gives it, redacted. */
export interface OutputValue {
  name: string;
  sensitive: boolean;
  /** Terraform's type expression, e.g. `"string"` or `["list", "string"]`. */
  type: unknown;
  /** The value, or `(sensitive)` (redact.ts `SENSITIVE`). */
  value: unknown;
}

type JsonObject = Record<string, unknown>;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function records(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The text of plan JSON given as bytes: UTF-16 (little or big endian) when it starts with that
 * byte-order mark, else UTF-8 (a UTF-8 byte-order mark dropped). A string loses a leading
 * byte-order mark too.
 */
export function decodePlanText(input: string | Uint8Array): string {
  if (typeof input === "string") return input.startsWith("\uFEFF") ? input.slice(1) : input;
  const [first, second] = input;
  if (first === 0xff && second === 0xfe)
    return new TextDecoder("utf-16le").decode(input.subarray(2));
  if (first === 0xfe && second === 0xff)
    return new TextDecoder("utf-16be").decode(input.subarray(2));
  // TextDecoder drops a UTF-8 byte-order mark by itself.
  return new TextDecoder("utf-8").decode(input);
}

/** Parses plan JSON (text or bytes), or takes an already parsed value; refuses what is not a plan. */
function asPlan(input: unknown): JsonObject {
  let plan = input;
  if (typeof input === "string" || input instanceof Uint8Array) {
    try {
      plan = JSON.parse(decodePlanText(input));
    } catch (error) {
      throw new CrossformError(
        "plan/invalid-json",
        "external",
        `terraform show -json printed text that is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        { hint: "run terraform show -json <planfile> by hand and check its output" },
      );
    }
  }
  refuseState(plan);
  if (!isRecord(plan) || typeof plan.format_version !== "string") {
    throw new CrossformError(
      "plan/invalid-json",
      "external",
      "the plan JSON has no format_version: it is not the output of terraform show -json <planfile>",
      { hint: "run terraform show -json <planfile> by hand and check its output" },
    );
  }
  return plan;
}

/** The keys only plan JSON has (a state shown with `terraform show -json` has `values` instead). */
const PLAN_KEYS = [
  "planned_values",
  "resource_changes",
  "resource_drift",
  "output_changes",
  "prior_state",
  "configuration",
];

/** Refuses a state file, or `terraform show -json` of a state, with what it is and what to run. */
function refuseState(value: unknown): void {
  if (!isRecord(value)) return;
  const hint =
    "save a plan with `terraform plan -out=<planfile>` and pass the output of `terraform show -json <planfile>`";
  if (typeof value.version === "number" && ("lineage" in value || "serial" in value)) {
    const serial = typeof value.serial === "number" ? `, serial ${value.serial}` : "";
    throw new CrossformError(
      "plan/state-not-plan",
      "user",
      `this is a Terraform state file (state format version ${value.version}${serial}), not a plan`,
      { hint },
    );
  }
  if (
    typeof value.format_version === "string" &&
    isRecord(value.values) &&
    !PLAN_KEYS.some((key) => key in value)
  ) {
    throw new CrossformError(
      "plan/state-not-plan",
      "user",
      "this is the output of `terraform show -json` for a state (it has values and no planned changes), not for a plan",
      { hint },
    );
  }
}

/** Folds Terraform's action list into one {@link ResourceAction}. */
export function foldActions(actions: readonly string[]): ResourceAction {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  for (const action of ["create", "update", "delete", "forget", "read"] as const) {
    if (actions.includes(action)) return action;
  }
  return "no-op";
}

/**
 * Every string Terraform marks sensitive anywhere in the plan: in resource changes and drift
 * (`before_sensitive`, `after_sensitive`), planned and prior resource values
 * (`sensitive_values`), outputs marked sensitive, and root variables declared `sensitive`. Use
 * it to scrub what else comes out of the same unit (logs, error text).
 */
export function planSensitiveStrings(input: unknown): Set<string> {
  const plan = asPlan(input);
  const secrets = new Set<string>();
  for (const rc of [...records(plan.resource_changes), ...records(plan.resource_drift)]) {
    const change = isRecord(rc.change) ? rc.change : {};
    collectSensitiveStrings(change.before, change.before_sensitive, secrets);
    collectSensitiveStrings(change.after, change.after_sensitive, secrets);
  }
  for (const [, oc] of Object.entries(isRecord(plan.output_changes) ? plan.output_changes : {})) {
    if (!isRecord(oc)) continue;
    collectSensitiveStrings(oc.before, oc.before_sensitive, secrets);
    collectSensitiveStrings(oc.after, oc.after_sensitive, secrets);
  }
  const prior = isRecord(plan.prior_state) ? plan.prior_state.values : undefined;
  for (const values of [plan.planned_values, prior]) {
    if (!isRecord(values)) continue;
    collectOutputSecrets(values.outputs, secrets);
    collectModuleSecrets(values.root_module, secrets);
  }
  const configuration = isRecord(plan.configuration) ? plan.configuration : {};
  const rootModule = isRecord(configuration.root_module) ? configuration.root_module : {};
  const declared = isRecord(rootModule.variables) ? rootModule.variables : {};
  const variables = isRecord(plan.variables) ? plan.variables : {};
  for (const [name, declaration] of Object.entries(declared)) {
    const variable = variables[name];
    if (isRecord(declaration) && declaration.sensitive === true && isRecord(variable)) {
      collectStrings(variable.value, secrets);
    }
  }
  const configOutputs = isRecord(rootModule.outputs) ? rootModule.outputs : {};
  for (const [name, output] of Object.entries(configOutputs)) {
    if (!isRecord(output) || output.sensitive !== true) continue;
    const oc = isRecord(plan.output_changes) ? plan.output_changes[name] : undefined;
    if (isRecord(oc)) {
      collectStrings(oc.before, secrets);
      collectStrings(oc.after, secrets);
    }
  }
  return secrets;
}

/**
 * Every value `terraform show -json` of a state (no plan file) marks sensitive: its sensitive
 * outputs and the sensitive attributes of its resources, in every module. Text that is not JSON,
 * or an empty state, holds none.
 */
export function stateSensitiveStrings(input: string): Set<string> {
  const secrets = new Set<string>();
  let state: unknown;
  try {
    state = JSON.parse(input);
  } catch {
    return secrets;
  }
  const values = isRecord(state) && isRecord(state.values) ? state.values : undefined;
  if (!values) return secrets;
  collectOutputSecrets(values.outputs, secrets);
  collectModuleSecrets(values.root_module, secrets);
  return secrets;
}

function collectOutputSecrets(outputs: unknown, secrets: Set<string>): void {
  if (!isRecord(outputs)) return;
  for (const output of Object.values(outputs)) {
    if (isRecord(output) && output.sensitive === true) collectStrings(output.value, secrets);
  }
}

function collectModuleSecrets(module: unknown, secrets: Set<string>): void {
  if (!isRecord(module)) return;
  for (const resource of records(module.resources)) {
    collectSensitiveStrings(resource.values, resource.sensitive_values, secrets);
  }
  for (const child of records(module.child_modules)) collectModuleSecrets(child, secrets);
}

/**
 * Summarizes `terraform show -json <planfile>` output: text, bytes (see {@link decodePlanText}) or
 * the parsed JSON. Throws a `CrossformError` for what is not a plan: text that is not JSON
 * (`plan/invalid-json`), JSON without a `format_version`, a state (`plan/state-not-plan`).
 */
export function summarizePlan(input: unknown): PlanSummary {
  const plan = asPlan(input);
  const scrubber = createScrubber(planSensitiveStrings(plan));
  const summary: PlanSummary = {
    terraformVersion:
      typeof plan.terraform_version === "string" ? plan.terraform_version : undefined,
    errored: plan.errored === true,
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputsChanged: 0,
    resources: [],
    drifted: [],
    outputs: [],
  };

  for (const rc of records(plan.resource_changes)) {
    if (rc.mode === "data") continue;
    const resource = resourceChange(rc, scrubber);
    const moved = resource.previousAddress !== undefined;
    if (resource.action === "no-op" && !moved && !resource.importing) continue;
    if (resource.action === "read") continue;
    switch (resource.action) {
      case "create":
        summary.add += 1;
        break;
      case "update":
        summary.change += 1;
        break;
      case "delete":
        summary.destroy += 1;
        break;
      case "replace":
        summary.replace += 1;
        break;
      case "forget":
        summary.forget += 1;
        break;
    }
    if (moved) summary.moved += 1;
    if (resource.importing) summary.imported += 1;
    summary.resources.push(resource);
  }

  for (const rc of records(plan.resource_drift)) {
    const drifted = resourceChange(rc, scrubber, sameOrBothEmpty);
    // The aws provider stores `tags = null` at create and reads `{}` back: not a change anyone made.
    if (drifted.action === "update" && drifted.attributes.length === 0) continue;
    summary.drifted.push(drifted);
  }
  summary.drift = summary.drifted.length;

  const sensitiveOutputs = sensitiveOutputNames(plan);
  const outputChanges = isRecord(plan.output_changes) ? plan.output_changes : {};
  for (const name of Object.keys(outputChanges).sort()) {
    const oc = outputChanges[name];
    if (!isRecord(oc)) continue;
    const action = foldActions(strings(oc.actions));
    if (action !== "create" && action !== "update" && action !== "delete") continue;
    const forced = sensitiveOutputs.has(name);
    const beforeMask = forced ? true : oc.before_sensitive;
    const afterMask = forced ? true : oc.after_sensitive;
    const unknown = maskMarks(oc.after_unknown);
    summary.outputs.push({
      name,
      action,
      before: scrubber.value(redactByMask(oc.before ?? null, beforeMask)),
      after: scrubber.value(
        markUnknown(
          redactByMask(action === "delete" ? null : (oc.after ?? null), afterMask),
          oc.after_unknown,
        ),
      ),
      sensitive: maskMarks(beforeMask) || maskMarks(afterMask),
      unknown,
    });
  }
  summary.outputsChanged = summary.outputs.length;
  return summary;
}

function sensitiveOutputNames(plan: JsonObject): Set<string> {
  const names = new Set<string>();
  const planned = isRecord(plan.planned_values) ? plan.planned_values.outputs : undefined;
  const prior =
    isRecord(plan.prior_state) && isRecord(plan.prior_state.values)
      ? plan.prior_state.values.outputs
      : undefined;
  for (const outputs of [planned, prior]) {
    if (!isRecord(outputs)) continue;
    for (const [name, output] of Object.entries(outputs)) {
      if (isRecord(output) && output.sensitive === true) names.add(name);
    }
  }
  const configuration = isRecord(plan.configuration) ? plan.configuration : {};
  const root = isRecord(configuration.root_module) ? configuration.root_module : {};
  for (const [name, output] of Object.entries(isRecord(root.outputs) ? root.outputs : {})) {
    if (isRecord(output) && output.sensitive === true) names.add(name);
  }
  return names;
}

function resourceChange(
  rc: JsonObject,
  scrubber: Scrubber,
  same: (a: unknown, b: unknown) => boolean = deepEqual,
): ResourceChangeSummary {
  const change = isRecord(rc.change) ? rc.change : {};
  const actions = strings(change.actions);
  const action = foldActions(actions);
  const address = typeof rc.address === "string" ? rc.address : "";
  const previous = typeof rc.previous_address === "string" ? rc.previous_address : undefined;
  const replacedBy = Array.isArray(change.replace_paths)
    ? [
        ...new Set(
          change.replace_paths
            .map((path) => (Array.isArray(path) ? path[0] : undefined))
            .filter((step): step is string => typeof step === "string"),
        ),
      ]
    : [];
  return {
    address,
    previousAddress: previous !== undefined && previous !== address ? previous : undefined,
    action,
    actions,
    importing: isRecord(change.importing),
    reason: typeof rc.action_reason === "string" ? rc.action_reason : undefined,
    replacedBy,
    attributes:
      action === "delete" || action === "forget" ? [] : attributeChanges(change, scrubber, same),
  };
}

function attributeChanges(
  change: JsonObject,
  scrubber: Scrubber,
  same: (a: unknown, b: unknown) => boolean,
): AttributeChange[] {
  const before = isRecord(change.before) ? change.before : {};
  const after = isRecord(change.after) ? change.after : {};
  const unknownMask = isRecord(change.after_unknown) ? change.after_unknown : {};
  const names = [
    ...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknownMask)]),
  ].sort();
  const out: AttributeChange[] = [];
  for (const name of names) {
    const b = before[name] ?? null;
    const a = after[name] ?? null;
    const unknown = maskMarks(unknownMask[name]);
    if (!unknown && same(b, a)) continue;
    const beforeMask = maskAt(change.before_sensitive, name);
    const afterMask = maskAt(change.after_sensitive, name);
    out.push({
      name,
      before: scrubber.value(redactByMask(b, beforeMask)),
      after: scrubber.value(markUnknown(redactByMask(a, afterMask), unknownMask[name])),
      sensitive: maskMarks(beforeMask) || maskMarks(afterMask),
      unknown,
    });
  }
  return out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/**
 * {@link deepEqual}, with null, `[]` and `{}` all equal at any depth: how drift is compared, since
 * providers store an unset collection as null and read it back empty (the aws provider's `tags`).
 */
function sameOrBothEmpty(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameOrBothEmpty(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameOrBothEmpty(a[k] ?? null, b[k] ?? null));
  }
  return a === b;
}

/** Whether a plan would change anything: resources, moves, imports, forgets or outputs. */
export function planHasChanges(summary: PlanSummary): boolean {
  return (
    summary.add +
      summary.change +
      summary.destroy +
      summary.replace +
      summary.moved +
      summary.imported +
      summary.forget +
      summary.outputsChanged >
    0
  );
}

/** The plan in one word: an errored plan is `errored` whatever its counts say. */
export function planStatus(summary: PlanSummary): PlanStatus {
  if (summary.errored) return "errored";
  return planHasChanges(summary) ? "changes" : "no-changes";
}

/** `terraform output -json` (text or parsed) as its object of outputs. */
function outputsObject(input: unknown): Record<string, unknown> {
  let outputs = input;
  if (typeof input === "string") {
    try {
      outputs = JSON.parse(input);
    } catch (error) {
      throw new CrossformError(
        "plan/invalid-json",
        "external",
        `terraform output -json printed text that is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        { hint: "run terraform output -json by hand and check its output" },
      );
    }
  }
  if (!isRecord(outputs)) {
    throw new CrossformError(
      "plan/invalid-json",
      "external",
      "terraform output -json did not print an object of outputs",
      { hint: "run terraform output -json by hand and check its output" },
    );
  }
  return outputs;
}

/** Every string of the outputs `terraform output -json` (text or parsed) marks sensitive. */
export function outputSensitiveStrings(input: unknown): Set<string> {
  const secrets = new Set<string>();
  for (const output of Object.values(outputsObject(input))) {
    if (isRecord(output) && output.sensitive === true) collectStrings(output.value, secrets);
  }
  return secrets;
}

/**
 * Summarizes `terraform output -json` (text or parsed): one entry per output, sorted by name,
 * sensitive values as `(sensitive)` (redact.ts `SENSITIVE`) (Terraform prints them in clear text there), and any
 * copy of a sensitive string in another output scrubbed too.
 */
export function summarizeOutputs(input: unknown): OutputValue[] {
  const outputs = outputsObject(input);
  const scrubber = createScrubber(outputSensitiveStrings(outputs));
  return Object.keys(outputs)
    .sort()
    .map((name) => {
      const output = outputs[name];
      const record = isRecord(output) ? output : {};
      const sensitive = record.sensitive === true;
      return {
        name,
        sensitive,
        type: record.type ?? null,
        value: sensitive ? SENSITIVE : scrubber.value(record.value ?? null),
      };
    });
}
