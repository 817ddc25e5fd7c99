/**
 * Provider sets of a run (docs/contract.md section 4): the lock file of every stack that needs
 * providers, and the groups of units whose first unit fills the shared plugin cache alone.
 */
import { join, relative } from "node:path";
import type { Diagnostic } from "../../core/errors.ts";
import { lockFileInitArgs } from "../../core/run/terraform-args.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { crossformDir, pluginCacheDirOf } from "./run-records.ts";
import type { RunDeps } from "./run-types.ts";

/**
 * Provider sets (docs/contract.md section 4): a stack that needs providers but has no
 * `.terraform.lock.hcl` gets one from a single serial `init -backend=false` in its directory (the
 * file the user then commits); units sharing a lock file form one group, whose first unit inits
 * alone to fill the shared plugin cache before the others start.
 */
export async function prepareProviderSets(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: Unit[],
  providerStacks: Set<string>,
): Promise<{ groups: Map<string, string>; diagnostics: Diagnostic[] }> {
  const groups = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const hashes = new Map<string, string>();
  await deps.writer.ensureDirectory(pluginCacheDirOf(loaded.dir), 0o700);
  const stacks = [...new Set(units.map((u) => u.stack))];
  for (const name of stacks) {
    const stack = loaded.config.stacks.get(name);
    if (!stack || !providerStacks.has(stack.path)) continue;
    const stackDir = join(loaded.dir, stack.path);
    const lockFile = join(stackDir, ".terraform.lock.hcl");
    if (!(await deps.fs.exists(lockFile))) {
      const work = join(crossformDir(loaded.dir), "lockfile-init", name);
      await deps.writer.ensureDirectory(work, 0o700);
      deps.events?.emit({
        type: "message",
        level: "info",
        text: `${stack.path}/.terraform.lock.hcl is missing: running terraform init -backend=false there once to write it`,
      });
      const child = deps.runner.start({
        args: lockFileInitArgs(),
        cwd: stackDir,
        dataDir: join(work, "data"),
        logFile: join(work, "log"),
      });
      const result = await child.result;
      if (result.exitCode !== 0 || !(await deps.fs.exists(lockFile))) {
        diagnostics.push({
          severity: "error",
          code: "run/lock-file-init-failed",
          message: `stack ${name}: terraform init -backend=false could not write ${stack.path}/.terraform.lock.hcl (log: ${relative(loaded.dir, join(work, "log"))})`,
          hint: "run terraform init -backend=false in the stack directory, fix what it reports, and commit .terraform.lock.hcl",
        });
        continue;
      }
      deps.events?.emit({
        type: "message",
        level: "warning",
        text: `wrote ${stack.path}/.terraform.lock.hcl: review and commit it`,
      });
    }
    hashes.set(name, await deps.fs.sha256(lockFile));
  }
  for (const unit of units) {
    const hash = hashes.get(unit.stack);
    if (hash !== undefined) groups.set(unit.id, `providers:${hash}`);
  }
  return { groups, diagnostics };
}
