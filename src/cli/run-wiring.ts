/**
 * What every command that runs terraform in units builds around its use case (`plan`, `apply`,
 * `destroy`, `drift`, `output`, `exec`): the stop signals of docs/contract.md section 7 (one request
 * to stop, a grace period, then a kill), the progress view on stderr, and the run's ports (AWS
 * sessions, the terraform runner with its shared plugin cache, git, the clock, the journal, the
 * process table).
 */
import { GitCliStatus } from "../adapters/git/git-cli-status.ts";
import { NodeJournalFiles } from "../adapters/fs/append-journal.ts";
import { NodeProcessTable } from "../adapters/system/node-process-table.ts";
import { SystemClock } from "../adapters/system/system-clock.ts";
import { createProgressView } from "../adapters/terminal/progress-view.ts";
import type { ProgressView } from "../adapters/terminal/progress-view.ts";
import { SpawnTerraformRunner } from "../adapters/terraform/spawn-terraform-runner.ts";
import type { LoadedConfig } from "../app/load-config.ts";
import { pluginCacheDirOf } from "../app/run/run-records.ts";
import type { RunDeps } from "../app/run/run-types.ts";
import { gracePeriodSeconds, InterruptPolicy } from "../core/run/interrupt-policy.ts";
import type { StopSignal } from "../core/run/interrupt-policy.ts";
import type { Adapters, RunAwsSessions } from "./context.ts";
import { heldView } from "./held-view.ts";
import type { HeldView } from "./held-view.ts";
import { awsBaseOf } from "./context.ts";
import type { CliIo } from "./run-cli.ts";

/** The signals that ask a run to stop (docs/commands/run.md, "Interrupting"). */
const STOP_SIGNALS: readonly StopSignal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** A run's stop request and kill, driven by the process's signals until disposed. */
export interface StopSignals {
  /** Aborted by the first stop request. */
  signal: AbortSignal;
  /** Aborted by the kill (the third Ctrl-C, or the end of the grace period). */
  kill: AbortSignal;
  /** Removes the listeners and the grace timer. */
  dispose(): void;
}

/** Options of {@link stopSignals}. */
export interface StopSignalsOptions {
  /**
   * The terminal's Ctrl-C reaches a terraform attached to it directly (`exec -- console`): crossform
   * leaves SIGINT to it and only keeps itself alive. @default false
   */
  terminalOwnsInterrupt?: boolean;
}

/** Listens for SIGINT, SIGTERM and SIGHUP as docs/contract.md section 7 says. */
export function stopSignals(
  io: CliIo,
  loaded: LoadedConfig,
  options: StopSignalsOptions = {},
): StopSignals {
  const controller = new AbortController();
  const kill = new AbortController();
  const policy = new InterruptPolicy();
  const grace = gracePeriodSeconds(loaded.config.run.gracePeriodSeconds, io.env.CI === "true");
  let graceTimer: NodeJS.Timeout | undefined;
  const killNow = (why: string): void => {
    io.stderr.write(`\n${why}: killing the running terraform processes\n`);
    kill.abort();
  };
  const onSignal = (signal: StopSignal): void => {
    if (signal === "SIGINT" && options.terminalOwnsInterrupt === true) return;
    switch (policy.onSignal(signal)) {
      case "interrupt":
        io.stderr.write(
          `\n${signal} received${signal === "SIGHUP" ? " (the terminal went away)" : ""}: no new unit starts; each running terraform was sent one interrupt and has ${grace} s to stop before it is killed${signal === "SIGINT" ? " (press Ctrl-C twice more to kill now)" : ""}\n`,
        );
        controller.abort();
        graceTimer = setTimeout(() => {
          if (policy.onGraceExpired()) killNow(`the grace period of ${grace} s is over`);
        }, grace * 1000);
        graceTimer.unref();
        break;
      case "same-request":
        io.stderr.write(
          `\n${signal} received: the stop already under way goes on (no second interrupt)\n`,
        );
        break;
      case "warn":
        io.stderr.write(
          "\npress Ctrl-C again to kill the running terraform processes (their state locks may stay held)\n",
        );
        break;
      case "kill":
        killNow("third Ctrl-C");
        break;
      case "none":
        break;
    }
  };
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => onSignal(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  // A terminal or pipe that goes away must not end the run: the summary and the record are still
  // written (the record is what matters then), whatever stdout and stderr do.
  const ignoreOutputErrors = (): void => undefined;
  io.stdout.on("error", ignoreOutputErrors);
  io.stderr.on("error", ignoreOutputErrors);
  return {
    signal: controller.signal,
    kill: kill.signal,
    dispose() {
      if (graceTimer) clearTimeout(graceTimer);
      for (const [signal, listener] of listeners) process.off(signal, listener);
      io.stdout.off("error", ignoreOutputErrors);
      io.stderr.off("error", ignoreOutputErrors);
    },
  };
}

/** The ports of a run and the view drawing its progress. */
export interface RunWiring {
  deps: RunDeps;
  view: HeldView;
  aws: RunAwsSessions;
  /** Closes the view and the AWS sessions' sockets (once; later calls do nothing). */
  close(): void;
}

/** Options of {@link runWiring}. */
export interface RunWiringOptions {
  /** What the units do, for the live view's counter (`running`, `reading`). */
  verb: string;
  /** Terraform's trace log into each unit's log. @default false */
  debug?: boolean;
  /**
   * Plain lines of problems and messages only, never redrawn (`crossform exec`, whose stdout is
   * terraform's output on the same terminal). @default false
   */
  quiet?: boolean;
}

/** Only what needs the operator: messages, and tasks that did not end well. */
function quietView(view: ProgressView): ProgressView {
  return {
    emit(event) {
      if (event.type === "task-started") return;
      if (event.type === "task-finished" && event.status === "ok") return;
      view.emit(event);
    },
    close: () => view.close(),
  };
}

/** Builds the ports of a run; see {@link RunWiringOptions}. */
export function runWiring(
  io: CliIo,
  loaded: LoadedConfig,
  adapters: Adapters,
  options: RunWiringOptions,
): RunWiring {
  const { config } = loaded;
  const drawn = createProgressView({
    stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean },
    verb: options.verb,
    ...(options.quiet === true ? { live: false } : {}),
  });
  const view = heldView(options.quiet === true ? quietView(drawn) : drawn);
  const aws = adapters.aws(awsBaseOf(config), view);
  // One shared provider plugin cache (created by the run after its preflight); units of one
  // provider set init one at a time until it is warm.
  const runner = new SpawnTerraformRunner({
    pluginCacheDir: pluginCacheDirOf(loaded.dir),
    binary: config.terraform.binary,
    configDir: loaded.dir,
    env: io.env,
    baseProfile: config.base.profile,
    ...(options.debug === true ? { logLevel: "trace" as const } : {}),
  });
  let closed = false;
  return {
    deps: {
      fs: adapters.fs,
      writer: adapters.writer,
      parser: adapters.parser,
      aws,
      runner,
      git: new GitCliStatus(io.env),
      clock: new SystemClock(),
      journals: new NodeJournalFiles(),
      processes: new NodeProcessTable(),
      events: view,
    },
    view,
    aws,
    close() {
      if (closed) return;
      closed = true;
      view.close();
      aws.destroy();
    },
  };
}

/** Whether crossform can ask the operator: stdin and stderr are terminals, and not CI. */
export function interactive(io: CliIo): boolean {
  return (
    io.stdin?.isTTY === true &&
    (io.stderr as { isTTY?: boolean }).isTTY === true &&
    io.env.CI !== "true"
  );
}
