/**
 * The `run:` section: parallelism, the lock timeout, the grace period and how many run records
 * are kept (`keep: all` keeps every one: no limit). The grace period is
 * bounded: it becomes a timer, and a value past Node's timer limit (about 24.8 days) fires at once,
 * so a `600h` would kill every terraform a moment after the first Ctrl-C. An hour is already far
 * longer than any CI system waits between its stop signal and its kill.
 */
import { durationSeconds } from "./durations.ts";
import type { Config } from "./model.ts";
import { DEFAULTS } from "./normalize-defaults.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { WrittenConfig } from "./schema.ts";

/** The longest `run.grace_period` accepted, in seconds. */
export const MAX_GRACE_PERIOD_SECONDS = 3600;

/** The run settings. */
export function normalizeRun(ctx: NormalizeContext, written: WrittenConfig): Config["run"] {
  const grace = written.run?.grace_period;
  const gracePeriodSeconds = grace === undefined ? undefined : durationSeconds(grace);
  if (gracePeriodSeconds !== undefined && gracePeriodSeconds > MAX_GRACE_PERIOD_SECONDS) {
    ctx.error(
      "config/grace-period-too-long",
      ["run", "grace_period"],
      `run.grace_period ${grace} is longer than 1h: after a stop request crossform waits at most an hour before it kills terraform`,
      "write a duration of at most 1h, e.g. 30s or 5m (CI systems kill a job within seconds of cancelling it)",
    );
  }
  return {
    parallel: written.run?.parallel ?? DEFAULTS.parallel,
    lockTimeoutSeconds: durationSeconds(written.run?.lock_timeout ?? DEFAULTS.lockTimeout),
    gracePeriodSeconds,
    keep: written.run?.keep === "all" ? undefined : (written.run?.keep ?? DEFAULTS.runKeep),
  };
}
