/**
 * Provider sets of a run (docs/contract.md section 4, docs/decisions/0025-provider-installation.md):
 * the lock file of every stack that needs providers, and the installation of what each lock file
 * pins into the shared plugin cache, once, before any unit starts. The units' own inits then only
 * link from the cache, so no two terraform processes ever write into it at once, whatever their
 * lock files.
 */
import { join, relative } from "node:path";
import type { Diagnostic } from "../../core/errors.ts";
import {
  lockedProviders,
  pluginCacheEntry,
  providerInstallModule,
} from "../../core/run/provider-install.ts";
import type { LockedProvider } from "../../core/run/provider-install.ts";
import { lastLines } from "../../core/run/terraform-failure.ts";
import { lockFileInitArgs, providerInstallArgs } from "../../core/run/terraform-args.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { crossformDir, pluginCacheDirOf } from "./run-records.ts";
import type { RunDeps } from "./run-types.ts";

/** The ports provider installation uses. */
export type ProviderSetDeps = Pick<RunDeps, "fs" | "writer" | "parser" | "runner" | "events">;

/** What {@link prepareProviderSets} did. */
export interface ProviderSets {
  /**
   * Scheduler groups by unit id. Always empty: providers are in the cache before any unit starts,
   * so no unit has to init alone. Kept so that callers passing it to the scheduler still compile.
   * @deprecated pass no groups to the scheduler
   */
  groups: Map<string, string>;
  /** Failures: a lock file that could not be written or read, providers that could not be installed. */
  diagnostics: Diagnostic[];
  /** The distinct lock files of the run, with what became of their providers. */
  installed: ProviderSetInstall[];
}

/** One distinct lock file (by content) and its installation. */
export interface ProviderSetInstall {
  /** SHA-256 of the lock file's bytes. */
  hash: string;
  /** Stacks whose lock file has these bytes. */
  stacks: string[];
  /** `installed`: terraform init filled the cache; `cached`: every provider was there already. */
  status: "installed" | "cached";
  /** Where the installation's terraform output is (absent when `cached`). */
  log?: string;
}

/** A stack's lock file, written first if it was missing. */
interface StackLockFile {
  stack: string;
  path: string;
  hash: string;
}

function installDir(configDir: string, hash: string): string {
  return join(crossformDir(configDir), "providers", hash.slice(0, 16));
}

/**
 * A stack that needs providers but has no `.terraform.lock.hcl` gets one from a single serial
 * `init -backend=false` in its directory (the file the user then commits). Returns the lock file,
 * or the diagnostic of its failure.
 */
async function stackLockFile(
  deps: ProviderSetDeps,
  loaded: LoadedConfig,
  name: string,
  stackPath: string,
): Promise<StackLockFile | Diagnostic> {
  const stackDir = join(loaded.dir, stackPath);
  const lockFile = join(stackDir, ".terraform.lock.hcl");
  if (!(await deps.fs.exists(lockFile))) {
    const work = join(crossformDir(loaded.dir), "lockfile-init", name);
    await deps.writer.ensureDirectory(work, 0o700);
    deps.events?.emit({
      type: "message",
      level: "info",
      text: `${stackPath}/.terraform.lock.hcl is missing: running terraform init -backend=false there once to write it`,
    });
    const child = deps.runner.start({
      args: lockFileInitArgs(),
      cwd: stackDir,
      dataDir: join(work, "data"),
      logFile: join(work, "log"),
    });
    const result = await child.result;
    if (result.exitCode !== 0 || !(await deps.fs.exists(lockFile))) {
      return {
        severity: "error",
        code: "run/lock-file-init-failed",
        message: `stack ${name}: terraform init -backend=false could not write ${stackPath}/.terraform.lock.hcl (log: ${relative(loaded.dir, join(work, "log"))})`,
        hint: "run terraform init -backend=false in the stack directory, fix what it reports, and commit .terraform.lock.hcl",
      };
    }
    deps.events?.emit({
      type: "message",
      level: "warning",
      text: `wrote ${stackPath}/.terraform.lock.hcl: review and commit it`,
    });
  }
  return { stack: name, path: lockFile, hash: await deps.fs.sha256(lockFile) };
}

/** True when every provider already has its cache entry for `platform`. */
async function allCached(
  deps: ProviderSetDeps,
  cacheDir: string,
  providers: readonly LockedProvider[],
  platform: string | undefined,
): Promise<boolean> {
  if (platform === undefined) return false;
  for (const provider of providers) {
    if (!(await deps.fs.exists(join(cacheDir, ...pluginCacheEntry(provider, platform))))) {
      return false;
    }
  }
  return true;
}

/**
 * Installs what one lock file pins into the plugin cache: `terraform init -backend=false
 * -lockfile=readonly` in `.crossform/providers/<hash>/`, a root module requiring exactly those
 * providers next to a copy of the lock file. Skipped when every entry is in the cache already.
 */
async function installProviderSet(
  deps: ProviderSetDeps,
  loaded: LoadedConfig,
  lock: StackLockFile,
  stacks: string[],
  platform: string | undefined,
): Promise<ProviderSetInstall | Diagnostic> {
  const text = await deps.fs.readText(lock.path);
  const shownLock = relative(loaded.dir, lock.path);
  const read = lockedProviders(deps.parser.parse(lock.path, text));
  if (!read.ok) {
    return {
      severity: "error",
      code: "run/lock-file-unreadable",
      message: `${shownLock}: ${read.problem}`,
      hint: "write it again with terraform init -backend=false (or terraform providers lock) in the stack directory",
    };
  }
  const cacheDir = pluginCacheDirOf(loaded.dir);
  if (await allCached(deps, cacheDir, read.providers, platform)) {
    return { hash: lock.hash, stacks, status: "cached" };
  }
  const dir = installDir(loaded.dir, lock.hash);
  const log = join(dir, "log");
  await deps.writer.ensureDirectory(dir, 0o700);
  await deps.writer.writeAtomic(join(dir, "main.tf"), providerInstallModule(read.providers), {
    mode: 0o600,
  });
  await deps.writer.writeAtomic(join(dir, ".terraform.lock.hcl"), text, { mode: 0o600 });
  const names = read.providers.map((p) => `${p.address} ${p.version}`).join(", ");
  deps.events?.emit({
    type: "message",
    level: "info",
    text: `installing the providers of ${stacks.join(", ")} into the shared plugin cache once: ${names}`,
  });
  const result = await deps.runner.start({
    args: providerInstallArgs(),
    cwd: dir,
    dataDir: join(dir, "data"),
    logFile: log,
  }).result;
  if (result.exitCode !== 0) {
    const shownLog = relative(loaded.dir, log);
    return {
      severity: "error",
      code: "run/provider-install-failed",
      message: `the providers ${shownLock} pins could not be installed (${names}); no unit was started (log: ${shownLog}):\n${lastLines(result.stderr)}`,
      hint: "check that the registry or the provider_installation of your Terraform CLI configuration (TF_CLI_CONFIG_FILE) can provide them, then run again",
    };
  }
  return { hash: lock.hash, stacks, status: "installed", log };
}

/**
 * Provider sets (docs/contract.md section 4): every selected stack that needs providers gets its lock
 * file (written by one serial `init -backend=false` when missing), and the providers of each
 * distinct lock file are installed into the shared plugin cache one set after the other, before
 * any unit starts. A unit's init then only links what it needs from the cache: no unit waits for
 * another, and no two processes write into the cache at once.
 */
export async function prepareProviderSets(
  deps: ProviderSetDeps,
  loaded: LoadedConfig,
  units: Unit[],
  providerStacks: Set<string>,
): Promise<ProviderSets> {
  const diagnostics: Diagnostic[] = [];
  const installed: ProviderSetInstall[] = [];
  await deps.writer.ensureDirectory(crossformDir(loaded.dir), 0o700);
  await deps.writer.ensureDirectory(pluginCacheDirOf(loaded.dir), 0o700);
  const byHash = new Map<string, { lock: StackLockFile; stacks: string[] }>();
  for (const name of new Set(units.map((u) => u.stack))) {
    const stack = loaded.config.stacks.get(name);
    if (!stack || !providerStacks.has(stack.path)) continue;
    const lock = await stackLockFile(deps, loaded, name, stack.path);
    if ("severity" in lock) {
      diagnostics.push(lock);
      continue;
    }
    const set = byHash.get(lock.hash);
    if (set) set.stacks.push(name);
    else byHash.set(lock.hash, { lock, stacks: [name] });
  }
  if (diagnostics.length > 0 || byHash.size === 0) {
    return { groups: new Map(), diagnostics, installed };
  }
  const { platform } = await deps.runner.version();
  for (const { lock, stacks } of byHash.values()) {
    const outcome = await installProviderSet(deps, loaded, lock, stacks, platform);
    if ("severity" in outcome) {
      diagnostics.push(outcome);
      break;
    }
    installed.push(outcome);
  }
  return { groups: new Map(), diagnostics, installed };
}
