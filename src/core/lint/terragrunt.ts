/**
 * Terragrunt, as lint needs it: which directories are units, what Terraform code each deploys
 * (`terraform { source }`), which aws providers its `generate` blocks write, and where its
 * `remote_state` puts the state. Read from the `.hcl` files of the repository (`terragrunt.hcl`, an
 * included `root.hcl`, `_envcommon/*.hcl`, `account.hcl`, ...) with the evaluator of
 * `terragrunt-eval.ts`; what cannot be evaluated is left unknown, never guessed.
 */
import { findAttribute, objectKeyName, stringValue } from "../hcl/syntax-queries.ts";
import type { HclBlock, HclExpression, HclFile, HclRange } from "../hcl/syntax.ts";
import { evaluate, repositoryPath, UNKNOWN } from "./terragrunt-eval.ts";
import type { TerragruntScope, TerragruntValue } from "./terragrunt-eval.ts";
import { baseOf, dirOf, joinPath } from "./repository-path.ts";
import type { LintSourceFile } from "./rule.ts";

/** The name of a Terragrunt unit's configuration file. */
export const TERRAGRUNT_FILE_NAME = "terragrunt.hcl";

/** An `include` block. */
export interface TerragruntInclude {
  /** The label (`root`), or `""` for an unnamed include. */
  name: string;
  path?: HclExpression;
  expose: boolean;
}

/** A `generate` block. */
export interface TerragruntGenerate {
  name: string;
  contents?: HclExpression;
  /** True when `disable = true`. */
  disabled: boolean;
  range: HclRange;
}

/** A `remote_state` block. */
export interface TerragruntRemoteState {
  backend?: HclExpression;
  /** The `config = { ... }` object. */
  config?: HclExpression;
  range: HclRange;
}

/** What lint reads from one Terragrunt file. */
export interface TerragruntConfigFile extends LintSourceFile {
  locals: { name: string; expression: HclExpression }[];
  includes: TerragruntInclude[];
  /** `terraform { source = ... }`. */
  source?: HclExpression;
  generates: TerragruntGenerate[];
  remoteState?: TerragruntRemoteState;
}

/** The aws provider blocks a unit's `generate` blocks write. */
export interface GeneratedAwsProviders {
  /** True when one of them has no alias: the Terraform code gets a configured default. */
  hasDefault: boolean;
  aliases: string[];
  /** The file holding the `generate` block. */
  file: string;
}

/** Where a unit's state goes, as far as it can be evaluated. */
export interface TerragruntState {
  /** The file holding the `remote_state` block. */
  file: string;
  /** The `key` item, or the `remote_state` block when there is none. */
  range: HclRange;
  backend?: string;
  bucket?: string;
  key?: string;
  workspaceKeyPrefix?: string;
}

/** One Terragrunt unit: a directory with a `terragrunt.hcl` that no other one includes. */
export interface TerragruntUnit {
  /** Repository-relative directory. */
  dir: string;
  /** Its `terragrunt.hcl`. */
  file: string;
  /** The repository directory whose Terraform code it deploys (its own when it names no source). */
  moduleDir?: string;
  /** A source outside the repository (git, registry), as evaluated; absent when unknown or local. */
  remoteSource?: string;
  generatedAws?: GeneratedAwsProviders;
  state?: TerragruntState;
}

/** Reads the parts of a Terragrunt file lint uses. */
export function collectTerragruntConfig(
  file: HclFile,
): Omit<TerragruntConfigFile, keyof LintSourceFile> {
  const out: Omit<TerragruntConfigFile, keyof LintSourceFile> = {
    locals: [],
    includes: [],
    generates: [],
  };
  for (const block of file.blocks) {
    switch (block.type) {
      case "locals":
        for (const attribute of block.body.attributes)
          out.locals.push({ name: attribute.name, expression: attribute.expression });
        break;
      case "include": {
        const path = findAttribute(block.body, "path");
        const expose = findAttribute(block.body, "expose");
        const include: TerragruntInclude = {
          name: block.labels[0] ?? "",
          expose: expose?.expression.kind === "bool" && expose.expression.value,
        };
        if (path !== undefined) include.path = path.expression;
        out.includes.push(include);
        break;
      }
      case "terraform": {
        const source = findAttribute(block.body, "source");
        if (source !== undefined) out.source = source.expression;
        break;
      }
      case "generate":
        out.generates.push(generateOf(block));
        break;
      case "remote_state": {
        const state: TerragruntRemoteState = { range: block.range };
        const backend = findAttribute(block.body, "backend");
        if (backend !== undefined) state.backend = backend.expression;
        const config = findAttribute(block.body, "config");
        if (config !== undefined) state.config = config.expression;
        out.remoteState = state;
        break;
      }
      default:
        break;
    }
  }
  // `remote_state` may also be written as an attribute: `remote_state = { backend = "s3", config = {...} }`.
  const attribute = file.attributes.find((candidate) => candidate.name === "remote_state");
  if (attribute?.expression.kind === "object" && out.remoteState === undefined) {
    const state: TerragruntRemoteState = { range: attribute.range };
    for (const item of attribute.expression.items) {
      const key = objectKeyName(item.key);
      if (key === "backend") state.backend = item.value;
      if (key === "config") state.config = item.value;
    }
    out.remoteState = state;
  }
  return out;
}

function generateOf(block: HclBlock): TerragruntGenerate {
  const contents = findAttribute(block.body, "contents");
  const disable = findAttribute(block.body, "disable");
  const generate: TerragruntGenerate = {
    name: block.labels[0] ?? "",
    disabled: disable?.expression.kind === "bool" && disable.expression.value,
    range: block.range,
  };
  if (contents !== undefined) generate.contents = contents.expression;
  return generate;
}

/** Finds the units among the Terragrunt files and resolves what each deploys, generates and stores. */
export function resolveTerragruntUnits(files: TerragruntConfigFile[]): TerragruntUnit[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const candidates = files.filter((file) => baseOf(file.path) === TERRAGRUNT_FILE_NAME);
  const includesOf = new Map<
    string,
    { include: TerragruntInclude; file: TerragruntConfigFile }[]
  >();
  const included = new Set<string>();
  for (const file of candidates) {
    const scope = scopeOf(file, file, byPath);
    const resolved = [];
    for (const include of file.includes) {
      if (include.path === undefined) continue;
      const path = repositoryPath(evaluate(include.path, scope));
      const target = path === undefined ? undefined : byPath.get(path);
      if (target === undefined || target === file) continue;
      resolved.push({ include, file: target });
      included.add(target.path);
    }
    includesOf.set(file.path, resolved);
  }
  return candidates
    .filter((file) => !included.has(file.path))
    .map((file) => resolveUnit(file, includesOf.get(file.path) ?? [], byPath))
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

function scopeOf(
  unit: TerragruntConfigFile,
  file: TerragruntConfigFile,
  files: ReadonlyMap<string, TerragruntConfigFile>,
  includeDir?: string,
  exposed: Map<string, TerragruntConfigFile> = new Map(),
): TerragruntScope {
  const scope: TerragruntScope = { unitDir: dirOf(unit.path), file, exposed, files };
  if (includeDir !== undefined) scope.includeDir = includeDir;
  return scope;
}

function resolveUnit(
  file: TerragruntConfigFile,
  includes: { include: TerragruntInclude; file: TerragruntConfigFile }[],
  files: ReadonlyMap<string, TerragruntConfigFile>,
): TerragruntUnit {
  const dir = dirOf(file.path);
  const unit: TerragruntUnit = { dir, file: file.path };
  const exposed = new Map(
    includes
      .filter(({ include }) => include.expose)
      .map(({ include, file: f }) => [include.name, f]),
  );
  const [firstInclude] = includes;
  const own = scopeOf(
    file,
    file,
    files,
    firstInclude ? dirOf(firstInclude.file.path) : undefined,
    exposed,
  );
  const scopes = [
    { file, scope: own },
    ...includes.map(({ file: included }) => ({
      file: included,
      scope: scopeOf(file, included, files, dirOf(included.path)),
    })),
  ];
  const withSource = scopes.find(({ file: f }) => f.source !== undefined);
  if (withSource === undefined) {
    unit.moduleDir = dir;
  } else {
    const source = evaluate(withSource.file.source as HclExpression, withSource.scope);
    const local = localSource(source, dir);
    if (local !== undefined) unit.moduleDir = local;
    else if (typeof source === "string" && !source.includes("${env:")) unit.remoteSource = source;
  }
  const generated = generatedAwsProviders(scopes);
  if (generated !== undefined) unit.generatedAws = generated;
  const withState = scopes.find(({ file: f }) => f.remoteState !== undefined);
  if (withState !== undefined)
    unit.state = stateOf(
      withState.file,
      withState.file.remoteState as TerragruntRemoteState,
      withState.scope,
    );
  return unit;
}

/** A local `terraform.source` as a repository directory (`//` and `?ref=` dropped); undefined for a remote one. */
function localSource(source: TerragruntValue, unitDir: string): string | undefined {
  if (typeof source !== "string") return undefined;
  const path = source.replace(/\?.*$/, "").replace(/(?<!:)\/\//, "/");
  if (path.startsWith("/")) return joinPath(path);
  if (path.startsWith("./") || path.startsWith("../") || path === "." || path === "..")
    return joinPath(unitDir, path);
  return undefined;
}

/** The aws providers written by the unit's `generate` blocks (the unit's own block wins over an included one of the same name). */
function generatedAwsProviders(
  scopes: { file: TerragruntConfigFile; scope: TerragruntScope }[],
): GeneratedAwsProviders | undefined {
  const byName = new Map<string, { generate: TerragruntGenerate; file: TerragruntConfigFile }>();
  for (const { file } of [...scopes].reverse()) {
    for (const generate of file.generates) byName.set(generate.name, { generate, file });
  }
  let found: GeneratedAwsProviders | undefined;
  for (const { generate, file } of byName.values()) {
    if (generate.disabled || generate.contents === undefined) continue;
    const blocks = awsProviderBlocksIn(templateText(generate.contents));
    if (blocks.length === 0) continue;
    found ??= { hasDefault: false, aliases: [], file: file.path };
    for (const alias of blocks) {
      if (alias === undefined) found.hasDefault = true;
      else found.aliases.push(alias);
    }
  }
  return found;
}

/** The text of a string, template or heredoc, each interpolation written as `${}`. */
function templateText(expression: HclExpression): string {
  const literal = stringValue(expression);
  if (literal !== undefined) return literal;
  if (expression.kind !== "template" && expression.kind !== "heredoc") return "";
  return expression.parts.map((part) => (part.kind === "literal" ? part.value : "${}")).join("");
}

/**
 * The `provider "aws"` blocks written in a piece of Terraform text, each as its alias (undefined
 * for the default configuration). Braces inside strings are rare in provider blocks; the scan
 * counts them all.
 */
export function awsProviderBlocksIn(text: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const header = /(^|\n)\s*provider\s+"aws"\s*\{/g;
  for (const match of text.matchAll(header)) {
    let depth = 1;
    let index = (match.index ?? 0) + match[0].length;
    const start = index;
    while (index < text.length && depth > 0) {
      const char = text[index];
      if (char === "{") depth += 1;
      else if (char === "}") depth -= 1;
      index += 1;
    }
    const body = text.slice(start, index - 1);
    const alias = /(?:^|\n)\s*alias\s*=\s*"([^"]*)"/.exec(body);
    out.push(alias === null ? undefined : (alias[1] ?? ""));
  }
  return out;
}

function stateOf(
  file: TerragruntConfigFile,
  remoteState: TerragruntRemoteState,
  scope: TerragruntScope,
): TerragruntState {
  const state: TerragruntState = { file: file.path, range: remoteState.range };
  const backend =
    remoteState.backend === undefined ? UNKNOWN : evaluate(remoteState.backend, scope);
  if (typeof backend === "string") state.backend = backend;
  if (remoteState.config?.kind !== "object") return state;
  for (const item of remoteState.config.items) {
    const key = objectKeyName(item.key);
    const value = evaluate(item.value, scope);
    const text = typeof value === "string" ? value : undefined;
    if (key === "key") {
      state.range = item.range;
      if (text !== undefined) state.key = text;
    } else if (key === "bucket" && text !== undefined) state.bucket = text;
    else if (key === "workspace_key_prefix" && text !== undefined) state.workspaceKeyPrefix = text;
  }
  return state;
}
