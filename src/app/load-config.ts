/**
 * Finds and reads `crossform.yaml`: `--config PATH`, or searched upward from the working directory
 * (docs/contract.md section 1). Every path in the config is relative to its directory.
 */
import { dirname, join, relative, resolve } from "node:path";
import { readConfigText } from "../core/config/read-config.ts";
import type { Config } from "../core/config/model.ts";
import { CrossformError } from "../core/errors.ts";
import type { Diagnostic } from "../core/errors.ts";
import type { UnitSet } from "../core/units/units.ts";
import type { FileSystem } from "../ports/file-system.ts";

/** The file name crossform looks for. */
export const CONFIG_FILE_NAME = "crossform.yaml";

/** Where to look. */
export interface LoadConfigOptions {
  /** The working directory (`--chdir` already applied). */
  cwd: string;
  /** `--config PATH`, relative to cwd. */
  configPath?: string;
}

/** A loaded configuration, with where it came from. */
export interface LoadedConfig {
  config: Config;
  units: UnitSet;
  warnings: Diagnostic[];
  /** Absolute path of crossform.yaml. */
  path: string;
  /** Absolute directory of crossform.yaml: the root of every relative path in it. */
  dir: string;
}

/** A configuration that could not be loaded, with every problem found. */
export type LoadConfigResult =
  ({ ok: true } & LoadedConfig) | { ok: false; diagnostics: Diagnostic[]; path: string };

/** Finds crossform.yaml from `cwd` upward; throws a user error when there is none. */
export async function findConfigFile(fs: FileSystem, options: LoadConfigOptions): Promise<string> {
  if (options.configPath !== undefined) {
    const path = resolve(options.cwd, options.configPath);
    if (!(await fs.exists(path))) {
      throw new CrossformError(
        "config/not-found",
        "user",
        `no configuration file at ${options.configPath}`,
        {
          hint: "check the --config path",
        },
      );
    }
    return path;
  }
  let dir = resolve(options.cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (await fs.exists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new CrossformError(
    "config/not-found",
    "user",
    `no ${CONFIG_FILE_NAME} in ${options.cwd} or any directory above it`,
    { hint: "run `crossform init` to write one, or pass --config PATH" },
  );
}

/** Finds, reads and checks crossform.yaml. Diagnostics name the file relative to cwd. */
export async function loadConfig(
  fs: FileSystem,
  options: LoadConfigOptions,
): Promise<LoadConfigResult> {
  const path = await findConfigFile(fs, options);
  const text = await fs.readText(path);
  const shown = relative(options.cwd, path) || CONFIG_FILE_NAME;
  const result = readConfigText(text, shown.startsWith("..") ? path : shown);
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics, path };
  return {
    ok: true,
    config: result.config,
    units: result.units,
    warnings: result.warnings,
    path,
    dir: dirname(path),
  };
}
