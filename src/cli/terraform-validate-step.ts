/**
 * The `--terraform` part of `crossform validate`: builds the terraform runner, draws progress on
 * stderr, stops the children on Ctrl-C (the first interrupts each once, the second kills), and
 * returns the report for the command to print.
 */
import { SpawnTerraformRunner } from "../adapters/terraform/spawn-terraform-runner.ts";
import { createProgressView } from "../adapters/terminal/progress-view.ts";
import type { LoadedConfig } from "../app/load-config.ts";
import { pluginCacheDirOf } from "../app/run/run-records.ts";
import { validateTerraform } from "../app/validate-terraform.ts";
import type { TerraformValidateReport } from "../app/validate-terraform.ts";
import type { Adapters } from "./context.ts";
import { usageError } from "./context.ts";
import type { CliIo } from "./run-cli.ts";

/** `--parallel`: a whole number from 1 to 256; undefined = `run.parallel`. */
export function validateParallelOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 256) {
    usageError(`--parallel ${text} is not a whole number from 1 to 256`);
  }
  return n;
}

/** Runs `terraform validate` over every stack of `loaded`. */
export async function runTerraformValidate(
  loaded: LoadedConfig,
  adapters: Adapters,
  io: CliIo,
  parallel: number,
): Promise<TerraformValidateReport> {
  const { config } = loaded;
  const runner = new SpawnTerraformRunner({
    binary: config.terraform.binary,
    configDir: loaded.dir,
    env: io.env,
    baseProfile: config.base.profile,
    pluginCacheDir: pluginCacheDirOf(loaded.dir),
  });
  const stop = new AbortController();
  const kill = new AbortController();
  const onSigint = (): void => {
    if (!stop.signal.aborted) {
      io.stderr.write(
        "\nSIGINT received: no new stack starts; each running terraform was sent one interrupt (press Ctrl-C again to kill them)\n",
      );
      stop.abort();
    } else if (!kill.signal.aborted) {
      io.stderr.write("\nsecond Ctrl-C: killing the running terraform processes\n");
      kill.abort();
    }
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const view = createProgressView({
    stream: io.stderr as NodeJS.WritableStream & { isTTY?: boolean },
    verb: "validating",
  });
  try {
    return await validateTerraform(
      { runner, fs: adapters.fs, writer: adapters.writer, events: view },
      loaded,
      { parallel, signal: stop.signal, kill: kill.signal },
    );
  } finally {
    view.close();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}
