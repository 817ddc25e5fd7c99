/**
 * The base session's remaining lifetime against the expected run length (docs/contract.md section 5):
 * warn when the base credentials expire before the run is expected to end, refuse under five
 * minutes, and say "expiry unknown" when the environment does not tell.
 */

/** Expected run length when no earlier run of the same selection is known: 30 minutes. */
export const DEFAULT_EXPECTED_RUN_SECONDS = 30 * 60;

/** Below this remaining lifetime crossform refuses to start: 5 minutes. */
export const MINIMUM_SESSION_SECONDS = 5 * 60;

/** What the lifetime check decided. */
export type SessionLifetimeStatus = "ok" | "warning" | "refused" | "unknown";

/** The outcome of {@link checkSessionLifetime}. */
export interface SessionLifetime {
  status: SessionLifetimeStatus;
  /** Whole seconds left (negative once expired); undefined when the expiry is unknown. */
  remainingSeconds: number | undefined;
  /** The run length the session was checked against, in seconds. */
  expectedRunSeconds: number;
  /** One line for the operator, e.g. `base session expires in 12 min, before the expected run length of 30 min`. */
  message: string;
}

/** Inputs of {@link checkSessionLifetime}; the caller supplies the clock. */
export interface SessionLifetimeInput {
  /** When the base credentials expire; undefined when the environment does not say. */
  expiration: Date | undefined;
  /** The current time. */
  now: Date;
  /**
   * How long the run is expected to take: the last run of the same selection, else 30 minutes.
   * @default 1800
   */
  expectedRunSeconds?: number;
  /**
   * The least remaining lifetime crossform starts with.
   * @default 300
   */
  minimumSeconds?: number;
}

/** Decides whether the base session lives long enough for the run. */
export function checkSessionLifetime(input: SessionLifetimeInput): SessionLifetime {
  const expectedRunSeconds = input.expectedRunSeconds ?? DEFAULT_EXPECTED_RUN_SECONDS;
  const minimumSeconds = input.minimumSeconds ?? MINIMUM_SESSION_SECONDS;
  if (input.expiration === undefined) {
    return {
      status: "unknown",
      remainingSeconds: undefined,
      expectedRunSeconds,
      message: "base session expiry unknown: the credentials do not say when they expire",
    };
  }
  const remainingSeconds = Math.floor((input.expiration.getTime() - input.now.getTime()) / 1000);
  const at = input.expiration.toISOString();
  if (remainingSeconds <= 0) {
    return {
      status: "refused",
      remainingSeconds,
      expectedRunSeconds,
      message: `base session expired ${formatSeconds(-remainingSeconds)} ago (at ${at})`,
    };
  }
  if (remainingSeconds < minimumSeconds) {
    return {
      status: "refused",
      remainingSeconds,
      expectedRunSeconds,
      message: `base session expires in ${formatSeconds(remainingSeconds)} (at ${at}), under the minimum of ${formatSeconds(minimumSeconds)}`,
    };
  }
  if (remainingSeconds < expectedRunSeconds) {
    return {
      status: "warning",
      remainingSeconds,
      expectedRunSeconds,
      message: `base session expires in ${formatSeconds(remainingSeconds)} (at ${at}), before the expected run length of ${formatSeconds(expectedRunSeconds)}`,
    };
  }
  return {
    status: "ok",
    remainingSeconds,
    expectedRunSeconds,
    message: `base session expires in ${formatSeconds(remainingSeconds)} (at ${at})`,
  };
}

/** A duration for people: `45 s`, `12 min`, `2 h 5 min`. */
export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
