/**
 * The lint use case: finds every directory with Terraform files under the given paths, parses them,
 * arranges them as roots and reusable modules with their local calls, adds the units of
 * crossform.yaml when there is one, and runs the lint rules. Works with or without a crossform.yaml.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../core/errors.ts";
import { CrossformError } from "../core/errors.ts";
import { GENERATED_HEADER } from "../core/generate/hcl-writer.ts";
import { summarizeModule } from "../core/hcl/module-summary.ts";
import type { HclFile } from "../core/hcl/syntax.ts";
import { runLint } from "../core/lint/engine.ts";
import type { LintReport } from "../core/lint/engine.ts";
import { lintRules } from "../core/lint/registry.ts";
import type {
  LintConfigFacts,
  LintModule,
  LintModuleCall,
  LintRepository,
  LintRule,
} from "../core/lint/rule.ts";
import { checkReservedVars } from "../core/config/check-vars.ts";
import type { Config } from "../core/config/model.ts";
import { normalizeConfig } from "../core/config/normalize.ts";
import { parseConfig } from "../core/config/parse-config.ts";
import { expandUnits } from "../core/units/units.ts";
import type { UnitSet } from "../core/units/units.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { HclParser } from "../ports/hcl-parser.ts";
import { CONFIG_FILE_NAME, findConfigFile } from "./load-config.ts";
import type { LoadConfigOptions } from "./load-config.ts";
import { isTerraformFileName } from "./module-graph.ts";

/** Directories never searched: Terraform's and crossform's working data, dependencies, hidden ones. */
const SKIPPED_DIRECTORIES = new Set([".terraform", ".crossform", "node_modules"]);

/** What the lint use case needs. */
export interface LintAdapters {
  fs: FileSystem;
  parser: HclParser;
}

/** What to lint. */
export interface LintRequest extends LoadConfigOptions {
  /** Files or directories to search, relative to `cwd`. @default ["."] */
  paths?: string[];
  /** The rules to run. @default every rule of the registry */
  rules?: readonly LintRule[];
}

/** A lint run's result: a report, or the problems of a crossform.yaml that could not be read. */
export type LintResult =
  | { ok: true; report: LintReport; config?: string }
  | { ok: false; diagnostics: Diagnostic[]; config: string };

/** Lints the Terraform code under the requested paths. */
export async function lint(adapters: LintAdapters, request: LintRequest): Promise<LintResult> {
  const cwd = resolve(request.cwd);
  const display = (path: string): string => {
    const shown = relative(cwd, path);
    if (shown === "") return ".";
    return isAbsolute(shown) ? shown : shown.split(sep).join("/");
  };
  const loaded = await readOptionalConfig(adapters.fs, request);
  if (loaded !== undefined && !loaded.ok) {
    return { ok: false, diagnostics: loaded.diagnostics, config: display(loaded.path) };
  }
  const directories = new Map<string, string[]>();
  for (const path of request.paths ?? ["."]) {
    const absolute = resolve(cwd, path);
    if (!(await adapters.fs.exists(absolute))) {
      throw new CrossformError("lint/path-not-found", "user", `lint path ${path} does not exist`, {
        hint: "name a directory (or a .tf file) inside the repository",
      });
    }
    await collect(adapters.fs, absolute, directories);
  }
  const modules: LintModule[] = [];
  const calls: LintModuleCall[] = [];
  const called = new Set<string>();
  const stackDirs = new Map<string, { name: string; accountCount: number }>();
  if (loaded?.ok === true) {
    for (const stack of loaded.config.stacks.values()) {
      stackDirs.set(resolve(loaded.dir, stack.path), {
        name: stack.name,
        accountCount: accountCount(loaded.units, stack.name),
      });
    }
  }
  const absoluteDirs = [...directories.keys()].sort();
  const summaries = new Map<string, LintModule>();
  for (const dir of absoluteDirs) {
    const files: HclFile[] = [];
    const generatedFiles: string[] = [];
    for (const name of directories.get(dir) ?? []) {
      const path = join(dir, name);
      let text: string;
      try {
        text = await adapters.fs.readText(path);
      } catch (error) {
        files.push(unreadableFile(display(path), error));
        continue;
      }
      if (text.startsWith(GENERATED_HEADER)) {
        generatedFiles.push(name);
        continue;
      }
      files.push(adapters.parser.parse(display(path), text));
    }
    const summary = summarizeModule(files);
    for (const call of summary.moduleCalls) {
      if (call.sourceKind !== "local" || call.source === undefined) continue;
      const target = resolve(dir, call.source);
      if (!directories.has(target) || target === dir) continue;
      called.add(target);
      calls.push({ from: display(dir), to: display(target), call });
    }
    const module: LintModule = { dir: display(dir), role: "root", files, summary, generatedFiles };
    const stack = stackDirs.get(dir);
    if (stack !== undefined) module.stack = stack;
    summaries.set(dir, module);
  }
  for (const [dir, module] of summaries) {
    if (!stackDirs.has(dir) && called.has(dir)) module.role = "module";
    modules.push(module);
  }
  const repository: LintRepository = { modules, calls };
  let settings = {};
  let failLevel: "error" | "warn" = "error";
  if (loaded?.ok === true) {
    repository.config = configFacts(loaded.config, loaded.units, display(loaded.path), loaded.text);
    settings = loaded.config.lint.rules;
    failLevel = loaded.config.lint.failLevel;
  }
  const report = runLint(repository, request.rules ?? lintRules, { settings, failLevel });
  return loaded?.ok === true
    ? { ok: true, report, config: display(loaded.path) }
    : { ok: true, report };
}

type OptionalConfig =
  | { ok: true; config: Config; units: UnitSet; path: string; dir: string; text: string }
  | { ok: false; diagnostics: Diagnostic[]; path: string };

/**
 * The crossform.yaml of the repository, when there is one: lint runs without it too. Read like
 * `loadConfig` does, except that units sharing one state address are left to the `shared-state`
 * rule, which reports them with the other findings.
 */
async function readOptionalConfig(
  fs: FileSystem,
  request: LintRequest,
): Promise<OptionalConfig | undefined> {
  let path: string;
  try {
    path = await findConfigFile(fs, request);
  } catch (error) {
    if (
      error instanceof CrossformError &&
      error.code === "config/not-found" &&
      request.configPath === undefined
    )
      return undefined;
    throw error;
  }
  const text = await fs.readText(path);
  const shown = relative(request.cwd, path) || CONFIG_FILE_NAME;
  const file = shown.startsWith("..") ? path : shown;
  const parsed = parseConfig(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics, path };
  const normalized = normalizeConfig(parsed.config, parsed.locator, file);
  const reserved = checkReservedVars(parsed.config, parsed.locator);
  if (!normalized.ok)
    return { ok: false, diagnostics: [...normalized.diagnostics, ...reserved], path };
  if (reserved.length > 0) return { ok: false, diagnostics: reserved, path };
  const { units, diagnostics } = expandUnits(normalized.config);
  const errors = diagnostics.filter(
    (d) => d.severity === "error" && d.code !== "state/shared-address",
  );
  if (errors.length > 0) return { ok: false, diagnostics: errors, path };
  return { ok: true, config: normalized.config, units, path, dir: dirname(path), text };
}

/** Adds every directory under `path` that holds Terraform files, with their names sorted. */
async function collect(
  fs: FileSystem,
  path: string,
  directories: Map<string, string[]>,
): Promise<void> {
  const pending = [path];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const current = pending.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    let entries;
    try {
      entries = await fs.listDir(current);
    } catch {
      // A file given as a path: lint its directory.
      if (isTerraformFileName(current.slice(dirname(current).length + 1))) {
        pending.push(dirname(current));
      }
      continue;
    }
    const names = entries
      .filter((entry) => entry.isFile && isTerraformFileName(entry.name))
      .map((entry) => entry.name)
      .sort();
    if (names.length > 0) directories.set(current, names);
    for (const entry of entries) {
      if (!entry.isDirectory || entry.name.startsWith(".") || SKIPPED_DIRECTORIES.has(entry.name))
        continue;
      pending.push(join(current, entry.name));
    }
  }
}

function accountCount(units: UnitSet, stack: string): number {
  const accounts = new Set<string>();
  for (const unit of units.units) {
    if (unit.stack !== stack) continue;
    for (const target of unit.targets) accounts.add(target.account);
  }
  return accounts.size;
}

function configFacts(config: Config, units: UnitSet, file: string, text: string): LintConfigFacts {
  const position = config.locator.positionOf(["state", "key"]);
  return {
    file,
    text,
    units: units.units.map((unit) => ({
      id: unit.id,
      bucket: unit.state.bucket,
      key: unit.state.key,
    })),
    stateKeyLocation: { file, line: position.line, column: position.column },
    thirdPartyAccounts: config.lint.thirdPartyAccounts,
  };
}

/** A file that could not be read, as a file with one syntax error at its start: lint goes on. */
function unreadableFile(path: string, error: unknown): HclFile {
  const start = { line: 1, column: 1, offset: 0 };
  const range = { start, end: start };
  const reason = error instanceof Error ? error.message : String(error);
  return {
    path,
    format: path.endsWith(".json") ? "json" : "hcl",
    text: "",
    range,
    blocks: [],
    attributes: [],
    comments: [],
    errors: [{ kind: "invalid", message: `cannot read ${path}: ${reason}`, range }],
  };
}
