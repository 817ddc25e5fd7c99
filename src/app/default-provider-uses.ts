/**
 * Which parts of a stack's code use the root module's default `aws` provider, read from its module
 * graph: a root resource or data source of an `aws_*` type that names no provider, and a module
 * call that passes no `aws` (the module then inherits the caller's default). In a multi-account
 * stack that default refuses every use (decision 0024), so `validate` names each such place.
 */
import { relative } from "node:path";
import type { ModuleCallSummary, ResourceSummary } from "../core/hcl/module-summary.ts";
import type { HclRange } from "../core/hcl/syntax.ts";
import type { ModuleEdge, ModuleGraph, ModuleNode } from "./module-graph.ts";

/** Where something is, with the file as it was parsed (absolute). */
export interface CodeSite {
  file: string;
  range: HclRange;
}

/** Why a module uses the default `aws` provider it inherits. */
export interface InheritedUse {
  /** What uses it, e.g. `resource "aws_route53_record" "ns"`, or `module "x" from <source>`. */
  detail: string;
  site: CodeSite;
  /**
   * `false` when crossform could not read the code that would use it (a registry or git module
   * called without `aws`): it may or may not need the provider.
   */
  certain: boolean;
}

/** One place in the root module that reaches the root's default `aws` provider. */
export type DefaultProviderUse =
  | { kind: "resource"; resource: ResourceSummary; site: CodeSite }
  | {
      kind: "module";
      call: ModuleCallSummary;
      site: CodeSite;
      /** What inside the module uses the provider it inherits. */
      because: InheritedUse;
    };

/** True when the resource is an `aws_*` block served by the module's default `aws` provider. */
function usesDefaultAws(resource: ResourceSummary): boolean {
  if (!resource.type.startsWith("aws_")) return false;
  return resource.provider === undefined || resource.provider === "aws";
}

/** True when the call passes the module a default `aws` of the caller's choosing. */
function passesAws(call: ModuleCallSummary): boolean {
  return call.providers.some((p) => p.inModule === "aws");
}

function resourceLabel(resource: ResourceSummary): string {
  const keyword = resource.mode === "managed" ? "resource" : resource.mode;
  return `${keyword} "${resource.type}" "${resource.name}"`;
}

/** Memoized search of what uses the default `aws` a module inherits. */
class InheritedUseFinder {
  private readonly graph: ModuleGraph;
  private readonly nodes: Map<string, ModuleNode>;
  private readonly memo = new Map<string, InheritedUse | undefined>();
  private readonly visiting = new Set<string>();

  constructor(graph: ModuleGraph) {
    this.graph = graph;
    this.nodes = new Map(graph.modules.map((node) => [node.dir, node]));
  }

  /** The edges leaving `dir`: its module calls, in order. */
  private callsOf(dir: string): ModuleEdge[] {
    return this.graph.edges.filter((edge) => edge.from === dir);
  }

  /** What in module `dir` (or below it) uses the default `aws` it inherits; undefined: nothing. */
  find(dir: string): InheritedUse | undefined {
    if (this.memo.has(dir)) return this.memo.get(dir);
    // Terraform refuses recursive module calls; a cycle here adds nothing new.
    if (this.visiting.has(dir)) return undefined;
    this.visiting.add(dir);
    const found = this.search(dir);
    this.visiting.delete(dir);
    this.memo.set(dir, found);
    return found;
  }

  private search(dir: string): InheritedUse | undefined {
    const node = this.nodes.get(dir);
    if (!node) return undefined;
    // A module with its own default `provider "aws"` uses that, not the inherited one.
    if (node.summary.providers.some((p) => p.name === "aws" && !p.hasAlias)) return undefined;
    const resource = node.summary.resources.find(usesDefaultAws);
    if (resource) {
      return {
        detail: resourceLabel(resource),
        site: { file: resource.file, range: resource.range },
        certain: true,
      };
    }
    let uncertain: InheritedUse | undefined;
    for (const edge of this.callsOf(dir)) {
      if (passesAws(edge.call)) continue;
      if (edge.status === "followed" && edge.to !== undefined) {
        const nested = this.find(edge.to);
        if (nested?.certain) return nested;
        uncertain ??= nested;
      } else if (edge.status === "not-local") {
        uncertain ??= {
          detail: `module "${edge.call.name}" from ${edge.call.source ?? "a computed source"}`,
          site: { file: edge.call.file, range: edge.call.range },
          certain: false,
        };
      }
    }
    return uncertain;
  }
}

/**
 * Every place in the root module of `graph` that reaches the root's default `aws` provider: root
 * `aws_*` blocks without `provider` (or with `provider = aws`), and module calls without an `aws`
 * entry in `providers` whose module (or a module below it) uses what it inherits. Calls to modules
 * crossform does not read (registry, git) that pass no `aws` are included with `certain: false`.
 */
export function defaultProviderUses(graph: ModuleGraph): DefaultProviderUse[] {
  const root = graph.modules.find((node) => node.dir === graph.root);
  if (!root) return [];
  const uses: DefaultProviderUse[] = [];
  for (const resource of root.summary.resources.filter(usesDefaultAws)) {
    uses.push({ kind: "resource", resource, site: { file: resource.file, range: resource.range } });
  }
  const finder = new InheritedUseFinder(graph);
  for (const edge of graph.edges.filter((e) => e.from === graph.root)) {
    if (passesAws(edge.call)) continue;
    const site = { file: edge.call.file, range: edge.call.range };
    if (edge.status === "followed" && edge.to !== undefined) {
      const because = finder.find(edge.to);
      if (because) uses.push({ kind: "module", call: edge.call, site, because });
    } else if (edge.status === "not-local") {
      uses.push({
        kind: "module",
        call: edge.call,
        site,
        because: {
          detail: `module "${edge.call.name}" from ${edge.call.source ?? "a computed source"}, which crossform does not read`,
          site,
          certain: false,
        },
      });
    }
  }
  return uses.sort((a, b) => compareSites(a.site, b.site));
}

function compareSites(a: CodeSite, b: CodeSite): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/** `file:line` of a site, the file relative to `base`. */
export function siteText(base: string, site: CodeSite): string {
  return `${relative(base, site.file) || site.file}:${site.range.start.line}`;
}
