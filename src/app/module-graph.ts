import { join, relative, resolve } from "node:path";
import type { Diagnostic } from "../core/errors.ts";
import { GENERATED_HEADER } from "../core/generate/hcl-writer.ts";
import {
  summarizeModule,
  type AwsEvidence,
  type BackendSummary,
  type ModuleCallSummary,
  type ModuleSummary,
} from "../core/hcl/module-summary.ts";
import type { HclFile } from "../core/hcl/syntax.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { HclParser } from "../ports/hcl-parser.ts";

/** One module directory of a stack: the root or a local module it calls, directly or not. */
export interface ModuleNode {
  /** Absolute path of the directory. */
  dir: string;
  /** The user's `.tf` and `.tf.json` files, parsed, sorted by name. */
  files: HclFile[];
  /** Paths of files skipped because crossform generated them (unless asked to include them). */
  generatedFiles: string[];
  summary: ModuleSummary;
}

/** What became of a module call. */
export type ModuleEdgeStatus = "followed" | "not-local" | "missing";

/** A `module` block and where it leads. */
export interface ModuleEdge {
  /** The calling module's directory. */
  from: string;
  call: ModuleCallSummary;
  /** The called directory (absolute) for a local source, present or not. */
  to?: string;
  /** `followed` (local, read), `not-local` (registry, git, ... recorded only) or `missing` (local, no such directory). */
  status: ModuleEdgeStatus;
}

/** A stack's root module and the local modules it reaches. */
export interface ModuleGraph {
  /** Absolute path of the root module directory. */
  root: string;
  /** The root first, then local modules in the order they were reached (each once, cycles included). */
  modules: ModuleNode[];
  edges: ModuleEdge[];
  /**
   * Problems met on the way: unreadable files and local sources that do not exist (errors), syntax
   * errors in the files read (warnings, code `hcl/syntax`).
   */
  diagnostics: Diagnostic[];
}

/** What `buildModuleGraph` needs. */
export interface ModuleGraphOptions {
  fs: FileSystem;
  parser: HclParser;
  /**
   * Also read the files crossform generated (they start with its header). Off by default, so that
   * what crossform generates never feeds back into what it decides to generate.
   * @default false
   */
  includeGenerated?: boolean;
  /** Paths in messages are shown relative to this directory. @default the root's directory */
  displayBase?: string;
}

/** True for the file names Terraform reads as configuration in a module directory. */
export function isTerraformFileName(name: string): boolean {
  // Terraform ignores hidden files and editor backups (`.x.tf`, `x.tf~`, `#x.tf#`).
  if (name.startsWith(".") || name.endsWith("~") || (name.startsWith("#") && name.endsWith("#")))
    return false;
  return name.endsWith(".tf") || name.endsWith(".tf.json");
}

/** Reads a stack's root module and follows its local module calls (`./`, `../`), each directory once. */
export async function buildModuleGraph(
  rootDir: string,
  options: ModuleGraphOptions,
): Promise<ModuleGraph> {
  const root = resolve(rootDir);
  const displayBase = options.displayBase ?? root;
  const graph: ModuleGraph = { root, modules: [], edges: [], diagnostics: [] };
  const seen = new Set<string>([root]);
  const queue = [root];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const node = await readModule(dir, options, graph.diagnostics, displayBase);
    graph.modules.push(node);
    for (const call of node.summary.moduleCalls) {
      if (call.sourceKind !== "local" || call.source === undefined) {
        graph.edges.push({ from: dir, call, status: "not-local" });
        continue;
      }
      const target = resolve(dir, call.source);
      if (!(await options.fs.exists(target))) {
        graph.edges.push({ from: dir, call, to: target, status: "missing" });
        graph.diagnostics.push({
          severity: "error",
          code: "module/missing-source",
          message: `module "${call.name}" has source "${call.source}", but ${display(displayBase, target)} does not exist`,
          hint: "fix the source path (it is relative to the calling module's directory) or create the module",
          position: {
            file: display(displayBase, call.file),
            line: call.range.start.line,
            column: call.range.start.column,
          },
        });
        continue;
      }
      graph.edges.push({ from: dir, call, to: target, status: "followed" });
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return graph;
}

/** Reads one module directory (no module calls followed); problems go to `diagnostics`. */
export function readModuleDirectory(
  dir: string,
  options: ModuleGraphOptions,
  diagnostics: Diagnostic[] = [],
): Promise<ModuleNode> {
  return readModule(resolve(dir), options, diagnostics, options.displayBase ?? resolve(dir));
}

async function readModule(
  dir: string,
  options: ModuleGraphOptions,
  diagnostics: Diagnostic[],
  displayBase: string,
): Promise<ModuleNode> {
  const files: HclFile[] = [];
  const generatedFiles: string[] = [];
  let names: string[] = [];
  try {
    const entries = await options.fs.listDir(dir);
    names = entries
      .filter((entry) => entry.isFile && isTerraformFileName(entry.name))
      .map((entry) => entry.name);
  } catch (error) {
    diagnostics.push({
      severity: "error",
      code: "module/unreadable",
      message: `cannot list the module directory ${display(displayBase, dir)}: ${describe(error)}`,
      hint: "check that it is a readable directory",
    });
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    let text: string;
    try {
      text = await options.fs.readText(path);
    } catch (error) {
      diagnostics.push({
        severity: "error",
        code: "module/unreadable",
        message: `cannot read ${display(displayBase, path)}: ${describe(error)}`,
        hint: "check the file's permissions",
      });
      continue;
    }
    if (options.includeGenerated !== true && text.startsWith(GENERATED_HEADER)) {
      generatedFiles.push(path);
      continue;
    }
    const file = options.parser.parse(path, text);
    // Warnings, not errors: Terraform reports the same problems itself, and a grammar gap must not
    // block a user whose code Terraform accepts. The summary may miss what could not be read.
    for (const error of file.errors) {
      diagnostics.push({
        severity: "warning",
        code: "hcl/syntax",
        message: `${error.message} (crossform read the rest of ${display(displayBase, path)} without it)`,
        hint: "fix the syntax there; `terraform validate` in the module directory shows the same problem",
        position: {
          file: display(displayBase, path),
          line: error.range.start.line,
          column: error.range.start.column,
        },
      });
    }
    files.push(file);
  }
  return { dir, files, generatedFiles, summary: summarizeModule(files) };
}

function display(base: string, path: string): string {
  const shown = relative(base, path);
  return shown === "" ? "." : shown;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An AWS need found in one module of the graph. */
export interface ModuleAwsEvidence extends AwsEvidence {
  /** The module directory it was found in. */
  module: string;
}

/** Whether a stack needs the AWS provider, and why (docs/contract.md section 3). */
export interface AwsRequirement {
  /** True when the root or a local module it calls declares `hashicorp/aws`, has an `aws_*` block or a `provider "aws"` block. */
  required: boolean;
  /** Every finding behind `required`. */
  evidence: ModuleAwsEvidence[];
  /** Registry and git module calls, which are not read: such a stack sets `providers:` explicitly. */
  nonLocalCalls: ModuleEdge[];
}

/** Why (and whether) a stack needs AWS, from its module graph. */
export function awsRequirement(graph: ModuleGraph): AwsRequirement {
  const evidence = graph.modules.flatMap((node) =>
    node.summary.awsEvidence.map((item) => ({ ...item, module: node.dir })),
  );
  return {
    required: evidence.length > 0,
    evidence,
    nonLocalCalls: graph.edges.filter((edge) => edge.status === "not-local"),
  };
}

/** True when the stack needs the AWS provider (docs/contract.md section 3). */
export function requiresAws(graph: ModuleGraph): boolean {
  return awsRequirement(graph).required;
}

/** The backend situation of a stack's root module. */
export type BackendSituation =
  | { kind: "none" }
  | { kind: "s3"; backend: BackendSummary }
  | { kind: "other"; backend: BackendSummary }
  | { kind: "duplicate"; backends: BackendSummary[] };

/**
 * The root module's backend: `none` (crossform generates `backend "s3" {}`), `s3`, `other` (another
 * type or a `cloud` block: a validate error), or `duplicate` (several blocks, which Terraform refuses).
 */
export function backendBlock(graph: ModuleGraph): BackendSituation {
  const rootNode = graph.modules.find((node) => node.dir === graph.root);
  const backends = rootNode?.summary.backends ?? [];
  const [only] = backends;
  if (only === undefined) return { kind: "none" };
  if (backends.length > 1) return { kind: "duplicate", backends };
  return only.kind === "backend" && only.type === "s3"
    ? { kind: "s3", backend: only }
    : { kind: "other", backend: only };
}
