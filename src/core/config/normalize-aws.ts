/**
 * The `aws:` section: how long crossform's own AWS calls (verify, bootstrap, discover, the run's
 * preflight) wait for a connection and for an answer. Terraform's calls are Terraform's.
 */
import { durationSeconds } from "./durations.ts";
import { DEFAULTS } from "./normalize-defaults.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { WrittenConfig } from "./schema.ts";

/** The timeouts of crossform's AWS calls, in seconds. */
export interface AwsSettings {
  /** Per attempt: the longest wait for a connection to an endpoint. */
  connectTimeoutSeconds: number;
  /** Per call, its retries included: the longest wait for an answer. */
  requestTimeoutSeconds: number;
}

/** The bounds of each timeout, in seconds: below, nothing could answer; above, nobody waits. */
const BOUNDS = {
  connect_timeout: [1, 600],
  request_timeout: [1, 3600],
} as const;

/** The `aws:` section with its defaults, each timeout within its bounds. */
export function normalizeAws(ctx: NormalizeContext, written: WrittenConfig): AwsSettings {
  const seconds = (key: keyof typeof BOUNDS, fallback: string): number => {
    const text = written.aws?.[key] ?? fallback;
    const value = durationSeconds(text);
    const [min, max] = BOUNDS[key];
    if (value < min || value > max) {
      ctx.error(
        "config/timeout-out-of-range",
        ["aws", key],
        `aws.${key} ${text} is outside ${min}s to ${max >= 3600 ? `${max / 3600}h` : `${max / 60}m`}`,
        `write a duration from ${min}s to ${max >= 3600 ? `${max / 3600}h` : `${max / 60}m`}, or leave it out for ${fallback}`,
      );
    }
    return value;
  };
  return {
    connectTimeoutSeconds: seconds("connect_timeout", DEFAULTS.awsConnectTimeout),
    requestTimeoutSeconds: seconds("request_timeout", DEFAULTS.awsRequestTimeout),
  };
}
