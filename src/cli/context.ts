/**
 * Shared pieces of every command: the common options (`--config`, `--chdir`, `--format`), and the
 * adapters, built once per invocation.
 */
import { userInfo } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { NodeFileSystem } from "../adapters/fs/node-file-system.ts";
import { AtomicFileWriter } from "../adapters/fs/atomic-write.ts";
import { createTreeSitterHclParser } from "../adapters/hcl/tree-sitter-hcl-parser.ts";
import type { LoadConfigOptions } from "../app/load-config.ts";
import { CrossformError } from "../core/errors.ts";
import type { Diagnostic } from "../core/errors.ts";
import type { Config } from "../core/config/model.ts";
import { formatDiagnostics } from "../formatters/diagnostics.ts";
import type { EventSink } from "../ports/event-sink.ts";
import { ExitCode } from "./exit-codes.ts";
import type { AwsSessions } from "../ports/aws.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";
import type { HclParser } from "../ports/hcl-parser.ts";
import type { CliIo } from "./run-cli.ts";

/** Options every config-reading command takes. */
export interface CommonOptions {
  config?: string;
  chdir?: string;
  format?: string;
  json?: boolean;
}

/** Adds `--config`, `--chdir` and, when given, `--format` with its choices. */
export function withCommonOptions(command: Command, formats?: string[]): Command {
  command
    .option(
      "-c, --config <path>",
      "path of crossform.yaml (default: searched upward from the working directory)",
    )
    .option("-C, --chdir <dir>", "run as if started in <dir>");
  if (formats) {
    command
      .addOption(
        new Option("--format <format>", "output format").choices(formats).default(formats[0]),
      )
      .option("--json", "same as --format json");
  }
  return command;
}

/** The output format chosen with `--format` or `--json`. */
export function formatOf(options: CommonOptions): string {
  return options.json ? "json" : (options.format ?? "pretty");
}

/** Where to find the config, from the common options. */
export function configLocation(options: CommonOptions, io: CliIo): LoadConfigOptions {
  const cwd = options.chdir ? resolve(io.cwd, options.chdir) : io.cwd;
  return { cwd, ...(options.config !== undefined ? { configPath: options.config } : {}) };
}

/**
 * The base identity of crossform.yaml (`base.profile`, `base.region`) and the timeouts of
 * crossform's AWS calls (`aws.connect_timeout`, `aws.request_timeout`).
 */
export interface AwsBase {
  profile: string | undefined;
  region: string;
  connectTimeoutSeconds?: number;
  requestTimeoutSeconds?: number;
}

/** What {@link Adapters.aws} needs of a configuration. */
export function awsBaseOf(config: Pick<Config, "base" | "aws">): AwsBase {
  return { ...config.base, ...config.aws };
}

/** AWS sessions of one run; `destroy` closes their sockets when the command is done. */
export type RunAwsSessions = AwsSessions & { destroy(): void };

/** The adapters of one invocation. */
export interface Adapters {
  fs: FileSystem;
  writer: FileWriter;
  parser: HclParser;
  /**
   * The AWS sessions of the run, built on first call (no AWS work for offline commands); the
   * `events` of the latest call hear of calls that wait long for an answer.
   */
  aws(base: AwsBase, events?: EventSink): RunAwsSessions;
}

/** What {@link buildAdapters} prepares. */
export interface AdapterOptions {
  /**
   * Whether the command may call AWS. The AWS SDK is loaded only then: it is about 30 MB of a
   * process that never uses it otherwise (`lint`, docs/performance.md). @default true
   */
  aws?: boolean;
}

/** Builds the adapters; the HCL parser loads its grammar once. */
export async function buildAdapters(options: AdapterOptions = {}): Promise<Adapters> {
  const sdk =
    options.aws === false ? undefined : await import("../adapters/aws/sdk-aws-sessions.ts");
  let sessions: { key: string; value: RunAwsSessions } | undefined;
  let listener: EventSink | undefined;
  return {
    fs: new NodeFileSystem(),
    writer: new AtomicFileWriter(),
    parser: await createTreeSitterHclParser(),
    aws(base, events) {
      if (sdk === undefined)
        throw new CrossformError(
          "internal",
          "internal",
          "this command was built without AWS access",
        );
      listener = events;
      const key = `${base.profile ?? ""}@${base.region}/${base.connectTimeoutSeconds}/${base.requestTimeoutSeconds}`;
      if (sessions?.key !== key) {
        sessions = {
          key,
          value: new sdk.SdkAwsSessions({
            profile: base.profile,
            region: base.region,
            ...(base.connectTimeoutSeconds === undefined
              ? {}
              : { connectTimeoutSeconds: base.connectTimeoutSeconds }),
            ...(base.requestTimeoutSeconds === undefined
              ? {}
              : { requestTimeoutSeconds: base.requestTimeoutSeconds }),
            onWaiting: (notice) =>
              listener?.emit({
                type: "message",
                code: "aws.waiting",
                level: "info",
                text: `waiting for an answer from ${notice.endpoint} to ${notice.operation}: ${notice.seconds} s so far, giving up at ${notice.timeoutSeconds} s (aws.request_timeout)`,
              }),
          }),
        };
      }
      return sessions.value;
    },
  };
}

/** The operator's user name, for `{user}` in session names and run reports. */
export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return env.USER ?? env.USERNAME ?? userInfo().username;
  } catch {
    return "unknown";
  }
}

/**
 * Prints the result of a command that writes generated files (`generate`, `ci`) and returns its
 * exit code: the JSON document or the text (diagnostics on stderr, a stale `--check` on stderr),
 * then `nothing was written` when it refused; 2 when it refused, 1 when `--check` found the files
 * stale, else 0.
 */
export function reportGeneratedFiles(
  io: Pick<CliIo, "stdout" | "stderr">,
  result: { diagnostics: Diagnostic[]; stale: boolean; check: boolean; json: boolean },
  render: { json: () => string; text: () => string },
): number {
  const failed = result.diagnostics.some((d) => d.severity === "error");
  const stale = result.check && result.stale;
  if (result.json) {
    io.stdout.write(render.json());
  } else {
    io.stderr.write(formatDiagnostics(result.diagnostics));
    if (!failed) (stale ? io.stderr : io.stdout).write(render.text());
  }
  if (failed) io.stderr.write("nothing was written\n");
  return failed ? ExitCode.BadInput : stale ? ExitCode.Problems : ExitCode.Ok;
}

/** Throws a usage error (exit 2). */
export function usageError(message: string, hint?: string): never {
  throw new CrossformError("usage", "user", message, hint === undefined ? {} : { hint });
}
