/**
 * A small evaluator of Terragrunt expressions, enough to follow what lint needs through a live
 * repository: include paths, `terraform.source`, `remote_state` bucket and key, and `generate`
 * contents. It knows literals, templates, locals, exposed includes, `read_terragrunt_config`, and
 * the path functions (`find_in_parent_folders`, `path_relative_to_include`, `get_terragrunt_dir`,
 * `get_repo_root`, `dirname`, `basename`, ...). Anything else (environment lookups aside, see
 * below) evaluates to {@link UNKNOWN}, and lint then draws no conclusion from it.
 *
 * Paths that functions return are written `/<repository-relative path>`: `/` is the linted
 * repository's top, whatever the machine's directories are.
 */
import { objectKeyName } from "../hcl/syntax-queries.ts";
import type { HclExpression, HclTemplatePart, HclTraversalStep } from "../hcl/syntax.ts";
import { baseOf, dirOf, joinPath, relativePath } from "./repository-path.ts";
import type { TerragruntConfigFile } from "./terragrunt.ts";

/** A value that cannot be known without running Terragrunt. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** What an expression evaluates to. */
export type TerragruntValue =
  | string
  | number
  | boolean
  | null
  | TerragruntValue[]
  | { [key: string]: TerragruntValue }
  | typeof UNKNOWN;

/** Where an expression is evaluated. */
export interface TerragruntScope {
  /** The unit's directory (the `terragrunt.hcl` being deployed), repository-relative. */
  unitDir: string;
  /** The file whose expression this is (the unit's own file, an included one, or one read with `read_terragrunt_config`). */
  file: TerragruntConfigFile;
  /** The directory of the included file, for `path_relative_to_include` and `get_parent_terragrunt_dir`. */
  includeDir?: string;
  /** Exposed includes of the unit's own file, by include name. */
  exposed: Map<string, TerragruntConfigFile>;
  /** Every Terragrunt file read, by repository-relative path. */
  files: ReadonlyMap<string, TerragruntConfigFile>;
}

/** The default file `find_in_parent_folders()` looks for. */
const DEFAULT_PARENT_FILE = "terragrunt.hcl";

/** Evaluates an expression in a scope; never throws. */
export function evaluate(expression: HclExpression, scope: TerragruntScope): TerragruntValue {
  return new Evaluator(scope).value(expression, 0);
}

/** A value as a repository-relative path when it is one (`/a/b` -> `a/b`), else undefined. */
export function repositoryPath(value: TerragruntValue): string | undefined {
  return typeof value === "string" && value.startsWith("/") ? joinPath(value) : undefined;
}

const MAX_DEPTH = 40;

class Evaluator {
  private readonly scope: TerragruntScope;
  private readonly localValues = new Map<string, TerragruntValue>();
  private readonly evaluating = new Set<string>();

  constructor(scope: TerragruntScope) {
    this.scope = scope;
  }

  value(expression: HclExpression, depth: number): TerragruntValue {
    if (depth > MAX_DEPTH) return UNKNOWN;
    switch (expression.kind) {
      case "string":
        return expression.value;
      case "number":
        return Number.isNaN(expression.value) ? UNKNOWN : expression.value;
      case "bool":
        return expression.value;
      case "null":
        return null;
      case "template":
      case "heredoc":
        return this.template(expression.parts, depth);
      case "tuple":
        return expression.items.map((item) => this.value(item, depth + 1));
      case "object": {
        const out: Record<string, TerragruntValue> = {};
        for (const item of expression.items) {
          const key = objectKeyName(item.key);
          if (key === undefined) return UNKNOWN;
          out[key] = this.value(item.value, depth + 1);
        }
        return out;
      }
      case "parentheses":
        return this.value(expression.expression, depth + 1);
      case "traversal": {
        const [first, ...rest] = expression.steps;
        if (expression.root === "local" && first?.kind === "attr")
          return this.steps(this.local(first.name, depth), rest, depth);
        return this.steps(this.root(expression.root, depth), expression.steps, depth);
      }
      case "access":
        return this.steps(this.value(expression.target, depth + 1), expression.steps, depth);
      case "call":
        return this.call(
          expression.name,
          expression.args.map((arg) => this.value(arg, depth + 1)),
        );
      case "conditional": {
        const condition = this.value(expression.condition, depth + 1);
        if (typeof condition !== "boolean") return UNKNOWN;
        return this.value(condition ? expression.trueResult : expression.falseResult, depth + 1);
      }
      case "binary":
        return this.binary(
          expression.operator,
          this.value(expression.left, depth + 1),
          this.value(expression.right, depth + 1),
        );
      default:
        return UNKNOWN;
    }
  }

  private template(parts: HclTemplatePart[], depth: number): TerragruntValue {
    let out = "";
    for (const part of parts) {
      if (part.kind === "literal") {
        out += part.value;
        continue;
      }
      if (part.kind !== "interpolation" || part.expression === undefined) return UNKNOWN;
      const value = this.value(part.expression, depth + 1);
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
        out += String(value);
      else return UNKNOWN;
    }
    return out;
  }

  private root(name: string, depth: number): TerragruntValue {
    if (name === "local") return this.allLocals(depth);
    if (name === "include") {
      const out: Record<string, TerragruntValue> = {};
      for (const [includeName, file] of this.scope.exposed) {
        out[includeName] = { locals: this.otherFileLocals(file, depth) };
      }
      return out;
    }
    return UNKNOWN;
  }

  /** Every local of the file, evaluated, as one object. */
  allLocals(depth: number): TerragruntValue {
    const out: Record<string, TerragruntValue> = {};
    for (const local of this.scope.file.locals) {
      out[local.name] = this.local(local.name, depth);
    }
    return out;
  }

  private local(name: string, depth: number): TerragruntValue {
    const known = this.localValues.get(name);
    if (known !== undefined) return known;
    if (this.evaluating.has(name)) return UNKNOWN;
    const local = this.scope.file.locals.find((candidate) => candidate.name === name);
    if (local === undefined) return UNKNOWN;
    this.evaluating.add(name);
    const value = this.value(local.expression, depth + 1);
    this.evaluating.delete(name);
    this.localValues.set(name, value);
    return value;
  }

  private otherFileLocals(file: TerragruntConfigFile, depth: number): TerragruntValue {
    if (depth > MAX_DEPTH / 2) return UNKNOWN;
    const nested = new Evaluator({ ...this.scope, file, exposed: new Map() });
    return nested.allLocals(depth + 1);
  }

  private steps(start: TerragruntValue, steps: HclTraversalStep[], depth: number): TerragruntValue {
    let current = start;
    for (const step of steps) {
      if (current === UNKNOWN || current === null || typeof current !== "object") return UNKNOWN;
      let key: TerragruntValue;
      if (step.kind === "attr") key = step.name;
      else if (step.kind === "index") key = this.value(step.key, depth + 1);
      else return UNKNOWN;
      if (Array.isArray(current)) {
        if (typeof key !== "number") return UNKNOWN;
        current = current[key] ?? UNKNOWN;
      } else {
        if (typeof key !== "string") return UNKNOWN;
        current = Object.hasOwn(current, key) ? (current[key] as TerragruntValue) : UNKNOWN;
      }
    }
    return current;
  }

  private binary(operator: string, left: TerragruntValue, right: TerragruntValue): TerragruntValue {
    if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
    if (operator === "==") return JSON.stringify(left) === JSON.stringify(right);
    if (operator === "!=") return JSON.stringify(left) !== JSON.stringify(right);
    if (operator === "&&" && typeof left === "boolean" && typeof right === "boolean")
      return left && right;
    if (operator === "||" && typeof left === "boolean" && typeof right === "boolean")
      return left || right;
    return UNKNOWN;
  }

  private call(name: string, args: TerragruntValue[]): TerragruntValue {
    const [first, second] = args;
    const { unitDir, includeDir } = this.scope;
    switch (name) {
      case "get_repo_root":
        return "/";
      case "get_terragrunt_dir":
      case "get_original_terragrunt_dir":
        return `/${unitDir}`;
      case "get_parent_terragrunt_dir":
        return `/${includeDir ?? unitDir}`;
      case "path_relative_to_include":
        return relativePath(includeDir ?? unitDir, unitDir);
      case "path_relative_from_include":
        return relativePath(unitDir, includeDir ?? unitDir);
      case "find_in_parent_folders":
        return this.findInParentFolders(typeof first === "string" ? first : DEFAULT_PARENT_FILE);
      case "read_terragrunt_config": {
        const path = repositoryPath(first ?? UNKNOWN);
        const file = path === undefined ? undefined : this.scope.files.get(path);
        if (file === undefined) return second ?? UNKNOWN;
        return { locals: this.otherFileLocals(file, 0) };
      }
      case "dirname": {
        if (typeof first !== "string") return UNKNOWN;
        return first.startsWith("/") ? `/${dirOf(joinPath(first))}` : dirOf(first);
      }
      case "basename":
        return typeof first === "string" ? baseOf(first.replace(/\/+$/, "")) : UNKNOWN;
      case "get_env":
        // The environment is one for the whole run: the same symbol in every unit.
        return typeof first === "string" ? `\${env:${first}}` : UNKNOWN;
      case "lower":
        return typeof first === "string" ? first.toLowerCase() : UNKNOWN;
      case "upper":
        return typeof first === "string" ? first.toUpperCase() : UNKNOWN;
      case "trimspace":
        return typeof first === "string" ? first.trim() : UNKNOWN;
      case "replace": {
        const [text, from, to] = args;
        if (typeof text !== "string" || typeof from !== "string" || typeof to !== "string")
          return UNKNOWN;
        return from.startsWith("/") && from.endsWith("/") && from.length > 1
          ? UNKNOWN
          : text.split(from).join(to);
      }
      case "merge": {
        const out: Record<string, TerragruntValue> = {};
        for (const arg of args) {
          if (arg === UNKNOWN || arg === null || typeof arg !== "object" || Array.isArray(arg))
            return UNKNOWN;
          Object.assign(out, arg);
        }
        return out;
      }
      case "try":
        return args.find((arg) => arg !== UNKNOWN) ?? UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private findInParentFolders(name: string): TerragruntValue {
    let dir = this.scope.unitDir;
    while (dir !== ".") {
      dir = dirOf(dir);
      const candidate = joinPath(dir, name);
      if (this.scope.files.has(candidate)) return `/${candidate}`;
    }
    return UNKNOWN;
  }
}
