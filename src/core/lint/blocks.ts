/** Small queries over a module directory's summary that several lint rules share. */
import type { BackendSummary, DeclarationSite, ProviderSummary } from "../hcl/module-summary.ts";
import type { HclRange } from "../hcl/syntax.ts";
import type { LintModule } from "./rule.ts";

/** The `provider "aws"` blocks of a module, in file then source order. */
export function awsProviders(module: LintModule): ProviderSummary[] {
  return module.summary.providers.filter((provider) => provider.name === "aws");
}

/** The `backend "s3"` blocks of a module. */
export function s3Backends(module: LintModule): BackendSummary[] {
  return module.summary.backends.filter(
    (backend) => backend.kind === "backend" && backend.type === "s3",
  );
}

/** True when crossform generated provider or backend wiring into the directory. */
export function hasCrossformWiring(module: LintModule): boolean {
  return module.generatedFiles.length > 0;
}

/** How messages name a provider: `provider "aws"`, or `provider "aws" (alias "prod")`. */
export function providerLabel(provider: ProviderSummary): string {
  if (!provider.hasAlias) return `provider "${provider.name}"`;
  return `provider "${provider.name}" (alias ${provider.alias === undefined ? "computed" : `"${provider.alias}"`})`;
}

/**
 * Where a finding about a whole block points: its leading keyword (`provider`, `resource`, ...) in
 * native syntax; in JSON syntax, where the block has no keyword of its own, the block's object.
 */
export function blockRange(module: LintModule, site: DeclarationSite, keyword: string): HclRange {
  const file = module.files.find((candidate) => candidate.path === site.file);
  if (file?.format === "json") return site.range;
  const { start } = site.range;
  return {
    start,
    end: {
      line: start.line,
      column: start.column + keyword.length,
      offset: start.offset + keyword.length,
    },
  };
}
