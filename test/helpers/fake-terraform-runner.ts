import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createRedactor } from "../../src/core/run/redact.ts";
import type { TerraformVersionInfo } from "../../src/core/run/terraform-version-check.ts";
import type {
  AttachedCommand,
  AttachedResult,
  EndedCommand,
  StdoutTarget,
  TerraformCommand,
  TerraformProcess,
  TerraformResult,
  TerraformRunner,
  StackWorkspace,
  StackWorkspaceSpec,
  UnitLocation,
  UnitWorkspace,
  UnitWorkspaceSpec,
} from "../../src/ports/terraform-runner.ts";

/** One command a {@link FakeTerraformRunner} was asked to start. */
export interface FakeCall {
  /** The unit whose data directory the command runs in (`stack/account/region`). */
  unit: string;
  /** The terraform subcommand: `init`, `plan`, `show`, `apply`, `output`. */
  command: string;
  args: readonly string[];
  cwd: string;
  dataDir: string;
  logFile: string;
  stdout: StdoutTarget;
  /** 1 for the unit's first call of this subcommand, 2 for its second, and so on. */
  nth: number;
  /** The values the command was asked to redact (`TerraformCommand.redact`). */
  redact: readonly string[];
}

/** How a scripted command ends. */
export interface FakeReply {
  /** @default 0 */
  exitCode?: number;
  /** @default "" */
  stdout?: string;
  /** @default "" */
  stderr?: string;
  /** Runs until interrupted (or killed), then exits 1 as terraform does after a graceful stop. */
  hang?: boolean;
  /** With `hang`: an interrupt is recorded but does not stop it; only a kill does. */
  ignoreInterrupt?: boolean;
  /** Milliseconds before it ends. @default 1 */
  delayMs?: number;
}

/** An interrupt a test's code sent to a started command. */
export interface FakeInterrupt {
  unit: string;
  command: string;
  signal: string;
  /** Whether it was the first interrupt of a command still running (what the port sends). */
  sent: boolean;
}

/** Answers a call; undefined falls back to {@link defaultReply}. */
export type FakeScript = (call: FakeCall) => FakeReply | undefined;

/** The pid every fake command reports. */
export const FAKE_PID = 4242;

/** A secret that the default `show -json` document marks sensitive. */
export const SENSITIVE_VALUE = "s3cr3t-token-value-0042";

/**
 * A `terraform show -json` document (format 1.2) that creates `terraform_data.<name>` with
 * `input` from `value`, whose `token` attribute and `token` output are sensitive.
 */
export function showJsonWithChange(name: string, value: string): string {
  return JSON.stringify({
    format_version: "1.2",
    terraform_version: "1.11.4",
    errored: false,
    resource_changes: [
      {
        address: `terraform_data.${name}`,
        mode: "managed",
        type: "terraform_data",
        name,
        change: {
          actions: ["create"],
          before: null,
          after: { input: { value, token: SENSITIVE_VALUE } },
          after_unknown: { id: true, output: true },
          before_sensitive: false,
          after_sensitive: { input: { token: true } },
        },
      },
    ],
    output_changes: {
      token: {
        actions: ["create"],
        before: null,
        after: SENSITIVE_VALUE,
        after_unknown: false,
        before_sensitive: false,
        after_sensitive: true,
      },
    },
  });
}

/** A `terraform show -json` document of a plan without changes. */
export const SHOW_JSON_NO_CHANGES = JSON.stringify({
  format_version: "1.2",
  terraform_version: "1.11.4",
  errored: false,
  resource_changes: [],
});

/**
 * What terraform answers when nothing is scripted: init and apply succeed; plan exits 2
 * (changes) and writes its `-out` file; show prints {@link showJsonWithChange} for the unit's
 * stack; output prints `{}`.
 */
export function defaultReply(call: FakeCall): FakeReply {
  switch (call.command) {
    case "plan":
      return { exitCode: 2 };
    case "show":
      return { stdout: showJsonWithChange(call.unit.split("/")[0] ?? "x", "v1") };
    case "output":
      return { stdout: "{}" };
    default:
      return { exitCode: 0 };
  }
}

/**
 * A {@link TerraformRunner} that starts nothing: it records every command per unit and answers it
 * from a script. A plan that exits 0 or 2 writes its `-out` file (0644, as a umask would leave it,
 * so that the caller's `setMode` shows); every command appends its argv to the unit's log (its
 * directory created 0700 when missing, as the port promises).
 * Interrupts are recorded; the first one ends a running command as an interrupted one.
 */
export class FakeTerraformRunner implements TerraformRunner {
  /** What `version()` reports. */
  versionInfo: TerraformVersionInfo = {
    binary: "terraform",
    flavor: "terraform",
    version: "1.11.4",
  };
  /** Every started command, in start order. */
  readonly calls: FakeCall[] = [];
  /** Every interrupt call, in order. */
  readonly interrupts: FakeInterrupt[] = [];
  /** Units prepared, in order. */
  readonly prepared: string[] = [];
  versionCalls = 0;
  private readonly configDir: string;
  private readonly script: FakeScript;
  private readonly unitsByDataDir = new Map<string, string>();
  private readonly waiters: { match: (call: FakeCall) => boolean; resolve: () => void }[] = [];

  constructor(configDir: string, script: FakeScript = () => undefined) {
    this.configDir = configDir;
    this.script = script;
  }

  /** `unit subcommand` for every call, in start order, optionally of one unit only. */
  argv(unit?: string): string[] {
    return this.calls
      .filter((c) => unit === undefined || c.unit === unit)
      .map((c) => `${c.unit} ${c.command}`);
  }

  /** Calls of one subcommand, as `unit` strings, in start order. */
  unitsOf(command: string): string[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.unit);
  }

  /** Resolves when a call matching `match` has started (at once if one has). */
  started(match: (call: FakeCall) => boolean): Promise<void> {
    if (this.calls.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async version(): Promise<TerraformVersionInfo> {
    this.versionCalls += 1;
    return this.versionInfo;
  }

  /** What `endedCommand` answers, by log file: commands that ended with no crossform waiting. */
  readonly endedCommands = new Map<string, EndedCommand>();

  async endedCommand(logFile: string): Promise<EndedCommand | undefined> {
    return this.endedCommands.get(logFile);
  }

  async locateUnit(spec: UnitWorkspaceSpec): Promise<UnitLocation> {
    const { unitId, workRoot, stackDir, dataDir, erroredStateFile } = this.paths(spec);
    return { unitId, workRoot, stackDir, dataDir, erroredStateFile };
  }

  /** The specs of the units prepared, in order. */
  readonly preparedSpecs: UnitWorkspaceSpec[] = [];

  async prepareUnit(spec: UnitWorkspaceSpec): Promise<UnitWorkspace> {
    this.prepared.push(spec.unitId);
    this.preparedSpecs.push(spec);
    const workspace = this.paths(spec);
    this.unitsByDataDir.set(workspace.dataDir, spec.unitId);
    return workspace;
  }

  private paths(spec: UnitWorkspaceSpec): UnitWorkspace {
    const unitDir = join(
      this.configDir,
      ".crossform",
      "units",
      spec.stack,
      spec.account,
      spec.region,
    );
    const workRoot = join(unitDir, "work");
    const stackDir = join(workRoot, spec.stackPath);
    const realStackDir = join(spec.sourceRoot ?? this.configDir, spec.stackPath);
    const dataDir = join(unitDir, "data");
    return {
      unitId: spec.unitId,
      workRoot,
      stackDir,
      realStackDir,
      dataDir,
      backendFile: join(realStackDir, "backends", `${spec.fileStem}.s3.tfbackend`),
      varFile: join(realStackDir, "targets", `${spec.fileStem}.tfvars.json`),
      erroredStateFile: join(stackDir, "errored.tfstate"),
      hasLockFile: false,
      dataDirRebuilt: undefined,
    };
  }

  /** Stacks prepared for validate, in order; their commands are recorded as unit `validate/<stack>`. */
  readonly preparedStacks: string[] = [];
  /** Stacks whose scratch copy has a `.terraform.lock.hcl`. */
  readonly stacksWithLockFile = new Set<string>();

  async prepareStack(spec: StackWorkspaceSpec): Promise<StackWorkspace> {
    this.preparedStacks.push(spec.stack);
    const dir = join(this.configDir, ".crossform", "validate", spec.stack);
    const workRoot = join(dir, "work");
    const dataDir = join(dir, "data");
    this.unitsByDataDir.set(dataDir, `validate/${spec.stack}`);
    return {
      stack: spec.stack,
      workRoot,
      stackDir: join(workRoot, spec.stackPath),
      realStackDir: join(this.configDir, spec.stackPath),
      repositoryRoot: this.configDir,
      dataDir,
      logFile: join(dir, "log"),
      hasLockFile: this.stacksWithLockFile.has(spec.stack),
    };
  }

  /** Lines crossform annotated, by log file. */
  readonly annotations: { logFile: string; text: string }[] = [];

  annotate(logFile: string, text: string): void {
    this.annotations.push({ logFile, text });
  }

  /** Commands attached to the terminal, in order (their calls are in {@link calls} too). */
  readonly attached: FakeCall[] = [];

  /** Records a command: its unit (by data directory), subcommand and how many came before. */
  private record(
    command: Pick<TerraformCommand, "args" | "cwd" | "dataDir" | "logFile" | "stdout" | "redact">,
  ): FakeCall {
    const unit = this.unitsByDataDir.get(command.dataDir) ?? `(no unit) ${command.dataDir}`;
    const subcommand = command.args[0] ?? "";
    const call: FakeCall = {
      unit,
      command: subcommand,
      args: [...command.args],
      cwd: command.cwd,
      dataDir: command.dataDir,
      logFile: command.logFile,
      stdout: command.stdout ?? "log",
      redact: command.redact ?? [],
      nth: this.calls.filter((c) => c.unit === unit && c.command === subcommand).length + 1,
    };
    this.calls.push(call);
    return call;
  }

  async attach(command: AttachedCommand): Promise<AttachedResult> {
    const call = this.record(command);
    this.attached.push(call);
    command.onStart?.(FAKE_PID);
    const reply = this.script(call) ?? defaultReply(call);
    await mkdir(dirname(command.logFile), { recursive: true, mode: 0o700 });
    await appendFile(command.logFile, `$ terraform ${command.args.join(" ")} (attached)\n`, {
      mode: 0o600,
    });
    return { exitCode: reply.exitCode ?? 0, signal: null, interrupted: false, durationMs: 1 };
  }

  start(command: TerraformCommand): TerraformProcess {
    const call = this.record(command);
    const { unit, command: subcommand } = call;
    for (const waiter of this.waiters.filter((w) => w.match(call))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const reply = this.script(call) ?? defaultReply(call);
    const interrupts = this.interrupts;
    let ended = false;
    let interrupted = false;
    let stop: (how: "interrupt" | "kill") => void = () => {};
    const stopped = new Promise<"interrupt" | "kill">((resolve) => (stop = resolve));
    const run = async (): Promise<TerraformResult> => {
      await command.beforeStart?.(FAKE_PID).catch(() => undefined);
      // As the port says: the log's directory is created 0700 when missing.
      await mkdir(dirname(command.logFile), { recursive: true, mode: 0o700 });
      await appendFile(command.logFile, `$ terraform ${command.args.join(" ")}\n`, {
        mode: 0o600,
      });
      const how = reply.hang
        ? await stopped
        : await Promise.race([
            new Promise<"done">((resolve) => setTimeout(() => resolve("done"), reply.delayMs ?? 1)),
            stopped,
          ]);
      if (how === "done") {
        const out = call.args.find((a) => a.startsWith("-out="));
        const exitCode = reply.exitCode ?? 0;
        if (subcommand === "plan" && out && (exitCode === 0 || exitCode === 2)) {
          await writeFile(out.slice("-out=".length), `fake plan of ${unit} #${call.nth}\n`, {
            mode: 0o644,
          });
        }
      }
      const stdout = reply.stdout ?? "";
      if (how === "done" && typeof call.stdout === "object") {
        await writeFile(call.stdout.file, stdout, { mode: 0o600 });
      }
      // As the port says: stdout into the log (its own target "log") and stderr are redacted (the
      // command's values too), logged and handed to onLine.
      const redactor = createRedactor(command.redact ?? []);
      const logged = how === "done" && call.stdout === "log" ? redactor.redactText(stdout) : "";
      const stderr =
        how === "interrupt" ? "Interrupt received. Stopping operation..." : (reply.stderr ?? "");
      const redacted = redactor.redactText(stderr);
      for (const text of [logged, redacted]) {
        if (text === "") continue;
        await appendFile(command.logFile, `${text}\n`);
        for (const line of text.split("\n")) command.onLine?.({ text: line });
      }
      ended = true;
      return {
        exitCode: how === "kill" ? null : how === "interrupt" ? 1 : (reply.exitCode ?? 0),
        signal: how === "kill" ? "SIGKILL" : null,
        stdout: how === "done" && call.stdout === "capture" ? stdout : logged,
        stderr: redacted,
        stdoutBytes: stdout.length,
        interrupted,
        durationMs: 1,
        writeProblems: [],
      };
    };
    const result = run();
    return {
      pid: FAKE_PID,
      interrupt(signal = "SIGINT") {
        const sent = !ended && !interrupted;
        interrupts.push({ unit, command: subcommand, signal, sent });
        if (sent) {
          interrupted = true;
          if (!reply.ignoreInterrupt) stop("interrupt");
        }
        return sent;
      },
      kill() {
        if (ended) return false;
        stop("kill");
        return true;
      },
      result,
    };
  }
}
