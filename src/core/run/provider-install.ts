/**
 * Provider installation once per run (docs/decisions/0025-provider-installation.md): the
 * providers a stack's `.terraform.lock.hcl` pins, the shared plugin cache entry each one fills,
 * and the root module that installs exactly them. Pure: the app layer reads the lock file with the
 * HCL parser, checks the cache and runs terraform.
 */
import { attr, block, hcl, renderHclFile } from "../generate/hcl-writer.ts";
import { findAttribute, stringValue } from "../hcl/syntax-queries.ts";
import type { HclFile } from "../hcl/syntax.ts";

/** The first line of {@link providerInstallModule}'s file. */
export const INSTALL_MODULE_HEADER =
  "# written by crossform to install a stack's locked providers into the plugin cache; not a stack";

/** One provider a dependency lock file pins. */
export interface LockedProvider {
  /** The full address as the lock file writes it: `registry.terraform.io/hashicorp/aws`. */
  address: string;
  /** The exact version: `5.100.0`. */
  version: string;
}

/** What a lock file pins, or why it could not be read. */
export type LockedProviders =
  { ok: true; providers: LockedProvider[] } | { ok: false; problem: string };

/**
 * The `provider "<address>" { version = "..." }` blocks of a parsed `.terraform.lock.hcl`, in file
 * order. A block without a literal version, or a syntax error, makes the whole file unreadable.
 */
export function lockedProviders(file: HclFile): LockedProviders {
  const first = file.errors[0];
  if (first !== undefined) {
    return {
      ok: false,
      problem: `${first.message} at line ${first.range.start.line}`,
    };
  }
  const providers: LockedProvider[] = [];
  for (const entry of file.blocks.filter((b) => b.type === "provider")) {
    const address = entry.labels[0];
    const versionAttribute = findAttribute(entry.body, "version");
    const version =
      versionAttribute === undefined ? undefined : stringValue(versionAttribute.expression);
    if (address === undefined || address.split("/").length !== 3 || version === undefined) {
      return {
        ok: false,
        problem: `the provider block at line ${entry.range.start.line} has no full address and exact version`,
      };
    }
    providers.push({ address, version });
  }
  return { ok: true, providers };
}

/**
 * The path segments, below `TF_PLUGIN_CACHE_DIR`, of the cache entry Terraform installs a provider
 * into: `<hostname>/<namespace>/<type>/<version>/<os>_<arch>`.
 */
export function pluginCacheEntry(provider: LockedProvider, platform: string): string[] {
  return [...provider.address.split("/"), provider.version, platform];
}

/** A local name for each provider, unique within the module: the type, then `_2`, `_3`... */
function localNames(providers: readonly LockedProvider[]): string[] {
  const used = new Map<string, number>();
  return providers.map((provider) => {
    const type = (provider.address.split("/")[2] ?? "provider").replace(/[^A-Za-z0-9_-]/g, "_");
    const base = /^[A-Za-z_]/.test(type) ? type : `p_${type}`;
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
}

/**
 * A root module that requires exactly `providers`, each at its locked version: `terraform init
 * -backend=false -lockfile=readonly` in it, next to a copy of the lock file, installs them into
 * the plugin cache and nothing else (no modules, no backend, none of the stack's code).
 */
export function providerInstallModule(providers: readonly LockedProvider[]): string {
  const names = localNames(providers);
  return renderHclFile(
    [
      block(
        "terraform",
        [],
        [
          block(
            "required_providers",
            [],
            providers.map((provider, i) =>
              attr(
                names[i] as string,
                hcl.obj([
                  ["source", hcl.str(provider.address)],
                  ["version", hcl.str(provider.version)],
                ]),
              ),
            ),
          ),
        ],
      ),
    ],
    { header: [INSTALL_MODULE_HEADER] },
  );
}
