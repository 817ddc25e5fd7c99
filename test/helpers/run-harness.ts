/**
 * The run use case's test harness: a configuration directory (three stacks over dev and prod,
 * generated files written by the real generate use case), in-memory fakes of terraform and AWS,
 * and the real file, journal and process-table adapters on temporary directories.
 */
import assert from "node:assert/strict";
import { cp, mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NodeJournalFiles } from "../../src/adapters/fs/append-journal.ts";
import { AtomicFileWriter } from "../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { NodeProcessTable } from "../../src/adapters/system/node-process-table.ts";
import { generate } from "../../src/app/generate.ts";
import { loadConfig } from "../../src/app/load-config.ts";
import type { LoadedConfig } from "../../src/app/load-config.ts";
import type {
  ConfirmRequest,
  RunDeps,
  RunOptions,
  RunResult,
} from "../../src/app/run/run-types.ts";
import type { UnitReport } from "../../src/core/report/run-report.ts";
import type { ProgressEvent } from "../../src/ports/event-sink.ts";
import type { FileWriter, WriteAtomicOptions } from "../../src/ports/file-writer.ts";
import type { HclParser } from "../../src/ports/hcl-parser.ts";
import type { JournalFiles } from "../../src/ports/journal.ts";
import { FakeAwsSessions, hardened } from "./fake-aws-sessions.ts";
import { FakeTerraformRunner } from "./fake-terraform-runner.ts";
import type { FakeCall, FakeReply, FakeScript } from "./fake-terraform-runner.ts";
import { FakeGitStatus } from "./fake-git-status.ts";
import { makeTempDir } from "./temp-dir.ts";

export const CONFIG = `version: 1
base: { region: us-east-1 }
defaults: { role: TerraformDeploy, regions: [us-east-1] }
state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate" }
accounts:
  dev: { id: "111111111111", tier: dev }
  prod: { id: "333333333333", tier: prod, approval: required }
stacks:
  network: { path: stacks/network, accounts: [dev, prod] }
  app: { path: stacks/app, accounts: [dev, prod], depends_on: [network] }
  web: { path: stacks/web, accounts: [dev], depends_on: [app] }
waves: [[dev], [prod]]
`;

export const STACKS: Record<string, string> = {
  network: 'resource "terraform_data" "network" {\n  input = var.crossform_account_id\n}\n',
  app: 'resource "terraform_data" "app" {\n  input = var.crossform_region\n}\n',
  web: 'resource "terraform_data" "web" {\n  input = var.crossform_account_name\n}\n',
};

export const NETWORK_DEV = "network/dev/us-east-1";
export const APP_DEV = "app/dev/us-east-1";
export const WEB_DEV = "web/dev/us-east-1";
export const NETWORK_PROD = "network/prod/us-east-1";
export const APP_PROD = "app/prod/us-east-1";
export const ALL_UNITS = [APP_DEV, APP_PROD, NETWORK_DEV, NETWORK_PROD, WEB_DEV];

export const parser: HclParser = await createTreeSitterHclParser();

/** Loads the configuration in `dir` and writes its generated files, as `crossform generate` does. */
export async function loadAndGenerate(
  dir: string,
): Promise<{ loaded: LoadedConfig; files: { path: string }[] }> {
  const fs = new NodeFileSystem();
  const loaded = await loadConfig(fs, { cwd: dir });
  assert.ok(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.diagnostics));
  const generated = await generate(
    loaded,
    { fs, writer: new AtomicFileWriter(), parser },
    { check: false },
  );
  assert.deepEqual(
    generated.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  return { loaded, files: generated.files };
}

/** A configuration directory with its generated files written by `crossform generate`. */
const template = await makeTempDir("run-template");
{
  await writeFile(join(template, "crossform.yaml"), CONFIG);
  for (const [name, code] of Object.entries(STACKS)) {
    await mkdir(join(template, "stacks", name), { recursive: true });
    await writeFile(join(template, "stacks", name, "main.tf"), code);
  }
  const { files } = await loadAndGenerate(template);
  assert.ok(files.some((f) => f.path === "stacks/app/crossform_remote_state.tf"));
}

/** A fresh copy of the template, loaded. */
export async function fixture(): Promise<LoadedConfig> {
  const dir = await makeTempDir("run-command");
  await cp(template, dir, { recursive: true });
  const loaded = await loadConfig(new NodeFileSystem(), { cwd: dir });
  assert.ok(loaded.ok, loaded.ok ? "" : JSON.stringify(loaded.diagnostics));
  return loaded;
}

/** Distinct run id suffixes across the file (two runs may share one directory). */
let runCount = 0;

/** The real atomic writer, recording the modes it sets. */
export class RecordingWriter implements FileWriter {
  readonly inner = new AtomicFileWriter();
  readonly modes: { path: string; mode: number }[] = [];
  readonly directories: { path: string; mode: number }[] = [];

  writeAtomic(path: string, contents: string | Uint8Array, options?: WriteAtomicOptions) {
    return this.inner.writeAtomic(path, contents, options);
  }
  remove(path: string) {
    return this.inner.remove(path);
  }
  async ensureDirectory(path: string, mode: number) {
    this.directories.push({ path, mode });
    await this.inner.ensureDirectory(path, mode);
  }
  async setMode(path: string, mode: number) {
    this.modes.push({ path, mode });
    await this.inner.setMode(path, mode);
  }
}

export interface Harness {
  loaded: LoadedConfig;
  runner: FakeTerraformRunner;
  aws: FakeAwsSessions;
  writer: RecordingWriter;
  events: ProgressEvent[];
  confirms: ConfirmRequest[];
  git: FakeGitStatus;
  deps: RunDeps;
}

/**
 * Fakes around a fixture. `confirm` makes the run interactive: it answers each confirmation in
 * turn (the last answer repeats).
 */
export async function harness(
  options: {
    script?: FakeScript;
    confirm?: boolean[];
    loaded?: LoadedConfig;
    writer?: RecordingWriter;
    journals?: JournalFiles;
  } = {},
): Promise<Harness> {
  const loaded = options.loaded ?? (await fixture());
  const runner = new FakeTerraformRunner(loaded.dir, options.script);
  const aws = new FakeAwsSessions();
  aws.buckets.set("tfstate-111111111111", hardened("111111111111"));
  aws.buckets.set("tfstate-333333333333", hardened("333333333333"));
  const writer = options.writer ?? new RecordingWriter();
  const events: ProgressEvent[] = [];
  const confirms: ConfirmRequest[] = [];
  let time = Date.UTC(2026, 0, 15, 10, 0, 0);
  const answers = options.confirm;
  const git = new FakeGitStatus();
  const deps: RunDeps = {
    git,
    retryDelaysMs: [1, 1],
    fs: new NodeFileSystem(),
    writer,
    parser,
    aws,
    runner,
    clock: {
      now: () => (time += 10),
      randomSuffix: () => `r${(runCount += 1)}`,
    },
    journals: options.journals ?? new NodeJournalFiles(),
    processes: new NodeProcessTable(),
    events: { emit: (event) => events.push(event) },
    ...(answers
      ? {
          confirm: async (request: ConfirmRequest) => {
            confirms.push(request);
            return answers[Math.min(confirms.length, answers.length) - 1] ?? false;
          },
        }
      : {}),
  };
  return { loaded, runner, aws, writer, events, confirms, git, deps };
}

export function options(overrides: Partial<RunOptions>): RunOptions {
  return {
    command: "plan",
    stacks: [],
    targets: [],
    all: false,
    detailedExitcode: false,
    autoApprove: false,
    approve: [],
    allowDestroy: false,
    user: "alice",
    ...overrides,
  };
}

/** Answers `command` of `unit` (its `nth` call, or every call) with `reply`. */
export function on(
  unit: string,
  command: string,
  reply: FakeReply,
  nth?: number,
): (call: FakeCall) => FakeReply | undefined {
  return (call) =>
    call.unit === unit && call.command === command && (nth === undefined || call.nth === nth)
      ? reply
      : undefined;
}

/** The first rule that answers a call. */
export function script(...rules: ((call: FakeCall) => FakeReply | undefined)[]): FakeScript {
  return (call) => {
    for (const rule of rules) {
      const reply = rule(call);
      if (reply) return reply;
    }
    return undefined;
  };
}

export function unit(result: RunResult, id: string): UnitReport {
  const found = result.report?.units.find((u) => u.id === id);
  assert.ok(found, `no unit ${id} in the report`);
  return found;
}

export function statuses(result: RunResult): Record<string, string> {
  return Object.fromEntries((result.report?.units ?? []).map((u) => [u.id, u.status]));
}

/** Asserts that a run ended before any unit with a bad-input stop carrying `code`. */
export async function refusedWith(
  promise: Promise<RunResult>,
  code: string,
  message: RegExp,
  hint?: RegExp,
): Promise<void> {
  const result = await promise;
  assert.equal(result.exit, "bad-input", JSON.stringify(result.diagnostics));
  assert.equal(result.report, undefined);
  const found = result.diagnostics.find((d) => d.code === code);
  assert.ok(found, JSON.stringify(result.diagnostics));
  assert.equal(found.severity, "error");
  assert.match(found.message, message);
  if (hint) assert.match(found.hint ?? "", hint);
}

export async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}
