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
import { shorten } from "../core/excerpt.ts";
import type { FileSystem, PathInfo } from "../ports/file-system.ts";
import { checkStackPaths } from "./stack-paths.ts";

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

/**
 * The largest configuration crossform reads: far above any real one (500 accounts take about
 * 100 KB), far below what would exhaust memory.
 */
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024;

const KIND_WORDS: Record<Exclude<PathInfo["kind"], "file">, string> = {
  directory: "a directory",
  fifo: "a named pipe (FIFO)",
  device: "a device",
  socket: "a socket",
  other: "not a regular file",
};

/**
 * Refuses what cannot be a configuration file before a byte is read: a directory, a named pipe
 * (reading it would wait forever), a device (`/dev/zero` never ends), a file above
 * {@link MAX_CONFIG_BYTES}.
 */
async function checkConfigFile(fs: FileSystem, path: string, shown: string): Promise<void> {
  const info = await fs.pathInfo(path);
  if (info === undefined) {
    throw new CrossformError("config/not-found", "user", `no configuration file at ${shown}`, {
      hint: "check the --config path",
    });
  }
  if (info.kind !== "file") {
    throw new CrossformError(
      "config/not-a-file",
      "user",
      `${shown} is ${KIND_WORDS[info.kind]}, not a configuration file`,
      {
        hint:
          info.kind === "directory"
            ? `name the file itself: --config ${join(shown, CONFIG_FILE_NAME)} (or --chdir ${shown})`
            : "give --config the path of a crossform.yaml file",
      },
    );
  }
  if (info.size > MAX_CONFIG_BYTES) {
    throw new CrossformError(
      "config/too-large",
      "user",
      `${shown} is ${(info.size / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_CONFIG_BYTES / 1024 / 1024} MiB crossform reads as a configuration`,
      { hint: "check that --config names your crossform.yaml" },
    );
  }
}

/** Finds crossform.yaml from `cwd` upward; throws a user error when there is none. */
export async function findConfigFile(fs: FileSystem, options: LoadConfigOptions): Promise<string> {
  if (options.configPath !== undefined) {
    const path = resolve(options.cwd, options.configPath);
    await checkConfigFile(fs, path, shorten(options.configPath, 200));
    return path;
  }
  let dir = resolve(options.cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (await fs.exists(candidate)) {
      await checkConfigFile(fs, candidate, candidate);
      return candidate;
    }
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
  let text: string;
  try {
    text = await fs.readText(path);
  } catch (error) {
    throw new CrossformError(
      "config/unreadable",
      "user",
      `cannot read ${shorten(path, 200)}: ${error instanceof Error ? error.message : String(error)}`,
      { hint: "check the file's permissions", cause: error },
    );
  }
  const shown = relative(options.cwd, path) || CONFIG_FILE_NAME;
  const result = readConfigText(text, shown.startsWith("..") ? path : shown);
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics, path };
  const misplaced = await checkStackPaths(fs, result.config, dirname(path));
  if (misplaced.length > 0) return { ok: false, diagnostics: misplaced, path };
  return {
    ok: true,
    config: result.config,
    units: result.units,
    warnings: result.warnings,
    path,
    dir: dirname(path),
  };
}
