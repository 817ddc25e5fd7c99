/**
 * The lint use case: finds the Terraform, Terragrunt and `.tfbackend` files under the given paths,
 * reads their facts (in worker threads when the adapters offer a reader), arranges them as roots and
 * reusable modules with their local calls and Terragrunt units, adds the units of crossform.yaml when
 * there is one, runs the lint rules, and applies or writes a baseline. Works with or without a
 * crossform.yaml. Paths in the report are relative to the repository root (the git top level, else
 * the crossform.yaml directory or the path given), whatever the working directory.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../core/errors.ts";
import { CrossformError } from "../core/errors.ts";
import { stackAliases } from "../core/generate/unit-inputs.ts";
import type { BackendFile } from "../core/lint/backend-file.ts";
import { applyBaseline, formatBaseline, parseBaseline } from "../core/lint/baseline.ts";
import { runLint, SYNTAX_ERROR_ID } from "../core/lint/engine.ts";
import type { LintReport } from "../core/lint/engine.ts";
import { lintSourceKind, readLintSource, unreadableFile } from "../core/lint/file-facts.ts";
import type { LintSourceRead } from "../core/lint/file-facts.ts";
import { lintRules } from "../core/lint/registry.ts";
import { buildLintRepository } from "../core/lint/repository-model.ts";
import type {
  LintConfigFacts,
  LintFile,
  LintRepository,
  LintRule,
  LintSetting,
  LintStack,
} from "../core/lint/rule.ts";
import type { TerragruntConfigFile } from "../core/lint/terragrunt.ts";
import { checkReservedVars } from "../core/config/check-vars.ts";
import type { Config } from "../core/config/model.ts";
import { normalizeConfig } from "../core/config/normalize.ts";
import { parseConfig } from "../core/config/parse-config.ts";
import { expandUnits } from "../core/units/units.ts";
import type { UnitSet } from "../core/units/units.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";
import type { HclParser } from "../ports/hcl-parser.ts";
import type { LintSourceReader, LintSourceRequest } from "../ports/lint-source-reader.ts";
import { CONFIG_FILE_NAME, findConfigFile } from "./load-config.ts";
import type { LoadConfigOptions } from "./load-config.ts";

/**
 * Directories never searched: version control, Terraform's, Terragrunt's and crossform's working
 * data, dependencies, editor settings. Other hidden directories are searched: live repositories
 * keep roots in directories such as `.settings/`.
 */
const SKIPPED_DIRECTORIES = new Set([
  ".git",
  ".hg",
  ".svn",
  ".terraform",
  ".terragrunt-cache",
  ".terragrunt-stack",
  ".crossform",
  ".external_modules",
  ".idea",
  ".vscode",
  "node_modules",
]);

/** What the lint use case needs. */
export interface LintAdapters {
  fs: FileSystem;
  parser: HclParser;
  /** Reads many files at once (worker threads); without it, files are read one by one with `fs` and `parser`. */
  reader?: LintSourceReader;
  /** Writes the baseline file; needed for `writeBaseline` only. */
  writer?: FileWriter;
}

/** What to lint. */
export interface LintRequest extends LoadConfigOptions {
  /** Files or directories to search, relative to `cwd`. @default ["."] */
  paths?: string[];
  /** The rules to run. @default every rule of the registry */
  rules?: readonly LintRule[];
  /** Run only these rules (ids; `--rule`); the syntax-error finding stays unless disabled. */
  only?: string[];
  /** Turn these rules off (ids; `--disable`), `syntax-error` included. */
  disable?: string[];
  /** A baseline file, relative to `cwd`: the findings it lists are left out of the report. */
  baseline?: string;
  /** Write today's findings to `baseline` (then nothing is left out as new). @default false */
  writeBaseline?: boolean;
}

/** A lint run's result: a report, or the problems of a crossform.yaml that could not be read. */
export type LintResult =
  | {
      ok: true;
      report: LintReport;
      /** The absolute directory the report's paths are relative to. */
      root: string;
      /** crossform.yaml, relative to the working directory, when one was read. */
      config?: string;
      /** The baseline file written, relative to the working directory, when `writeBaseline`. */
      baselineWritten?: string;
    }
  | { ok: false; diagnostics: Diagnostic[]; config: string };

/** Lints the Terraform code under the requested paths. */
export async function lint(adapters: LintAdapters, request: LintRequest): Promise<LintResult> {
  const cwd = resolve(request.cwd);
  const fromCwd = (path: string): string => {
    const shown = relative(cwd, path);
    if (shown === "") return ".";
    return isAbsolute(shown) ? shown : shown.split(sep).join("/");
  };
  const loaded = await readOptionalConfig(adapters.fs, request);
  if (loaded !== undefined && !loaded.ok) {
    return { ok: false, diagnostics: loaded.diagnostics, config: fromCwd(loaded.path) };
  }
  const rules = request.rules ?? lintRules;
  const settings = ruleSettings(
    rules,
    loaded?.ok === true ? loaded.config.lint.rules : {},
    request,
  );
  const paths: string[] = [];
  for (const path of request.paths ?? ["."]) {
    const absolute = resolve(cwd, path);
    if (!(await adapters.fs.exists(absolute))) {
      throw new CrossformError("lint/path-not-found", "user", `lint path ${path} does not exist`, {
        hint: "name a directory (or a .tf file) inside the repository",
      });
    }
    paths.push(absolute);
  }
  const root = await repositoryRoot(
    adapters.fs,
    paths,
    loaded?.ok === true ? loaded.dir : undefined,
  );
  const toRepo = (path: string): string => {
    const shown = relative(root, path);
    return shown === "" ? "." : shown.split(sep).join("/");
  };
  const requests: LintSourceRequest[] = [];
  for (const path of paths) await collect(adapters.fs, path, toRepo, requests);
  const enabled = rules.filter((rule) => settings[rule.meta.id] !== "off");
  const reads = await readSources(adapters, dedupe(requests), enabled);
  const repository = assemble(reads, loaded, toRepo);
  let report = runLint(repository, rules, {
    settings,
    failLevel: loaded?.ok === true ? loaded.config.lint.failLevel : "error",
  });
  report = { ...report, warnings: runWarnings(report, repository, paths.map(fromCwd)) };
  const result: LintResult = { ok: true, report, root };
  if (loaded?.ok === true) result.config = fromCwd(loaded.path);
  if (request.baseline === undefined) {
    if (request.writeBaseline === true) {
      throw new CrossformError("usage", "user", "--write-baseline needs --baseline <file>", {
        hint: "name the file to write, e.g. `crossform lint --baseline lint-baseline.json --write-baseline`",
      });
    }
    return result;
  }
  const baselinePath = resolve(cwd, request.baseline);
  if (request.writeBaseline === true) {
    if (adapters.writer === undefined)
      throw new CrossformError(
        "lint/no-writer",
        "internal",
        "writing a baseline needs a file writer",
      );
    const text = formatBaseline(report);
    await adapters.writer.writeAtomic(baselinePath, text);
    result.baselineWritten = fromCwd(baselinePath);
    result.report = applyBaseline(report, parseBaseline(text, request.baseline));
    return result;
  }
  let text: string;
  try {
    text = await adapters.fs.readText(baselinePath);
  } catch {
    throw new CrossformError(
      "lint/baseline-not-found",
      "user",
      `the baseline ${request.baseline} cannot be read`,
      { hint: "write it first with `crossform lint --baseline <file> --write-baseline`" },
    );
  }
  result.report = applyBaseline(report, parseBaseline(text, request.baseline));
  return result;
}

/** Each rule's setting: crossform.yaml's `lint.rules`, then `only` and `disable`. */
function ruleSettings(
  rules: readonly LintRule[],
  configured: Record<string, LintSetting>,
  request: LintRequest,
): Record<string, LintSetting> {
  const ids = rules.map((rule) => rule.meta.id);
  const known = (id: string, allowSyntax: boolean): void => {
    if (ids.includes(id) || (allowSyntax && id === SYNTAX_ERROR_ID)) return;
    throw new CrossformError("lint/unknown-rule", "user", `there is no lint rule ${id}`, {
      hint: `the rules are: ${[...ids, ...(allowSyntax ? [SYNTAX_ERROR_ID] : [])].sort().join(", ")}`,
    });
  };
  const settings: Record<string, LintSetting> = { ...configured };
  if (request.only !== undefined && request.only.length > 0) {
    for (const id of request.only) known(id, false);
    for (const id of ids) if (!request.only.includes(id)) settings[id] = "off";
  }
  for (const id of request.disable ?? []) {
    known(id, true);
    settings[id] = "off";
  }
  return settings;
}

/**
 * The directory report paths are relative to: the git top level above the first path, else the
 * crossform.yaml directory when it holds every path, else the path given (the deepest directory
 * holding them all).
 */
async function repositoryRoot(
  fs: FileSystem,
  paths: string[],
  configDir: string | undefined,
): Promise<string> {
  const dirs: string[] = [];
  for (const path of paths) {
    const listable = await fs.listDir(path).then(
      () => true,
      () => false,
    );
    dirs.push(listable ? path : dirname(path));
  }
  const first = dirs[0] as string;
  for (let dir = first; ; dir = dirname(dir)) {
    if (await fs.exists(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) break;
  }
  if (configDir !== undefined && dirs.every((dir) => isInside(configDir, dir))) return configDir;
  return dirs.reduce((common, dir) => {
    let current = common;
    while (!isInside(current, dir)) current = dirname(current);
    return current;
  }, first);
}

function isInside(parent: string, path: string): boolean {
  const shown = relative(parent, path);
  return shown === "" || (!shown.startsWith("..") && !isAbsolute(shown));
}

/** Adds every Terraform, Terragrunt and `.tfbackend` file under `path`, directories in name order. */
async function collect(
  fs: FileSystem,
  path: string,
  toRepo: (path: string) => string,
  out: LintSourceRequest[],
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
      const name = current.slice(dirname(current).length + 1);
      if (lintSourceKind(name) !== undefined) pending.push(dirname(current));
      continue;
    }
    for (const entry of entries) {
      const kind = entry.isFile ? lintSourceKind(entry.name) : undefined;
      if (kind === undefined) continue;
      const file = join(current, entry.name);
      out.push({ path: file, display: toRepo(file), kind });
    }
    const subdirectories = entries
      .filter((entry) => entry.isDirectory && !SKIPPED_DIRECTORIES.has(entry.name))
      .map((entry) => join(current, entry.name))
      .reverse();
    pending.push(...subdirectories);
  }
}

/** Each file once (overlapping paths), in path order. */
function dedupe(requests: LintSourceRequest[]): LintSourceRequest[] {
  const byDisplay = new Map(requests.map((request) => [request.display, request]));
  return [...byDisplay.values()].sort((a, b) =>
    a.display < b.display ? -1 : a.display > b.display ? 1 : 0,
  );
}

/** Reads the files: through the adapters' reader when the rules are the registry's, else here. */
async function readSources(
  adapters: LintAdapters,
  requests: LintSourceRequest[],
  rules: readonly LintRule[],
): Promise<LintSourceRead[]> {
  const registry = new Set<LintRule>(lintRules);
  if (adapters.reader !== undefined && rules.every((rule) => registry.has(rule))) {
    return adapters.reader.read(
      requests,
      rules.filter((rule) => rule.collect !== undefined).map((rule) => rule.meta.id),
    );
  }
  const parse = (path: string, text: string) => adapters.parser.parse(path, text);
  const reads: LintSourceRead[] = [];
  for (const request of requests) {
    let text: string;
    try {
      text = await adapters.fs.readText(request.path);
    } catch (error) {
      if (request.kind === "terraform")
        reads.push({ kind: "terraform", file: unreadableFile(request.display, reasonOf(error)) });
      continue;
    }
    reads.push(readLintSource(request.kind, request.display, text, parse, rules));
  }
  return reads;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The repository model from what was read and the crossform.yaml. */
function assemble(
  reads: LintSourceRead[],
  loaded: OptionalConfig | undefined,
  toRepo: (path: string) => string,
): LintRepository {
  const terraform: LintFile[] = [];
  const terragrunt: TerragruntConfigFile[] = [];
  const backends: BackendFile[] = [];
  const generated: string[] = [];
  for (const read of reads) {
    if (read.kind === "terraform") terraform.push(read.file);
    else if (read.kind === "terragrunt") terragrunt.push(read.file);
    else if (read.kind === "tfbackend") backends.push(read.file);
    else generated.push(read.path);
  }
  if (loaded?.ok !== true)
    return buildLintRepository({ terraform, generated, terragrunt, backends });
  const stacks = new Map<string, LintStack>();
  for (const stack of loaded.config.stacks.values()) {
    const units = loaded.units.units.filter((unit) => unit.stack === stack.name);
    const accounts = new Set(units.flatMap((unit) => unit.targets.map((target) => target.account)));
    const [first] = units;
    stacks.set(toRepo(resolve(loaded.dir, stack.path)), {
      name: stack.name,
      mode: stack.mode,
      accountCount: accounts.size,
      aliases: first === undefined ? [] : [...stackAliases(loaded.config, stack, first).keys()],
    });
  }
  return buildLintRepository({
    terraform,
    generated,
    terragrunt,
    backends,
    stacks,
    config: configFacts(loaded, toRepo(loaded.path)),
  });
}

/** Notes about the run: a tree where no Terraform file was read passes silently otherwise. */
function runWarnings(report: LintReport, repository: LintRepository, paths: string[]): string[] {
  if (report.fileCount > 0) return [];
  const units = repository.terragruntUnits;
  const where = paths.join(", ");
  if (units.length === 0)
    return [`no Terraform file (.tf, .tf.json) was found under ${where}: nothing was linted`];
  const remote = units.filter((unit) => unit.remoteSource !== undefined).length;
  return [
    `no Terraform file (.tf, .tf.json) was found under ${where}, only ${units.length} Terragrunt unit${units.length === 1 ? "" : "s"}${remote > 0 ? ` (${remote} with a remote terraform.source)` : ""}: lint the repository holding the modules they deploy as well, with this one, e.g. \`crossform lint <live dir> <modules dir>\``,
  ];
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

function configFacts(loaded: Extract<OptionalConfig, { ok: true }>, file: string): LintConfigFacts {
  const position = loaded.config.locator.positionOf(["state", "key"]);
  return {
    file,
    text: loaded.text,
    units: loaded.units.units.map((unit) => ({
      id: unit.id,
      bucket: unit.state.bucket,
      key: unit.state.key,
    })),
    stateKeyLocation: { file, line: position.line, column: position.column },
    thirdPartyAccounts: loaded.config.lint.thirdPartyAccounts,
  };
}
