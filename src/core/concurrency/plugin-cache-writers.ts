/**
 * Which `terraform init` runs may write into a shared provider plugin cache. Terraform does not
 * lock its cache, and since 1.4 an init without a lock file entry for a provider installs it from
 * its source into the cache again, replacing the cached copy, even when the same version is
 * there: a concurrent init or validate that reads that copy then finds no package (checked with
 * Terraform 1.11). An init whose lock file's providers are cached only links them, and reads.
 *
 * So the first init of each lock file (which may install what is not cached yet) and every init
 * without a lock file are writers, to be run one at a time with nothing else using the cache; the
 * others are readers, which may run together once the writers are done.
 */

/**
 * The indexes of the writers among inits whose lock files have these hashes (undefined: no lock
 * file), in order.
 */
export function pluginCacheWriters(lockHashes: readonly (string | undefined)[]): Set<number> {
  const seen = new Set<string>();
  const writers = new Set<number>();
  lockHashes.forEach((hash, index) => {
    if (hash === undefined || !seen.has(hash)) writers.add(index);
    if (hash !== undefined) seen.add(hash);
  });
  return writers;
}
